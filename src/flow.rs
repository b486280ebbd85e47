//! The sign-in state machine: it decides every request and never performs one.
//!
//! The driver (the engine, or a test) calls [`SignIn::start`], then feeds each reply to
//! [`SignIn::on_reply`] and each challenge answer to [`SignIn::on_answer`], acting on the
//! [`Step`] each returns, until [`Step::Done`] or an error. Every transition consumes the
//! current state, so a spent challenge session cannot be answered twice. The SRP
//! exponentiations are steps too ([`Step::Compute`]): the driver runs them in slices with
//! [`SignIn::compute`], so a browser can hand the main thread back to the page in between.
//!
//! ```text
//! start ─▶ InitiateAuth ─▶ PASSWORD_VERIFIER ─▶ DEVICE_SRP_AUTH ─▶ DEVICE_PASSWORD_VERIFIER ─┐
//!              │                 │                                                          │
//!              ▼                 ▼                                                          ▼
//!        challenge ─▶ Ask(handler) ─▶ answer ─▶ RespondToAuthChallenge ─▶ … ─▶ tokens ─▶ ConfirmDevice ─▶ Done
//!        MFA_SETUP ─▶ AssociateSoftwareToken ─▶ Ask(mfaSetup) ─▶ VerifySoftwareToken ─▶ RespondToAuthChallenge
//! ```
//!
//! The code is split by what it does: [`srp`] (password and device SRP), [`challenge`] (the
//! questions asked of the app and their answers), [`device`] (remembering a new device).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::client::{
    add_metadata, random_backoff, request, ClientConfig, Environment, MAX_RETRIES,
};
use crate::error::Error;
use crate::json::{Json, ObjectWriter};
use crate::secret::Secret;
use crate::srp::SrpClient;
use crate::wire::{lookup, AuthReply, AuthenticationResult, Operation, Request, StringMap};

mod challenge;
mod device;
mod srp;
mod user_auth;

pub use challenge::otpauth_uri;
use challenge::Asked;
use srp::Computing;

/// Restarts from InitiateAuth (after retryable failures or a stale device) per sign-in.
const MAX_RESTARTS: u32 = 4;

/// Which InitiateAuth flow to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFlow {
    /// `CUSTOM_AUTH` with `CHALLENGE_NAME: SRP_A`: the password first, then custom challenges.
    CustomWithSrp,
    /// `CUSTOM_AUTH` straight to the custom challenges.
    CustomWithoutSrp,
    /// `USER_AUTH`: choice-based sign-in (a password, a passkey, or a code by email or SMS).
    UserAuth,
    /// `USER_PASSWORD_AUTH`: the password travels (over TLS) to Cognito.
    UserPassword,
    /// `USER_SRP_AUTH`, the default: the password never leaves the page.
    UserSrp,
}

impl AuthFlow {
    /// Parses the JS option value.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "USER_SRP_AUTH" => Self::UserSrp,
            "USER_PASSWORD_AUTH" => Self::UserPassword,
            "CUSTOM_WITH_SRP" => Self::CustomWithSrp,
            "CUSTOM_WITHOUT_SRP" => Self::CustomWithoutSrp,
            "USER_AUTH" => Self::UserAuth,
            _ => return None,
        })
    }

    /// The `AuthFlow` InitiateAuth names.
    fn wire_name(self) -> &'static str {
        match self {
            Self::UserSrp => "USER_SRP_AUTH",
            Self::UserPassword => "USER_PASSWORD_AUTH",
            Self::CustomWithSrp | Self::CustomWithoutSrp => "CUSTOM_AUTH",
            Self::UserAuth => "USER_AUTH",
        }
    }
}

/// A remembered device's key, group and password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSecret {
    /// DeviceKey.
    pub device_key: String,
    /// DeviceGroupKey, the device SRP realm.
    pub device_group_key: String,
    /// The random device password registered by ConfirmDevice.
    pub device_password: Secret,
}

