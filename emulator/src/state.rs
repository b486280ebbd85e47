//! A sign-in in progress: what its `Session` stands for (`Flow`: what was achieved and which
//! challenge it waits for), where a step leads (`Outcome`), and what one call's steps share
//! (`Ctx`).

use serde_json::{json, Value};

use crate::app::{App, Medium};
use crate::codes::{self, Reason};
use crate::config::{ClientConfig, MfaKind, TriggerName};
use crate::error::ApiResult;
use crate::requests::StringMap;
use crate::srp_auth::PendingSrp;
use crate::store::User;
use crate::test_hooks::{CallRecord, Delivery};
use crate::triggers::{self, Invocation};
use crate::user_auth::Choice;

/// A sign-in waiting for the answer to one challenge: what a `Session` stands for.
#[derive(Debug)]
pub struct Flow {
    pub progress: Progress,
    pub pending: Pending,
}

/// What a sign-in has achieved so far.
#[derive(Debug)]
pub struct Progress {
    pub client_id: String,
    /// The internal username (or, for a user hidden by PreventUserExistenceErrors, as typed).
    pub username: String,
    /// Present for CUSTOM_AUTH.
    pub custom: Option<CustomProgress>,
    /// The last DEVICE_KEY the client sent.
    pub device_key: Option<String>,
    pub password_verified: bool,
    pub new_password_set: bool,
    pub second_factor_done: bool,
    pub device_authenticated: bool,
}

/// The Define auth challenge trigger's `request.session` so far.
#[derive(Debug, Default)]
pub struct CustomProgress {
    pub history: Vec<Value>,
    /// SRP_A from InitiateAuth, kept until Define asks for PASSWORD_VERIFIER.
    pub srp_a: Option<String>,
}

impl CustomProgress {
    /// Appends `{challengeName, challengeResult, challengeMetadata}`.
    pub fn push(&mut self, challenge: &str, result: bool, metadata: Option<&str>) {
        self.history.push(json!({
            "challengeName": challenge,
            "challengeResult": result,
            "challengeMetadata": metadata,
        }));
    }
}

/// The challenge a session waits for, with what checking the answer needs.
#[derive(Debug)]
pub enum Pending {
    PasswordVerifier(PendingSrp),
    NewPasswordRequired,
    SelectMfaType(Vec<MfaKind>),
    /// TOTP enrolment: AssociateSoftwareToken sets `secret`, VerifySoftwareToken `verified`.
    MfaSetup {
        secret: Option<String>,
        verified: bool,
    },
    /// `code` is the sent code for SMS and email; TOTP codes come from the user's secret.
    Mfa {
        kind: MfaKind,
        code: Option<String>,
        wrong_answers: u32,
    },
    CustomChallenge {
        private: Value,
        metadata: Option<String>,
    },
    DeviceSrpAuth,
    DevicePasswordVerifier(PendingSrp),
    /// USER_AUTH: the first factors this user may pick (`AvailableChallenges`).
    SelectChallenge(Vec<Choice>),
    /// USER_AUTH with PREFERRED_CHALLENGE=PASSWORD and no PASSWORD: answered with PASSWORD.
    Password,
    /// USER_AUTH with PREFERRED_CHALLENGE=PASSWORD_SRP and no SRP_A: answered with SRP_A.
    PasswordSrp,
    /// USER_AUTH's EMAIL_OTP / SMS_OTP first factor: the code sent.
    Otp {
        medium: Medium,
        code: String,
        wrong_answers: u32,
    },
    /// USER_AUTH's passkey first factor: the challenge in CREDENTIAL_REQUEST_OPTIONS.
    WebAuthn {
        challenge: Vec<u8>,
    },
    /// The Session of SignUp (for ConfirmSignUp): no challenge answers it.
    SignedUp,
    /// The Session of ConfirmSignUp: InitiateAuth USER_AUTH signs the user in with it.
    SignUpConfirmed,
}

impl Flow {
    /// What else finds this session, for answers that omit `Session` (pycognito omits it on
    /// PASSWORD_VERIFIER and the device challenges): the SECRET_BLOCK, or for DEVICE_SRP_AUTH
    /// the DEVICE_KEY. [`answer_alias`] is the same key seen from the answer.
    fn alias(&self) -> Option<String> {
        match &self.pending {
            Pending::PasswordVerifier(srp) | Pending::DevicePasswordVerifier(srp) => {
                Some(srp.secret_block().to_owned())
            }
            Pending::DeviceSrpAuth => self.progress.device_key.as_deref().map(device_alias),
            _ => None,
        }
    }
}

/// The session alias an answer to `challenge` names (see [`Flow::alias`]).
pub fn answer_alias(challenge: &str, responses: &StringMap) -> Option<String> {
    match challenge {
        "DEVICE_SRP_AUTH" => responses.get("DEVICE_KEY").map(|key| device_alias(key)),
        _ => responses.get("PASSWORD_CLAIM_SECRET_BLOCK").cloned(),
    }
}

fn device_alias(device_key: &str) -> String {
    format!("DEVICE_SRP_AUTH {device_key}")
}

