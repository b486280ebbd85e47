//! The sign-in state machine: it decides every request and never performs one.
//!
//! The driver (the wasm shell, or a test) calls [`SignIn::start`], then feeds each reply to
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

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use zeroize::Zeroize;

use crate::client::{
    add_metadata, backoff_ms, merge_metadata, ClientConfig, Environment, MAX_RETRIES,
};
use crate::error::Error;
use crate::json::Json;
use crate::srp::{
    ClientWork, Credentials, DeviceVerifier, EphemeralSecret, KeyWork, SessionKey, SrpClient,
    DEVICE_PASSWORD_LEN, DEVICE_SALT_LEN, EPHEMERAL_SECRET_LEN,
};
use crate::timestamp::format_timestamp;
use crate::wire::{
    lookup, malformed, string_map_json, AuthReply, AuthenticationResult, Challenge, Operation,
    Request, StringMap,
};

/// Restarts from InitiateAuth (after retryable failures or a stale device) per sign-in.
const MAX_RESTARTS: u32 = 4;

/// Which InitiateAuth flow to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFlow {
    /// `CUSTOM_AUTH` with `CHALLENGE_NAME: SRP_A`: the password first, then custom challenges.
    CustomWithSrp,
    /// `CUSTOM_AUTH` straight to the custom challenges.
    CustomWithoutSrp,
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
            _ => return None,
        })
    }

    fn uses_srp(self) -> bool {
        matches!(self, Self::UserSrp | Self::CustomWithSrp)
    }
}

/// A remembered device's key, group and password; Debug hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceSecret {
    /// DeviceKey.
    pub device_key: String,
    /// DeviceGroupKey, the device SRP realm.
    pub device_group_key: String,
    /// The random device password registered by ConfirmDevice.
    pub device_password: String,
}

impl Drop for DeviceSecret {
    fn drop(&mut self) {
        self.device_password.zeroize();
    }
}

impl core::fmt::Debug for DeviceSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DeviceSecret")
            .field("device_key", &self.device_key)
            .field("device_group_key", &self.device_group_key)
            .field("device_password", &"[redacted]")
            .finish()
    }
}

/// The user's password, kept only for the flow's life (a restart redoes SRP).
struct Password(String);

impl Drop for Password {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// What a sign-in needs besides the client.
#[derive(Debug)]
pub struct SignInParams {
    /// What the user typed (username or alias).
    pub username: String,
    /// The password (unused by CUSTOM_WITHOUT_SRP).
    pub password: String,
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
    /// `selectMfaType`
    SelectMfaType,
    /// `smsMfa`
    SmsMfa,
    /// `softwareTokenMfa`
    SoftwareTokenMfa,
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
            Self::SelectMfaType => "selectMfaType",
            Self::SmsMfa => "smsMfa",
            Self::SoftwareTokenMfa => "softwareTokenMfa",
        }
    }

    fn for_challenge(name: &str) -> Self {
        match name {
            "CUSTOM_CHALLENGE" => Self::CustomChallenge,
            "EMAIL_OTP" => Self::EmailOtp,
            "MFA_SETUP" => Self::MfaSetup,
            "NEW_PASSWORD_REQUIRED" => Self::NewPasswordRequired,
            "SELECT_MFA_TYPE" => Self::SelectMfaType,
            "SMS_MFA" => Self::SmsMfa,
            "SOFTWARE_TOKEN_MFA" => Self::SoftwareTokenMfa,
            _ => Self::Other,
        }
    }

    /// The ChallengeResponses key that carries a code.
    fn code_key(self) -> Option<&'static str> {
        match self {
            Self::EmailOtp => Some("EMAIL_OTP_CODE"),
            Self::SmsMfa => Some("SMS_MFA_CODE"),
            Self::SoftwareTokenMfa => Some("SOFTWARE_TOKEN_MFA_CODE"),
            _ => None,
        }
    }

    /// Errors after which the service keeps the session and the user may try again.
    fn may_retry_after(self, error: &Error) -> bool {
        match self {
            Self::EmailOtp | Self::SmsMfa | Self::SoftwareTokenMfa => {
                error.is_service("CodeMismatchException")
            }
            Self::MfaSetup => {
                error.is_service("CodeMismatchException")
                    || error.is_service("EnableSoftwareTokenMFAException")
            }
            Self::NewPasswordRequired => {
                error.is_service("InvalidPasswordException")
                    || error.is_service("PasswordHistoryPolicyViolationException")
            }
            _ => false,
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
    /// MFA_SETUP: the TOTP secret (Base32).
    pub secret_code: Option<String>,
    /// MFA_SETUP: an `otpauth://` URI for QR codes.
    pub otpauth_uri: Option<String>,
    /// NEW_PASSWORD_REQUIRED: attributes that must be given (without `userAttributes.`).
    pub required_attributes: Vec<String>,
}

/// The app's answer to a [`Prompt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A code: SMS, email, TOTP, or the TOTP code that confirms MFA setup.
    Code(String),
    /// A custom challenge's answer, with ClientMetadata for this step only.
    Custom {
        /// ANSWER.
        answer: String,
        /// Overrides merged over the flow's ClientMetadata.
        client_metadata: StringMap,
    },
    /// SELECT_MFA_TYPE: `SMS_MFA`, `SOFTWARE_TOKEN_MFA` or `EMAIL_OTP`.
    MfaType(String),
    /// NEW_PASSWORD_REQUIRED.
    NewPassword {
        /// NEW_PASSWORD.
        password: String,
        /// Attribute values, sent as `userAttributes.<name>`.
        attributes: StringMap,
    },
    /// Raw ChallengeResponses for any other challenge.
    Responses(StringMap),
}