/// What a sign-in needs besides the client.
#[derive(Debug)]
pub struct SignInParams {
    /// What the user typed (username or alias).
    pub username: String,
    /// The password (unused by CUSTOM_WITHOUT_SRP).
    pub password: Secret,
    /// The InitiateAuth flow.
    pub flow: AuthFlow,
    /// ClientMetadata for every call (the configured default merged under the call's).
    pub client_metadata: StringMap,
    /// A remembered device for this user, if any.
    pub device: Option<DeviceSecret>,
    /// `Some(device name)` to remember a new device after sign-in.
    pub remember_device: Option<String>,
    /// Issuer shown in authenticator apps for MFA_SETUP.
    pub totp_issuer: String,
    /// USER_AUTH: the first factor to try (`PASSWORD`, `PASSWORD_SRP`, `EMAIL_OTP`, `SMS_OTP`,
    /// `WEB_AUTHN`); without one, the service offers a choice (SELECT_CHALLENGE).
    pub preferred_challenge: Option<String>,
    /// USER_AUTH: the Session ConfirmSignUp returned, which signs the new user in.
    pub session: Option<String>,
}

/// Which app callback answers a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handler {
    /// `customChallenge`
    CustomChallenge,
    /// `emailOtp`
    EmailOtp,
    /// `mfaSetup`
    MfaSetup,
    /// `newPasswordRequired`
    NewPasswordRequired,
    /// `challenge`: any other challenge, answered with raw ChallengeResponses.
    Other,
    /// `password`: USER_AUTH's chosen factor needs a password none was given for.
    Password,
    /// `selectChallenge`: USER_AUTH's choice of first factor.
    SelectChallenge,
    /// `selectMfaType`
    SelectMfaType,
    /// `smsMfa`
    SmsMfa,
    /// `smsOtp`: a code by SMS as the first factor.
    SmsOtp,
    /// `softwareTokenMfa`
    SoftwareTokenMfa,
    /// `webAuthn`: a passkey.
    WebAuthn,
}

impl Handler {
    /// The handler's property name in JS.
    pub fn js_name(self) -> &'static str {
        match self {
            Self::CustomChallenge => "customChallenge",
            Self::EmailOtp => "emailOtp",
            Self::MfaSetup => "mfaSetup",
            Self::NewPasswordRequired => "newPasswordRequired",
            Self::Other => "challenge",
            Self::Password => "password",
            Self::SelectChallenge => "selectChallenge",
            Self::SelectMfaType => "selectMfaType",
            Self::SmsMfa => "smsMfa",
            Self::SmsOtp => "smsOtp",
            Self::SoftwareTokenMfa => "softwareTokenMfa",
            Self::WebAuthn => "webAuthn",
        }
    }
}

/// A question for the app: call `handler` with this context and feed back the [`Answer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// The callback to call.
    pub handler: Handler,
    /// `ChallengeName`.
    pub challenge_name: String,
    /// `ChallengeParameters` as sent.
    pub parameters: StringMap,
    /// The username the service uses for this user.
    pub username: String,
    /// 1 the first time this challenge is asked in a row, then 2, 3, …
    pub attempt: u32,
    /// Why the previous answer was refused.
    pub error: Option<Error>,
    /// SMS and email codes: the masked destination (`CODE_DELIVERY_DESTINATION`).
    pub destination: Option<String>,
    /// SMS and email codes: `SMS` or `EMAIL` (`CODE_DELIVERY_DELIVERY_MEDIUM`).
    pub delivery_medium: Option<String>,
    /// SELECT_MFA_TYPE: the types to choose from (`MFAS_CAN_CHOOSE`).
    pub mfa_types: Vec<String>,
    /// SELECT_CHALLENGE: the first factors to choose from (`AvailableChallenges`).
    pub available_challenges: Vec<String>,
    /// WEB_AUTHN: `CREDENTIAL_REQUEST_OPTIONS`, the JSON text of the passkey request.
    pub request_options: Option<String>,
    /// MFA_SETUP: the TOTP secret (Base32).
    pub secret_code: Option<Secret>,
    /// MFA_SETUP: an `otpauth://` URI for QR codes (it holds the secret).
    pub otpauth_uri: Option<Secret>,
    /// NEW_PASSWORD_REQUIRED: attributes that must be given (without `userAttributes.`).
    pub required_attributes: Vec<String>,
    /// NEW_PASSWORD_REQUIRED: the user's current attributes.
    pub user_attributes: StringMap,
}

