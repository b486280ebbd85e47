//! The questions a sign-in asks the app (one per challenge), the answers it takes, and the
//! RespondToAuthChallenge they make, TOTP enrolment (MFA_SETUP) included.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::{reply_session, Answer, Handler, Prompt, SignIn, State, Step};
use crate::client::{add_metadata, merge_metadata, request, Environment};
use crate::error::{Error, ServiceError};
use crate::json::{Json, ObjectWriter};
use crate::secret::Secret;
use crate::wire::{lookup, malformed, scalar_text, string_map, Challenge, Operation, StringMap};

/// A question asked, kept so that a refused answer can be asked again on the same session.
#[derive(Debug)]
pub(super) struct Asked {
    pub(super) handler: Handler,
    pub(super) challenge: Challenge,
    /// MFA_SETUP: the TOTP secret AssociateSoftwareToken returned.
    secret_code: Option<Secret>,
    /// SELECT_CHALLENGE: the first factor chosen, while its password is asked for.
    pub(super) choice: Option<String>,
}

impl Asked {
    pub(super) fn new(handler: Handler, challenge: Challenge) -> Box<Self> {
        Box::new(Self {
            handler,
            challenge,
            secret_code: None,
            choice: None,
        })
    }
}

/// The handler that answers the challenge `name`.
pub(super) fn handler_for(name: &str) -> Handler {
    match name {
        "CUSTOM_CHALLENGE" => Handler::CustomChallenge,
        "EMAIL_OTP" => Handler::EmailOtp,
        "MFA_SETUP" => Handler::MfaSetup,
        "NEW_PASSWORD_REQUIRED" => Handler::NewPasswordRequired,
        "SELECT_CHALLENGE" => Handler::SelectChallenge,
        "SELECT_MFA_TYPE" => Handler::SelectMfaType,
        "SMS_MFA" => Handler::SmsMfa,
        "SMS_OTP" => Handler::SmsOtp,
        "SOFTWARE_TOKEN_MFA" => Handler::SoftwareTokenMfa,
        "WEB_AUTHN" => Handler::WebAuthn,
        _ => Handler::Other,
    }
}