impl Pending {
    pub fn challenge_name(&self) -> &'static str {
        match self {
            Self::PasswordVerifier(_) => "PASSWORD_VERIFIER",
            Self::NewPasswordRequired => "NEW_PASSWORD_REQUIRED",
            Self::SelectMfaType(_) => "SELECT_MFA_TYPE",
            Self::MfaSetup { .. } => "MFA_SETUP",
            Self::Mfa { kind, .. } => kind.challenge(),
            Self::CustomChallenge { .. } => "CUSTOM_CHALLENGE",
            Self::DeviceSrpAuth => "DEVICE_SRP_AUTH",
            Self::DevicePasswordVerifier(_) => "DEVICE_PASSWORD_VERIFIER",
            Self::SelectChallenge(_) => "SELECT_CHALLENGE",
            Self::Password => "PASSWORD",
            Self::PasswordSrp => "PASSWORD_SRP",
            Self::Otp { medium, .. } => match medium {
                Medium::Email => "EMAIL_OTP",
                Medium::Sms => "SMS_OTP",
            },
            Self::WebAuthn { .. } => "WEB_AUTHN",
            // Never a challenge: RespondToAuthChallenge refuses these sessions.
            Self::SignedUp => "(SignUp session)",
            Self::SignUpConfirmed => "(ConfirmSignUp session)",
        }
    }
}

/// Where a step leads: another challenge, or the AuthenticationResult.
#[derive(Debug)]
pub enum Outcome {
    Challenge {
        flow: Box<Flow>,
        parameters: StringMap,
    },
    Tokens(Value),
}

impl Outcome {
    /// A challenge; its parameters always name the user (`USERNAME`, `USER_ID_FOR_SRP`).
    pub fn challenge(progress: Progress, pending: Pending, mut parameters: StringMap) -> Self {
        for key in ["USERNAME", "USER_ID_FOR_SRP"] {
            parameters
                .entry(key.to_owned())
                .or_insert_with(|| progress.username.clone());
        }
        Self::Challenge {
            flow: Box::new(Flow { progress, pending }),
            parameters,
        }
    }

    /// SELECT_CHALLENGE: empty ChallengeParameters, the choices in `AvailableChallenges`.
    pub fn select_challenge(progress: Progress, choices: Vec<Choice>) -> Self {
        Self::Challenge {
            flow: Box::new(Flow {
                progress,
                pending: Pending::SelectChallenge(choices),
            }),
            parameters: StringMap::new(),
        }
    }

    /// The response body; a challenge gets a new Session.
    pub fn into_response(self, app: &App) -> Value {
        match self {
            Self::Challenge { flow, parameters } => {
                let name = flow.pending.challenge_name();
                let available = match &flow.pending {
                    Pending::SelectChallenge(choices) => {
                        Some(choices.iter().map(|c| c.as_str()).collect::<Vec<_>>())
                    }
                    _ => None,
                };
                let alias = flow.alias();
                let mut sessions = app.sessions();
                let session = sessions.create(*flow, std::time::Instant::now());
                if let Some(alias) = alias {
                    sessions.link(alias, session.clone());
                }
                drop(sessions);
                let mut body = json!({ "ChallengeName": name, "Session": session, "ChallengeParameters": parameters });
                if let (Some(available), Some(map)) = (available, body.as_object_mut()) {
                    map.insert("AvailableChallenges".into(), json!(available));
                }
                body
            }
            Self::Tokens(result) => {
                json!({ "ChallengeParameters": {}, "AuthenticationResult": result })
            }
        }
    }
}

/// What every step of one API call shares.
pub struct Ctx<'a> {
    pub app: &'a App,
    pub client: &'a ClientConfig,
    pub record: &'a mut CallRecord,
}

impl Ctx<'_> {
    /// Runs `trigger` (as `source`) for `user` of this call's client, if the pool configures
    /// it: `Ok(None)` when it does not, else the event's `response`.
    pub async fn trigger(
        &mut self,
        trigger: TriggerName,
        source: &str,
        user: &User,
        request: Value,
    ) -> ApiResult<Option<Value>> {
        let invocation = Invocation {
            trigger,
            source,
            username: &user.username,
            client_id: &self.client.client_id,
        };
        triggers::invoke(self.app, self.record, invocation, request).await
    }

    /// Sends `user` a code for this call's client (see `codes::send`).
    pub async fn send_code(
        &mut self,
        user: &User,
        medium: Medium,
        reason: Reason,
        metadata: Option<&StringMap>,
    ) -> ApiResult<Delivery> {
        let client_id = &self.client.client_id;
        codes::send(
            self.app,
            self.record,
            client_id,
            user,
            medium,
            reason,
            metadata,
        )
        .await
    }
}

impl Progress {
    pub fn new(client_id: &str, username: &str, device_key: Option<&String>) -> Self {
        Self {
            client_id: client_id.to_owned(),
            username: username.to_owned(),
            custom: None,
            device_key: device_key.cloned(),
            password_verified: false,
            new_password_set: false,
            second_factor_done: false,
            device_authenticated: false,
        }
    }
}