/// The app's answer to a [`Prompt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A code: SMS, email, TOTP, or the TOTP code that confirms MFA setup.
    Code(Secret),
    /// A custom challenge's ANSWER.
    Custom(Secret),
    /// A choice: SELECT_MFA_TYPE's MFA type, SELECT_CHALLENGE's first factor.
    Choice(String),
    /// WEB_AUTHN: the passkey's AuthenticationResponseJSON, as JSON text.
    Credential(String),
    /// NEW_PASSWORD_REQUIRED.
    NewPassword {
        /// NEW_PASSWORD.
        password: Secret,
        /// Attribute values, sent as `userAttributes.<name>`.
        attributes: StringMap,
    },
    /// The password the chosen first factor needs.
    Password(Secret),
    /// Raw ChallengeResponses for any other challenge.
    Responses(Vec<(String, Secret)>),
}

/// What the driver does next.
#[derive(Debug)]
pub enum Step {
    /// Ask the app.
    Ask(Box<Prompt>),
    /// Signed in.
    Done(Box<SignedIn>),
    /// Call [`SignIn::compute`] until it returns the next step: SRP math that the driver may
    /// split into slices (a few exponentiation steps per call) and yield between.
    Compute,
    /// Wait `delay_ms` (0 = no wait), send this, and feed the reply back.
    Send {
        /// The call.
        request: Request,
        /// Backoff before sending.
        delay_ms: u32,
    },
}

/// A finished sign-in.
#[derive(Debug)]
pub struct SignedIn {
    /// The tokens.
    pub result: AuthenticationResult,
    /// The device to remember for this user: the one used, or the one just confirmed.
    pub device: Option<DeviceSecret>,
    /// Why remembering a new device failed (the sign-in itself succeeded).
    pub device_error: Option<Error>,
}

/// What the machine waits for. Each variant names the reply or answer it expects.
enum State {
    /// SRP math is under way ([`Step::Compute`]).
    Computing(Box<Computing>),
    /// InitiateAuth (or SELECT_CHALLENGE's PASSWORD_SRP answer) is out; `srp` holds `a` for
    /// PASSWORD_VERIFIER.
    AwaitInitiate { srp: Option<SrpClient> },
    /// A RespondToAuthChallenge is out; `asked` is the question it answers, if any.
    AwaitChallengeReply { asked: Option<Box<Asked>> },
    /// DEVICE_SRP_AUTH is out; `srp` holds the device's fresh `a`.
    AwaitDeviceVerifier { srp: SrpClient },
    /// The app's handler is answering.
    AwaitAnswer { asked: Box<Asked> },
    /// AssociateSoftwareToken is out.
    AwaitSecretCode { asked: Box<Asked> },
    /// VerifySoftwareToken is out; `metadata` goes on the MFA_SETUP answer that follows.
    AwaitVerifyToken {
        asked: Box<Asked>,
        metadata: StringMap,
    },
    /// ConfirmDevice (`remember` false) or UpdateDeviceStatus (`remember` true) is out.
    AwaitDevice {
        done: Box<SignedIn>,
        request: Request,
        remember: bool,
    },
    /// Finished or failed; nothing more is accepted.
    Finished,
}

/// One sign-in attempt, from InitiateAuth to tokens.
pub struct SignIn {
    client: ClientConfig,
    params: SignInParams,
    /// The service's name for the user (USER_ID_FOR_SRP / USERNAME once known).
    username: String,
    state: State,
    /// (handler, challenge name, how many times in a row it was asked).
    streak: Option<(Handler, String, u32)>,
    retries: u32,
    restarts: u32,
}