impl Handler {
    /// The ChallengeResponses key that carries a code.
    fn code_key(self) -> Option<&'static str> {
        match self {
            Self::EmailOtp => Some("EMAIL_OTP_CODE"),
            Self::SmsMfa => Some("SMS_MFA_CODE"),
            Self::SmsOtp => Some("SMS_OTP_CODE"),
            Self::SoftwareTokenMfa => Some("SOFTWARE_TOKEN_MFA_CODE"),
            _ => None,
        }
    }

    /// Errors after which the service keeps the session and the user may try again.
    pub(super) fn may_retry_after(self, error: &Error) -> bool {
        match self {
            Self::EmailOtp | Self::SmsMfa | Self::SmsOtp | Self::SoftwareTokenMfa => {
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

    /// What an answer must be, for the error when it is not.
    fn expected(self) -> &'static str {
        match self {
            Self::NewPasswordRequired => "no { newPassword, attributes? }",
            Self::CustomChallenge => "no answer string or { answer, clientMetadata? }",
            Self::Other => "no ChallengeResponses object",
            Self::SelectMfaType => "no MFA type",
            Self::SelectChallenge => "none of the available challenges",
            Self::Password => "no password",
            Self::WebAuthn => "no credential",
            _ => "no code",
        }
    }

    /// The error for an answer of the wrong shape.
    pub fn unusable_answer(self) -> Error {
        Error::Handler(
            [
                "The ",
                self.js_name(),
                " handler returned ",
                self.expected(),
                ".",
            ]
            .concat(),
        )
    }
}

impl Answer {
    /// What a handler's return value (or a step's `answer(value)`) stands for, with the
    /// ClientMetadata the value carries for this step (`{ answer, clientMetadata }`); `None`
    /// when it is not of the shape `handler` takes. Numbers count as codes' text.
    pub fn parse(handler: Handler, value: &Json) -> Option<(Self, StringMap)> {
        let text = || scalar_text(value).filter(|text| !text.is_empty());
        let answer = match handler {
            Handler::SmsMfa
            | Handler::SmsOtp
            | Handler::SoftwareTokenMfa
            | Handler::EmailOtp
            | Handler::MfaSetup => Answer::Code(text()?.into()),
            Handler::SelectMfaType | Handler::SelectChallenge => Answer::Choice(text()?),
            Handler::Password => Answer::Password(text()?.into()),
            Handler::WebAuthn => {
                value.as_object()?;
                Answer::Credential(value.encode())
            }
            Handler::NewPasswordRequired => Answer::NewPassword {
                password: value
                    .get("newPassword")
                    .and_then(Json::as_str)
                    .filter(|p| !p.is_empty())?
                    .into(),
                attributes: string_map(value.get("attributes"), "attributes").ok()?,
            },
            Handler::CustomChallenge => match text() {
                Some(answer) => Answer::Custom(answer.into()),
                None => {
                    let answer = value.get("answer").and_then(scalar_text)?;
                    let metadata =
                        string_map(value.get("clientMetadata"), "clientMetadata").ok()?;
                    return Some((Answer::Custom(answer.into()), metadata));
                }
            },
            Handler::Other => {
                value.as_object()?;
                let map = string_map(Some(value), "ChallengeResponses").ok()?;
                Answer::Responses(map.into_iter().map(|(k, v)| (k, v.into())).collect())
            }
        };
        Some((answer, Vec::new()))
    }
}

impl SignIn {
    /// Asks the app; `attempt` counts how often this challenge came in a row.
    pub(super) fn ask(&mut self, asked: Box<Asked>, error: Option<Error>) -> Step {
        let name = asked.challenge.name.clone();
        let attempt = match &self.streak {
            Some((handler, last, n)) if *handler == asked.handler && *last == name => n + 1,
            _ => 1,
        };
        self.streak = Some((asked.handler, name.clone(), attempt));
        let parameters = &asked.challenge.parameters;
        let parsed = |key: &str| lookup(parameters, key).and_then(|text| Json::parse(text).ok());
        let mut prompt = Prompt {
            handler: asked.handler,
            challenge_name: name,
            parameters: parameters.clone(),
            username: self.username.clone(),
            attempt,
            error,
            destination: None,
            delivery_medium: None,
            mfa_types: Vec::new(),
            available_challenges: Vec::new(),
            request_options: None,
            secret_code: asked.secret_code.clone(),
            otpauth_uri: asked.secret_code.as_ref().map(|secret| {
                otpauth_uri(&self.params.totp_issuer, &self.username, secret.expose()).into()
            }),
            required_attributes: Vec::new(),
            user_attributes: Vec::new(),
        };
        match asked.handler {
            Handler::SmsMfa | Handler::SmsOtp | Handler::EmailOtp => {
                prompt.destination =
                    lookup(parameters, "CODE_DELIVERY_DESTINATION").map(Into::into);
                prompt.delivery_medium =
                    lookup(parameters, "CODE_DELIVERY_DELIVERY_MEDIUM").map(Into::into);
            }
            Handler::SelectMfaType => prompt.mfa_types = strings(parsed("MFAS_CAN_CHOOSE")),
            Handler::SelectChallenge | Handler::Password => {
                prompt
                    .available_challenges
                    .clone_from(&asked.challenge.available);
            }
            Handler::WebAuthn => {
                // The options are passed on as JSON text: only valid JSON objects are.
                prompt.request_options = lookup(parameters, "CREDENTIAL_REQUEST_OPTIONS")
                    .filter(|text| Json::parse(text).is_ok_and(|json| json.as_object().is_some()))
                    .map(Into::into);
            }
            Handler::NewPasswordRequired => {
                prompt.required_attributes = strings(parsed("requiredAttributes"))
                    .into_iter()
                    .map(|a| {
                        a.strip_prefix("userAttributes.")
                            .map_or(a.clone(), Into::into)
                    })
                    .collect();
                prompt.user_attributes = parsed("userAttributes")
                    .and_then(|json| crate::wire::parse_string_map(&json, "userAttributes").ok())
                    .unwrap_or_default();
            }
            _ => {}
        }
        self.state = State::AwaitAnswer { asked };
        Step::Ask(Box::new(prompt))
    }

    /// The call an answer makes (VerifySoftwareToken for MFA_SETUP, else
    /// RespondToAuthChallenge); an answer of the wrong shape is asked again with the error.
    pub(super) fn answer(
        &mut self,
        env: &mut dyn Environment,
        asked: Box<Asked>,
        answer: Answer,
        step_metadata: &[(String, String)],
    ) -> Result<Step, Error> {
        let handler = asked.handler;
        if handler == Handler::MfaSetup {
            let Answer::Code(code) = answer else {
                return Ok(self.ask(asked, Some(handler.unusable_answer())));
            };
            let mut body = session_body(&asked.challenge);
            body.str("UserCode", code.expose());
            self.state = State::AwaitVerifyToken {
                asked,
                metadata: step_metadata.to_vec(),
            };
            return Ok(Step::Send {
                request: request(Operation::VerifySoftwareToken, body),
                delay_ms: 0,
            });
        }
        let attribute_keys: Vec<String>;
        let responses: Vec<(&str, &str)> = match (&answer, handler) {
            (Answer::Custom(text), Handler::CustomChallenge) => vec![("ANSWER", text.expose())],
            (Answer::Choice(choice), Handler::SelectMfaType) => vec![("ANSWER", choice.as_str())],
            (Answer::Choice(choice), Handler::SelectChallenge) => {
                return self.select_challenge(env, asked, choice.clone(), step_metadata);
            }
            (Answer::Password(password), Handler::Password) => {
                self.params.password = password.clone();
                let choice = asked.choice.clone().unwrap_or_default();
                return self.select_challenge(env, asked, choice, step_metadata);
            }
            (Answer::Credential(credential), Handler::WebAuthn) => {
                vec![("CREDENTIAL", credential.as_str())]
            }
            (
                Answer::NewPassword {
                    password,
                    attributes,
                },
                Handler::NewPasswordRequired,
            ) => {
                attribute_keys = attributes
                    .iter()
                    .map(|(name, _)| ["userAttributes.", name].concat())
                    .collect();
                let mut list = vec![("NEW_PASSWORD", password.expose())];
                for (key, (_, value)) in attribute_keys.iter().zip(attributes) {
                    list.push((key.as_str(), value.as_str()));
                }
                list
            }
            (Answer::Responses(list), Handler::Other) => list
                .iter()
                .map(|(key, value)| (key.as_str(), value.expose()))
                .collect(),
            (Answer::Code(code), handler) => match handler.code_key() {
                Some(key) => vec![(key, code.expose())],
                None => return Ok(self.ask(asked, Some(handler.unusable_answer()))),
            },
            _ => return Ok(self.ask(asked, Some(handler.unusable_answer()))),
        };
        let step = self.respond(&asked.challenge, &responses, step_metadata);
        self.state = State::AwaitChallengeReply { asked: Some(asked) };
        Ok(step)
    }

    /// RespondToAuthChallenge with USERNAME (the service's username), DEVICE_KEY when a device
    /// is in use and SECRET_HASH added, unless the responses carry them; ClientMetadata is the
    /// flow's with `step_metadata` over it.
    pub(super) fn respond(
        &self,
        challenge: &Challenge,
        responses: &[(&str, &str)],
        step_metadata: &[(String, String)],
    ) -> Step {
        let given = |key: &str| responses.iter().any(|(k, _)| *k == key);
        let mut map = ObjectWriter::new();
        if !given("USERNAME") {
            map.str("USERNAME", &self.username);
        }
        for (key, value) in responses {
            map.str(key, value);
        }
        if !given("DEVICE_KEY") {
            map.opt_str(
                "DEVICE_KEY",
                self.params.device.as_ref().map(|d| d.device_key.as_str()),
            );
        }
        if !given("SECRET_HASH") {
            map.opt_str(
                "SECRET_HASH",
                self.client.secret_hash(&self.username).as_deref(),
            );
        }
        let mut body = ObjectWriter::new();
        body.str("ChallengeName", &challenge.name)
            .str("ClientId", self.client.client_id())
            .raw("ChallengeResponses", &map.finish())
            .opt_str("Session", challenge.session.as_deref());
        add_metadata(
            &mut body,
            &merge_metadata(&self.params.client_metadata, step_metadata),
        );
        Step::Send {
            request: request(Operation::RespondToAuthChallenge, body),
            delay_ms: 0,
        }
    }

    /// AssociateSoftwareToken's reply: the secret to show, and the session to go on with.
    pub(super) fn on_secret_code(
        &mut self,
        mut asked: Box<Asked>,
        json: &Json,
    ) -> Result<Step, Error> {
        let secret = json
            .get("SecretCode")
            .and_then(Json::as_str)
            .ok_or_else(|| malformed("SecretCode"))?;
        if let Some(session) = reply_session(json) {
            asked.challenge.session = Some(session);
        }
        asked.secret_code = Some(secret.into());
        Ok(self.ask(asked, None))
    }

    /// VerifySoftwareToken's reply: on SUCCESS, MFA_SETUP is answered; otherwise the code is
    /// asked for again.
    pub(super) fn on_token_verified(
        &mut self,
        mut asked: Box<Asked>,
        metadata: &StringMap,
        json: &Json,
    ) -> Result<Step, Error> {
        if json.get("Status").and_then(Json::as_str) != Some("SUCCESS") {
            let refused = Error::Service(ServiceError {
                name: "CodeMismatchException".into(),
                message: "The TOTP code was not accepted.".into(),
                status: 200,
                request_id: None,
                challenge_name: None,
            });
            return Ok(self.ask(asked, Some(refused)));
        }
        if let Some(session) = reply_session(json) {
            asked.challenge.session = Some(session);
        }
        let step = self.respond(&asked.challenge, &[], metadata);
        self.state = State::AwaitChallengeReply { asked: None };
        Ok(step)
    }
}

/// The strings of a JSON array (other items and other values give none).
fn strings(json: Option<Json>) -> Vec<String> {
    match json {
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(Json::as_str)
            .map(String::from)
            .collect(),
        _ => Vec::new(),
    }
}

/// `{Session}` for the TOTP enrolment calls, which take no ClientMetadata.
pub(super) fn session_body(challenge: &Challenge) -> ObjectWriter {
    let mut body = ObjectWriter::new();
    body.str("Session", challenge.session.as_deref().unwrap_or_default());
    body
}

/// MFA_SETUP can be done in-flow when TOTP is among MFAS_CAN_SETUP (or the list is absent).
pub(super) fn can_set_up_totp(challenge: &Challenge) -> bool {
    lookup(&challenge.parameters, "MFAS_CAN_SETUP")
        .is_none_or(|list| crate::text::contains(list, "SOFTWARE_TOKEN_MFA"))
}

/// `otpauth://totp/<issuer>:<user>?secret=<secret>&issuer=<issuer>` (Key Uri Format).
pub fn otpauth_uri(issuer: &str, username: &str, secret: &str) -> String {
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