/// What the driver does next.
#[derive(Debug)]
pub enum Step {
    /// Ask the app.
    Ask(Prompt),
    /// Signed in.
    Done(SignedIn),
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

/// A question asked, kept so that a refused answer can be asked again on the same session.
#[derive(Debug)]
struct Asked {
    handler: Handler,
    challenge: Challenge,
    secret_code: Option<String>,
}

/// What the machine waits for. Each variant names the reply or answer it expects.
enum State {
    /// SRP math is under way ([`Step::Compute`]).
    Computing(Box<Computing>),
    /// InitiateAuth is out; `srp` holds `a` for PASSWORD_VERIFIER.
    AwaitInitiate { srp: Option<SrpClient> },
    /// A RespondToAuthChallenge is out; `asked` is the question it answers, if any.
    AwaitChallengeReply { asked: Option<Asked> },
    /// DEVICE_SRP_AUTH is out; `srp` holds the device's fresh `a`.
    AwaitDeviceVerifier { srp: SrpClient },
    /// The app's handler is answering.
    AwaitAnswer { asked: Asked },
    /// AssociateSoftwareToken is out.
    AwaitSecretCode { challenge: Challenge },
    /// VerifySoftwareToken is out.
    AwaitVerifyToken { asked: Asked },
    /// ConfirmDevice (`remember` false) or UpdateDeviceStatus (`remember` true) is out.
    AwaitDevice {
        done: SignedIn,
        request: Request,
        remember: bool,
    },
    /// Finished or failed; nothing more is accepted.
    Finished,
}

/// SRP math in progress, with what it is for.
enum Computing {
    /// `A` for InitiateAuth, to be sent after `delay_ms`.
    Initiate { work: ClientWork, delay_ms: u32 },
    /// `A` for the answer to DEVICE_SRP_AUTH.
    DeviceAuth {
        work: ClientWork,
        challenge: Challenge,
    },
    /// The session key that signs the claim for a (DEVICE_)PASSWORD_VERIFIER.
    Claim {
        work: Box<KeyWork>,
        challenge: Challenge,
    },
}

impl Computing {
    fn advance(&mut self, steps: usize) -> bool {
        match self {
            Self::Initiate { work, .. } | Self::DeviceAuth { work, .. } => work.advance(steps),
            Self::Claim { work, .. } => work.advance(steps),
        }
    }
}

/// One sign-in attempt, from InitiateAuth to tokens.
pub struct SignIn {
    client: ClientConfig,
    params: SignInParams,
    password: Password,
    /// The service's name for the user (USER_ID_FOR_SRP / USERNAME once known).
    username: String,
    state: State,
    /// (challenge name, how many times in a row it was asked).
    streak: Option<(String, u32)>,
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
    pub fn new(client: ClientConfig, mut params: SignInParams) -> Self {
        let password = Password(core::mem::take(&mut params.password));
        Self {
            client,
            username: params.username.clone(),
            params,
            password,
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
        if self.password.0.is_empty() && self.params.flow != AuthFlow::CustomWithoutSrp {
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

    /// Feeds the app's answer to the last [`Step::Ask`].
    pub fn on_answer(&mut self, answer: Answer) -> Result<Step, Error> {
        let State::AwaitAnswer { asked } = core::mem::replace(&mut self.state, State::Finished)
        else {
            return Err(Error::InvalidConfig(
                "No challenge is waiting for an answer.".into(),
            ));
        };
        if asked.handler == Handler::MfaSetup {
            let Answer::Code(code) = answer else {
                return Err(wrong_answer(asked.handler));
            };
            let mut body = session_body(&asked.challenge);
            body.set("UserCode", Json::str(code));
            self.state = State::AwaitVerifyToken { asked };
            return Ok(send(Operation::VerifySoftwareToken, body));
        }
        let (responses, step_metadata) = self.responses_for(&asked, answer)?;
        let metadata = merge_metadata(&self.params.client_metadata, &step_metadata);
        let request = self.respond(&asked.challenge, responses, &metadata);
        self.state = State::AwaitChallengeReply { asked: Some(asked) };
        Ok(request)
    }

    /// Runs up to `steps` exponentiation steps (at most 5 squarings and a product each) of the pending
    /// [`Step::Compute`]; the next step once the math is done.
    pub fn compute(
        &mut self,
        env: &mut dyn Environment,
        steps: usize,
    ) -> Result<Option<Step>, Error> {
        let State::Computing(mut computing) = core::mem::replace(&mut self.state, State::Finished)
        else {
            return Err(Error::InvalidConfig("No SRP work is pending.".into()));
        };
        if !computing.advance(steps) {
            self.state = State::Computing(computing);
            return Ok(None);
        }
        let step = match *computing {
            Computing::Initiate { work, delay_ms } => {
                self.send_initiate(Some(work.finish()?), delay_ms)
            }
            Computing::DeviceAuth { work, challenge } => {
                self.answer_device_srp_auth(work.finish()?, &challenge)
            }
            Computing::Claim { work, challenge } => {
                let responses = claim(env, &work.finish(), &challenge)?;
                self.send_claim(&challenge, responses)
            }
        };
        Ok(Some(step))
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
            State::AwaitSecretCode { mut challenge } => {
                let secret = json
                    .get("SecretCode")
                    .and_then(Json::as_str)
                    .ok_or_else(|| malformed("SecretCode"))?;
                if let Some(session) = json.get("Session").and_then(Json::as_str) {
                    challenge.session = Some(session.into());
                }
                let asked = Asked {
                    handler: Handler::MfaSetup,
                    challenge,
                    secret_code: Some(secret.into()),
                };
                Ok(self.ask(&*env, asked, None))
            }
            State::AwaitVerifyToken { mut asked } => {
                if json.get("Status").and_then(Json::as_str) != Some("SUCCESS") {
                    let refused = Error::Service(crate::error::ServiceError {
                        name: "CodeMismatchException".into(),
                        message: "The TOTP code was not accepted.".into(),
                        status: 200,
                        request_id: None,
                    });
                    return Ok(self.ask(&*env, asked, Some(refused)));
                }
                if let Some(session) = json.get("Session").and_then(Json::as_str) {
                    asked.challenge.session = Some(session.into());
                }
                let metadata = self.params.client_metadata.clone();
                let request = self.respond(&asked.challenge, Vec::new(), &metadata);
                self.state = State::AwaitChallengeReply { asked: None };
                Ok(request)
            }
            State::AwaitDevice { done, remember, .. } => {
                let confirm_needed =
                    json.get("UserConfirmationNecessary") == Some(&Json::Bool(true));
                if remember || !confirm_needed {
                    return Ok(Step::Done(done));
                }
                let Some(device) = done.device.as_ref() else {
                    return Ok(Step::Done(done));
                };
                let update = Request {
                    operation: Operation::UpdateDeviceStatus,
                    body: Json::object([
                        ("AccessToken", Json::str(done.result.access_token.as_str())),
                        ("DeviceKey", Json::str(device.device_key.as_str())),
                        ("DeviceRememberedStatus", Json::str("remembered")),
                    ]),
                };
                self.state = State::AwaitDevice {
                    done,
                    request: update.clone(),
                    remember: true,
                };
                Ok(Step::Send {
                    request: update,
                    delay_ms: 0,
                })
            }
            State::Computing(_) | State::AwaitAnswer { .. } | State::Finished => Err(
                Error::InvalidConfig("No request is waiting for a reply.".into()),
            ),
        }
    }

    fn on_failure(
        &mut self,
        env: &mut dyn Environment,
        state: State,
        error: Error,
    ) -> Result<Step, Error> {
        match state {
            State::AwaitChallengeReply { asked: Some(asked) }
                if asked.handler.may_retry_after(&error) =>
            {
                Ok(self.ask(&*env, asked, Some(error)))
            }
            State::AwaitVerifyToken { asked } if asked.handler.may_retry_after(&error) => {
                Ok(self.ask(&*env, asked, Some(error)))
            }
            State::AwaitDevice {
                mut done,
                request,
                remember,
            } => {
                if error.retryable() && self.retries < MAX_RETRIES {
                    let delay_ms = self.backoff(env)?;
                    self.state = State::AwaitDevice {
                        done,
                        request: request.clone(),
                        remember,
                    };
                    return Ok(Step::Send { request, delay_ms });
                }
                // Signed in all the same; the device is simply not remembered.
                done.device = None;
                done.device_error = Some(error);
                Ok(Step::Done(done))
            }
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
                Error::InvalidConfig("No request is waiting for a reply.".into()),
            ),
        }
    }

    /// InitiateAuth for the configured flow; the SRP flows first compute A for a fresh `a`.
    fn initiate(&mut self, env: &mut dyn Environment, delay_ms: u32) -> Result<Step, Error> {
        self.username.clone_from(&self.params.username);
        self.streak = None;
        if !self.params.flow.uses_srp() {
            return Ok(self.send_initiate(None, delay_ms));
        }
        let work = new_srp_work(env)?;
        Ok(self.await_compute(Computing::Initiate { work, delay_ms }))
    }

    /// InitiateAuth itself, with `SRP_A` from `srp` in the SRP flows.
    fn send_initiate(&mut self, srp: Option<SrpClient>, delay_ms: u32) -> Step {
        let flow = self.params.flow;
        let mut parameters = Json::object([("USERNAME", Json::str(self.username.as_str()))]);
        if let Some(client) = &srp {
            parameters.set("SRP_A", Json::str(client.srp_a()));
        }
        match flow {
            AuthFlow::UserPassword => {
                parameters.set("PASSWORD", Json::str(self.password.0.as_str()))
            }
            AuthFlow::CustomWithSrp => parameters.set("CHALLENGE_NAME", Json::str("SRP_A")),
            AuthFlow::UserSrp | AuthFlow::CustomWithoutSrp => {}
        }
        self.client
            .add_secret_hash(&mut parameters, "SECRET_HASH", &self.username);
        if let Some(device) = &self.params.device {
            parameters.set("DEVICE_KEY", Json::str(device.device_key.as_str()));
        }
        let auth_flow = match flow {
            AuthFlow::UserSrp => "USER_SRP_AUTH",
            AuthFlow::UserPassword => "USER_PASSWORD_AUTH",
            AuthFlow::CustomWithSrp | AuthFlow::CustomWithoutSrp => "CUSTOM_AUTH",
        };
        let mut body = Json::object([
            ("AuthFlow", Json::str(auth_flow)),
            ("ClientId", Json::str(self.client.client_id())),
            ("AuthParameters", parameters),
        ]);
        add_metadata(&mut body, &self.params.client_metadata);
        self.state = State::AwaitInitiate { srp };
        Step::Send {
            request: Request {
                operation: Operation::InitiateAuth,
                body,
            },
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
            "MFA_SETUP" if can_set_up_totp(&challenge) => {
                let body = session_body(&challenge);
                self.state = State::AwaitSecretCode { challenge };
                Ok(send(Operation::AssociateSoftwareToken, body))
            }
            name => {
                let handler = Handler::for_challenge(name);
                let asked = Asked {
                    handler,
                    challenge,
                    secret_code: None,
                };
                Ok(self.ask(&*env, asked, None))
            }
        }
    }

    /// PASSWORD_VERIFIER: from here on the user is USER_ID_FOR_SRP.
    fn password_verifier(&mut self, srp: SrpClient, challenge: &Challenge) -> Result<Step, Error> {
        let user_id = lookup(&challenge.parameters, "USER_ID_FOR_SRP")
            .or_else(|| lookup(&challenge.parameters, "USERNAME"))
            .ok_or_else(|| malformed("USER_ID_FOR_SRP"))?;
        self.username = user_id.into();
        let credentials = Credentials {
            realm: self.client.pool_name(),
            user_id,
            password: &self.password.0,
        };
        Ok(self.await_compute(claim_work(srp, credentials, challenge)?))
    }

    /// DEVICE_SRP_AUTH: a fresh `a` for the device's own SRP exchange; A is computed first.
    fn device_srp_auth(
        &mut self,
        env: &mut dyn Environment,
        challenge: Challenge,
    ) -> Result<Step, Error> {
        if self.params.device.is_none() {
            return Err(unexpected(&challenge.name));
        }
        let work = new_srp_work(env)?;
        Ok(self.await_compute(Computing::DeviceAuth { work, challenge }))
    }

    /// The answer to DEVICE_SRP_AUTH: DEVICE_KEY and the device exchange's `SRP_A`.
    fn answer_device_srp_auth(&mut self, srp: SrpClient, challenge: &Challenge) -> Step {
        let mut responses = StringMap::new();
        if let Some(device) = &self.params.device {
            responses.push(("DEVICE_KEY".into(), device.device_key.clone()));
        }
        responses.push(("SRP_A".into(), srp.srp_a()));
        let metadata = self.params.client_metadata.clone();
        let request = self.respond(challenge, responses, &metadata);
        self.state = State::AwaitDeviceVerifier { srp };
        request
    }

    /// DEVICE_PASSWORD_VERIFIER: SRP with realm = DeviceGroupKey, user = DeviceKey.
    fn device_password_verifier(
        &mut self,
        srp: SrpClient,
        challenge: &Challenge,
    ) -> Result<Step, Error> {
        let device = self
            .params
            .device
            .as_ref()
            .ok_or_else(|| unexpected(&challenge.name))?;
        let credentials = Credentials {
            realm: &device.device_group_key,
            user_id: &device.device_key,
            password: &device.device_password,
        };
        Ok(self.await_compute(claim_work(srp, credentials, challenge)?))
    }

    /// Waits for the driver to run `work` ([`Step::Compute`]).
    fn await_compute(&mut self, work: Computing) -> Step {
        self.state = State::Computing(Box::new(work));
        Step::Compute
    }

    /// Answers a (DEVICE_)PASSWORD_VERIFIER with the claim, plus DEVICE_KEY when one is used.
    fn send_claim(&mut self, challenge: &Challenge, mut responses: StringMap) -> Step {
        if let Some(device) = &self.params.device {
            responses.push(("DEVICE_KEY".into(), device.device_key.clone()));
        }
        let metadata = self.params.client_metadata.clone();
        let request = self.respond(challenge, responses, &metadata);
        self.state = State::AwaitChallengeReply { asked: None };
        request
    }

    /// Tokens: done, unless a new device is to be remembered first.
    fn authenticated(
        &mut self,
        env: &mut dyn Environment,
        mut result: AuthenticationResult,
    ) -> Result<Step, Error> {
        let new_device = result.new_device.take();
        let mut done = SignedIn {
            device: self.params.device.take().filter(|_| new_device.is_none()),
            result,
            device_error: None,
        };
        let (Some(new_device), Some(device_name)) = (new_device, &self.params.remember_device)
        else {
            return Ok(Step::Done(done));
        };
        let mut password = [0u8; DEVICE_PASSWORD_LEN];
        let mut salt = [0u8; DEVICE_SALT_LEN];
        env.random(&mut password)?;
        env.random(&mut salt)?;
        let verifier = DeviceVerifier::generate(
            &new_device.device_group_key,
            &new_device.device_key,
            &password,
            &salt,
        );
        password.zeroize();
        let request = Request {
            operation: Operation::ConfirmDevice,
            body: Json::object([
                ("AccessToken", Json::str(done.result.access_token.as_str())),
                ("DeviceKey", Json::str(new_device.device_key.as_str())),
                ("DeviceName", Json::str(device_name.as_str())),
                (
                    "DeviceSecretVerifierConfig",
                    Json::object([
                        (
                            "PasswordVerifier",
                            Json::str(verifier.password_verifier.as_str()),
                        ),
                        ("Salt", Json::str(verifier.salt.as_str())),
                    ]),
                ),
            ]),
        };
        done.device = Some(DeviceSecret {
            device_key: new_device.device_key,
            device_group_key: new_device.device_group_key,
            device_password: verifier.device_password.clone(),
        });
        self.state = State::AwaitDevice {
            done,
            request: request.clone(),
            remember: false,
        };
        Ok(Step::Send {
            request,
            delay_ms: 0,
        })
    }

    /// Asks the app; `attempt` counts how often this challenge came in a row.
    fn ask(&mut self, env: &dyn Environment, asked: Asked, error: Option<Error>) -> Step {
        let name = asked.challenge.name.clone();
        let attempt = match &self.streak {
            Some((last, n)) if *last == name => n + 1,
            _ => 1,
        };
        self.streak = Some((name.clone(), attempt));
        let parameters = asked.challenge.parameters.clone();
        let required_attributes = lookup(&parameters, "requiredAttributes")
            .and_then(|text| env.parse_json(text))
            .map(|json| match json {
                Json::Array(items) => items
                    .iter()
                    .filter_map(Json::as_str)
                    .map(|a| a.strip_prefix("userAttributes.").unwrap_or(a).into())
                    .collect(),
                _ => Vec::new(),
            })
            .unwrap_or_default();
        let otpauth_uri = asked
            .secret_code
            .as_deref()
            .map(|secret| otpauth_uri(&self.params.totp_issuer, &self.username, secret));
        let prompt = Prompt {
            handler: asked.handler,
            challenge_name: name,
            parameters,
            username: self.username.clone(),
            attempt,
            error,
            secret_code: asked.secret_code.clone(),
            otpauth_uri,
            required_attributes,
        };
        self.state = State::AwaitAnswer { asked };
        Step::Ask(prompt)
    }

    /// ChallengeResponses for an answer, and the step's own ClientMetadata.
    fn responses_for(
        &self,
        asked: &Asked,
        answer: Answer,
    ) -> Result<(StringMap, StringMap), Error> {
        let handler = asked.handler;
        let mut step_metadata = Vec::new();
        let mut responses: StringMap = match (handler, answer) {
            (
                Handler::CustomChallenge,
                Answer::Custom {
                    answer,
                    client_metadata,
                },
            ) => {
                step_metadata = client_metadata;
                vec![("ANSWER".into(), answer)]
            }
            (Handler::SelectMfaType, Answer::MfaType(choice)) => vec![("ANSWER".into(), choice)],
            (
                Handler::NewPasswordRequired,
                Answer::NewPassword {
                    password,
                    attributes,
                },
            ) => {
                let mut list = vec![("NEW_PASSWORD".into(), password)];
                list.extend(
                    attributes
                        .into_iter()
                        .map(|(k, v)| (["userAttributes.", &k].concat(), v)),
                );
                list
            }
            (Handler::Other, Answer::Responses(list)) => list,
            (handler, Answer::Code(code)) => match handler.code_key() {
                Some(key) => vec![(key.into(), code)],
                None => return Err(wrong_answer(handler)),
            },
            (handler, _) => return Err(wrong_answer(handler)),
        };
        if let Some(device) = &self.params.device {
            if lookup(&responses, "DEVICE_KEY").is_none() {
                responses.push(("DEVICE_KEY".into(), device.device_key.clone()));
            }
        }
        Ok((responses, step_metadata))
    }

    /// RespondToAuthChallenge with USERNAME and SECRET_HASH (of the service's username) added.
    fn respond(
        &self,
        challenge: &Challenge,
        mut responses: StringMap,
        metadata: &StringMap,
    ) -> Step {
        if lookup(&responses, "USERNAME").is_none() {
            responses.insert(0, ("USERNAME".into(), self.username.clone()));
        }
        if let Some(hash) = self.client.secret_hash(&self.username) {
            if lookup(&responses, "SECRET_HASH").is_none() {
                responses.push(("SECRET_HASH".into(), hash));
            }
        }
        let mut body = Json::object([
            ("ChallengeName", Json::str(challenge.name.as_str())),
            ("ClientId", Json::str(self.client.client_id())),
            ("ChallengeResponses", string_map_json(&responses)),
        ]);
        if let Some(session) = &challenge.session {
            body.set("Session", Json::str(session.as_str()));
        }
        add_metadata(&mut body, metadata);
        send(Operation::RespondToAuthChallenge, body)
    }

    /// The delay before the next retry (see [`backoff_ms`]).
    fn backoff(&mut self, env: &mut dyn Environment) -> Result<u32, Error> {
        let mut noise = [0u8; 2];
        env.random(&mut noise)?;
        let delay = backoff_ms(self.retries, u16::from_le_bytes(noise));
        self.retries += 1;
        Ok(delay)
    }
}

/// PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP and PASSWORD_CLAIM_SIGNATURE for a verifier
/// challenge's `SECRET_BLOCK`, signed now with the session key.
fn claim(
    env: &mut dyn Environment,
    key: &SessionKey,
    challenge: &Challenge,
) -> Result<StringMap, Error> {
    let block =
        lookup(&challenge.parameters, "SECRET_BLOCK").ok_or_else(|| malformed("SECRET_BLOCK"))?;
    let claim = key.sign(block, &format_timestamp(env.now()))?;
    Ok(vec![
        ("PASSWORD_CLAIM_SECRET_BLOCK".into(), block.into()),
        ("TIMESTAMP".into(), claim.timestamp),
        ("PASSWORD_CLAIM_SIGNATURE".into(), claim.signature),
    ])
}

/// The session key for a verifier challenge (`SALT`, `SRP_B`), to compute before the claim.
fn claim_work(
    srp: SrpClient,
    credentials: Credentials<'_>,
    challenge: &Challenge,
) -> Result<Computing, Error> {
    let param = |key: &str| lookup(&challenge.parameters, key).ok_or_else(|| malformed(key));
    let work = srp.begin_challenge(credentials, param("SALT")?, param("SRP_B")?)?;
    Ok(Computing::Claim {
        work: Box::new(work),
        challenge: challenge.clone(),
    })
}

/// A fresh `a` from the platform's CSPRNG, and the work of computing its A.
fn new_srp_work(env: &mut dyn Environment) -> Result<ClientWork, Error> {
    let mut bytes = [0u8; EPHEMERAL_SECRET_LEN];
    env.random(&mut bytes)?;
    let secret = EphemeralSecret::from_be_slice(&bytes);
    bytes.zeroize();
    Ok(SrpClient::start(secret?))
}

fn send(operation: Operation, body: Json) -> Step {
    Step::Send {
        request: Request { operation, body },
        delay_ms: 0,
    }
}

/// `{Session}` for the TOTP enrolment calls, which take no ClientMetadata.
fn session_body(challenge: &Challenge) -> Json {
    Json::object([(
        "Session",
        Json::str(challenge.session.as_deref().unwrap_or_default()),
    )])
}

/// MFA_SETUP can be done in-flow when TOTP is among MFAS_CAN_SETUP (or the list is absent).
fn can_set_up_totp(challenge: &Challenge) -> bool {
    lookup(&challenge.parameters, "MFAS_CAN_SETUP").is_none_or(|list| {
        // A byte search: `str::contains` with a `&str` needle links core's two-way
        // searcher and its slicing panics (about 2 KB of wasm).
        list.as_bytes()
            .windows(b"SOFTWARE_TOKEN_MFA".len())
            .any(|w| w == b"SOFTWARE_TOKEN_MFA")
    })
}

/// `otpauth://totp/<issuer>:<user>?secret=<secret>&issuer=<issuer>` (Key Uri Format).
fn otpauth_uri(issuer: &str, username: &str, secret: &str) -> String {
    let issuer = percent_encode(issuer);
    [
        "otpauth://totp/",
        &issuer,
        ":",
        &percent_encode(username),
        "?secret=",
        secret,
        "&issuer=",
        &issuer,
    ]
    .concat()
}

fn percent_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
    out
}

fn unexpected(challenge: &str) -> Error {
    Error::InvalidServerResponse(["Unexpected challenge ", challenge, "."].concat())
}

fn wrong_answer(handler: Handler) -> Error {
    Error::Handler(
        [
            "The ",
            handler.js_name(),
            " handler returned an unusable value.",
        ]
        .concat(),
    )
}