impl core::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SignIn")
            .field("username", &self.username)
            .field("flow", &self.params.flow)
            .finish_non_exhaustive()
    }
}

impl SignIn {
    /// Prepares a sign-in; nothing is sent until [`SignIn::start`].
    pub fn new(client: ClientConfig, params: SignInParams) -> Self {
        Self {
            client,
            username: params.username.clone(),
            params,
            state: State::Finished,
            streak: None,
            retries: 0,
            restarts: 0,
        }
    }

    /// The first InitiateAuth.
    pub fn start(&mut self, env: &mut dyn Environment) -> Result<Step, Error> {
        if self.params.username.is_empty() {
            return Err(Error::InvalidConfig("username is required.".into()));
        }
        if self.params.password.is_empty() && self.needs_password() {
            return Err(Error::InvalidConfig("password is required.".into()));
        }
        self.initiate(env, 0)
    }

    /// Feeds the reply (or failure) of the last [`Step::Send`].
    pub fn on_reply(
        &mut self,
        env: &mut dyn Environment,
        reply: Result<Json, Error>,
    ) -> Result<Step, Error> {
        let state = core::mem::replace(&mut self.state, State::Finished);
        match reply {
            Ok(json) => {
                self.retries = 0;
                self.on_success(env, state, &json)
            }
            Err(error) => self.on_failure(env, state, error),
        }
    }

    /// Feeds the app's answer to the last [`Step::Ask`]; `step_metadata` is merged over the
    /// flow's ClientMetadata for the call this answer makes.
    pub fn on_answer(
        &mut self,
        env: &mut dyn Environment,
        answer: Answer,
        step_metadata: &[(String, String)],
    ) -> Result<Step, Error> {
        let State::AwaitAnswer { asked } = core::mem::replace(&mut self.state, State::Finished)
        else {
            return Err(Error::InvalidState(
                "No challenge is waiting for an answer.".into(),
            ));
        };
        self.answer(env, asked, answer, step_metadata)
    }

    /// The app's answer to the last [`Step::Ask`] was unusable (no [`Answer`] of the kind its
    /// handler takes): the same question is asked again, with the reason.
    pub fn refuse_answer(&mut self) -> Result<Step, Error> {
        let State::AwaitAnswer { asked } = core::mem::replace(&mut self.state, State::Finished)
        else {
            return Err(Error::InvalidState(
                "No challenge is waiting for an answer.".into(),
            ));
        };
        let error = asked.handler.unusable_answer();
        Ok(self.ask(asked, Some(error)))
    }

    /// Runs up to `steps` exponentiation steps (at most 5 squarings and a product each) of the
    /// pending [`Step::Compute`]; the next step once the math is done.
    pub fn compute(
        &mut self,
        env: &mut dyn Environment,
        steps: usize,
    ) -> Result<Option<Step>, Error> {
        let State::Computing(mut computing) = core::mem::replace(&mut self.state, State::Finished)
        else {
            return Err(Error::InvalidState("No SRP work is pending.".into()));
        };
        if !computing.advance(steps) {
            self.state = State::Computing(computing);
            return Ok(None);
        }
        self.computed(env, *computing).map(Some)
    }

    fn on_success(
        &mut self,
        env: &mut dyn Environment,
        state: State,
        json: &Json,
    ) -> Result<Step, Error> {
        match state {
            State::AwaitInitiate { srp } => self.on_auth_reply(env, AuthReply::parse(json)?, srp),
            State::AwaitChallengeReply { .. } => {
                self.on_auth_reply(env, AuthReply::parse(json)?, None)
            }
            State::AwaitDeviceVerifier { srp } => match AuthReply::parse(json)? {
                AuthReply::Challenge(c) if c.name == "DEVICE_PASSWORD_VERIFIER" => {
                    self.device_password_verifier(srp, &c)
                }
                _ => Err(Error::InvalidServerResponse(
                    "DEVICE_SRP_AUTH was not followed by DEVICE_PASSWORD_VERIFIER.".into(),
                )),
            },
            State::AwaitSecretCode { asked } => self.on_secret_code(asked, json),
            State::AwaitVerifyToken { asked, metadata } => {
                self.on_token_verified(asked, &metadata, json)
            }
            State::AwaitDevice { done, remember, .. } => self.on_device_reply(done, remember, json),
            State::Computing(_) | State::AwaitAnswer { .. } | State::Finished => Err(
                Error::InvalidState("No request is waiting for a reply.".into()),
            ),
        }
    }

    fn on_failure(
        &mut self,
        env: &mut dyn Environment,
        state: State,
        error: Error,
    ) -> Result<Step, Error> {
        let answered = match &state {
            State::AwaitChallengeReply { asked: Some(asked) } => Some(asked.challenge.name.clone()),
            _ => None,
        };
        let error = error.answering(answered);
        match state {
            State::AwaitChallengeReply { asked: Some(asked) }
                if asked.handler.may_retry_after(&error) =>
            {
                Ok(self.ask(asked, Some(error)))
            }
            State::AwaitVerifyToken { asked, .. } if asked.handler.may_retry_after(&error) => {
                Ok(self.ask(asked, Some(error)))
            }
            State::AwaitDevice {
                done,
                request,
                remember,
            } => self.on_device_failure(env, done, request, remember, error),
            State::AwaitInitiate { .. }
            | State::AwaitChallengeReply { .. }
            | State::AwaitDeviceVerifier { .. }
            | State::AwaitSecretCode { .. }
            | State::AwaitVerifyToken { .. } => {
                if error.retryable() && self.retries < MAX_RETRIES && self.restarts < MAX_RESTARTS {
                    // A challenge session may already be spent: start over, never re-send.
                    let delay_ms = self.backoff(env)?;
                    self.restarts += 1;
                    return self.initiate(env, delay_ms);
                }
                if error.is_service("ResourceNotFoundException")
                    && self.params.device.is_some()
                    && self.restarts < MAX_RESTARTS
                {
                    // The remembered device was forgotten by the service: sign in without it.
                    self.params.device = None;
                    self.restarts += 1;
                    return self.initiate(env, 0);
                }
                Err(error)
            }
            State::Computing(_) | State::AwaitAnswer { .. } | State::Finished => Err(
                Error::InvalidState("No request is waiting for a reply.".into()),
            ),
        }
    }

    /// Whether InitiateAuth itself needs the password.
    fn needs_password(&self) -> bool {
        match self.params.flow {
            AuthFlow::CustomWithoutSrp => false,
            AuthFlow::UserAuth => matches!(
                self.params.preferred_challenge.as_deref(),
                Some("PASSWORD" | "PASSWORD_SRP")
            ),
            AuthFlow::CustomWithSrp | AuthFlow::UserPassword | AuthFlow::UserSrp => true,
        }
    }

    /// Whether InitiateAuth carries `SRP_A`.
    fn uses_srp(&self) -> bool {
        match self.params.flow {
            AuthFlow::UserSrp | AuthFlow::CustomWithSrp => true,
            AuthFlow::UserAuth => {
                self.params.preferred_challenge.as_deref() == Some("PASSWORD_SRP")
            }
            AuthFlow::CustomWithoutSrp | AuthFlow::UserPassword => false,
        }
    }

    /// InitiateAuth for the configured flow; the SRP flows first compute A for a fresh `a`.
    fn initiate(&mut self, env: &mut dyn Environment, delay_ms: u32) -> Result<Step, Error> {
        self.username.clone_from(&self.params.username);
        self.streak = None;
        if !self.uses_srp() {
            return Ok(self.send_initiate(None, delay_ms));
        }
        let work = srp::new_work(env)?;
        Ok(self.await_compute(Computing::Initiate { work, delay_ms }))
    }

    /// InitiateAuth itself, with `SRP_A` from `srp` in the SRP flows.
    fn send_initiate(&mut self, srp: Option<SrpClient>, delay_ms: u32) -> Step {
        let flow = self.params.flow;
        let mut parameters = ObjectWriter::new();
        parameters.str("USERNAME", &self.username);
        if let Some(client) = &srp {
            parameters.str("SRP_A", &client.srp_a());
        }
        match flow {
            AuthFlow::UserPassword => {
                parameters.str("PASSWORD", self.params.password.expose());
            }
            AuthFlow::CustomWithSrp => {
                parameters.str("CHALLENGE_NAME", "SRP_A");
            }
            AuthFlow::UserAuth => {
                let preferred = self.params.preferred_challenge.as_deref();
                parameters.opt_str("PREFERRED_CHALLENGE", preferred);
                if preferred == Some("PASSWORD") {
                    parameters.str("PASSWORD", self.params.password.expose());
                }
            }
            AuthFlow::UserSrp | AuthFlow::CustomWithoutSrp => {}
        }
        parameters
            .opt_str(
                "SECRET_HASH",
                self.client.secret_hash(&self.username).as_deref(),
            )
            .opt_str(
                "DEVICE_KEY",
                self.params.device.as_ref().map(|d| d.device_key.as_str()),
            );
        let mut body = ObjectWriter::new();
        body.str("AuthFlow", flow.wire_name())
            .str("ClientId", self.client.client_id())
            .raw("AuthParameters", &parameters.finish())
            .opt_str("Session", self.params.session.as_deref());
        add_metadata(&mut body, &self.params.client_metadata);
        self.state = State::AwaitInitiate { srp };
        Step::Send {
            request: request(Operation::InitiateAuth, body),
            delay_ms,
        }
    }

    fn on_auth_reply(
        &mut self,
        env: &mut dyn Environment,
        reply: AuthReply,
        srp: Option<SrpClient>,
    ) -> Result<Step, Error> {
        let challenge = match reply {
            AuthReply::Authenticated(result) => return self.authenticated(env, result),
            AuthReply::Challenge(challenge) => challenge,
        };
        if let Some(user) = lookup(&challenge.parameters, "USERNAME") {
            self.username = user.into();
        }
        match challenge.name.as_str() {
            "PASSWORD_VERIFIER" => {
                let srp = srp.ok_or_else(|| unexpected(&challenge.name))?;
                self.password_verifier(srp, &challenge)
            }
            "DEVICE_SRP_AUTH" => self.device_srp_auth(env, challenge),
            "MFA_SETUP" if challenge::can_set_up_totp(&challenge) => {
                let body = challenge::session_body(&challenge);
                self.state = State::AwaitSecretCode {
                    asked: Asked::new(Handler::MfaSetup, challenge),
                };
                Ok(Step::Send {
                    request: request(Operation::AssociateSoftwareToken, body),
                    delay_ms: 0,
                })
            }
            name => {
                let handler = challenge::handler_for(name);
                Ok(self.ask(Asked::new(handler, challenge), None))
            }
        }
    }

    /// Waits for the driver to run `work` ([`Step::Compute`]).
    fn await_compute(&mut self, work: Computing) -> Step {
        self.state = State::Computing(Box::new(work));
        Step::Compute
    }

    /// The delay before the next retry (see [`crate::client::backoff_ms`]).
    fn backoff(&mut self, env: &mut dyn Environment) -> Result<u32, Error> {
        let delay = random_backoff(env, self.retries)?;
        self.retries += 1;
        Ok(delay)
    }
}

/// A reply's `Session`, when it has one.
fn reply_session(json: &Json) -> Option<String> {
    crate::wire::text(json, "Session")
}

fn unexpected(challenge: &str) -> Error {
    Error::InvalidServerResponse(["Unexpected challenge ", challenge, "."].concat())
}
