//! Operations that are one call each: sign-up, the password reset, revoking a replaced
//! session. Transient failures are re-sent after a backoff where the call may be repeated.

use alloc::string::String;

use super::action::Effect;
use super::settings::{optional_string, required_string, Settings};
use super::{Engine, Input};
use crate::client::{add_metadata, random_backoff, request, Environment, MAX_RETRIES};
use crate::error::Error;
use crate::json::{Json, ObjectWriter};
use crate::wire::{attribute_list, string_map, text, Operation, Request};

/// What a call's reply means to the app.
#[derive(Debug, Clone, Copy)]
enum Reply {
    /// `CodeDeliveryDetails` as `{ destination, deliveryMedium, attributeName }`.
    CodeDelivery,
    /// Nothing (`null`).
    Nothing,
    /// SignUp's `{ userConfirmed, userSub, codeDelivery? }`; its Session is kept for
    /// `confirmSignUp` (for this username).
    SignUp,
}

/// One call under way.
#[derive(Debug)]
pub struct Call {
    request: Request,
    /// The username the call is for (SignUp's Session is kept for it).
    username: String,
    /// Whether a transient failure may re-send it (not when the reply may have been lost
    /// after the service acted, and acting twice fails: a spent code).
    repeatable: bool,
    retries: u32,
    reply: Reply,
}

impl Call {
    fn send(request: Request, repeatable: bool, reply: Reply) -> (Self, Effect) {
        let effect = Effect::Send {
            request: request.clone(),
            delay_ms: 0,
        };
        let call = Self {
            request,
            username: String::new(),
            repeatable,
            retries: 0,
            reply,
        };
        (call, effect)
    }

    /// ForgotPassword `{ username, clientMetadata? }` → code delivery details.
    pub fn forgot_password(settings: &Settings, options: &Json) -> Result<(Self, Effect), Error> {
        let username = required_string(options, "username")?;
        let metadata = settings.call_metadata(options)?;
        let request = settings.client.forgot_password(&username, &metadata);
        Ok(Self::send(request, true, Reply::CodeDelivery))
    }

    /// ConfirmForgotPassword `{ username, code, newPassword, clientMetadata? }`; not re-sent.
    pub fn confirm_forgot_password(
        settings: &Settings,
        options: &Json,
    ) -> Result<(Self, Effect), Error> {
        let request = settings.client.confirm_forgot_password(
            &required_string(options, "username")?,
            &required_string(options, "code")?,
            &required_string(options, "newPassword")?,
            &settings.call_metadata(options)?,
        );
        Ok(Self::send(request, false, Reply::Nothing))
    }

    /// SignUp `{ username, password?, attributes?, validationData?, clientMetadata? }`; not
    /// re-sent (a second one meets UsernameExistsException).
    pub fn sign_up(settings: &Settings, options: &Json) -> Result<(Self, Effect), Error> {
        let username = required_string(options, "username")?;
        let mut body = settings.client.user_body(&username);
        body.opt_str("Password", optional_string(options, "password")?.as_deref())
            .raw(
                "UserAttributes",
                &attribute_list(&string_map(options.get("attributes"), "attributes")?),
            )
            .raw(
                "ValidationData",
                &attribute_list(&string_map(
                    options.get("validationData"),
                    "validationData",
                )?),
            );
        add_metadata(&mut body, &settings.call_metadata(options)?);
        let (mut call, effect) = Self::send(request(Operation::SignUp, body), false, Reply::SignUp);
        call.username = username;
        Ok((call, effect))
    }

    /// ResendConfirmationCode `{ username, clientMetadata? }` → code delivery details.
    pub fn resend_sign_up_code(
        settings: &Settings,
        options: &Json,
    ) -> Result<(Self, Effect), Error> {
        let username = required_string(options, "username")?;
        let mut body = settings.client.user_body(&username);
        add_metadata(&mut body, &settings.call_metadata(options)?);
        Ok(Self::send(
            request(Operation::ResendConfirmationCode, body),
            true,
            Reply::CodeDelivery,
        ))
    }

    /// RevokeToken for a refresh token.
    pub fn revoke(settings: &Settings, refresh_token: &str) -> (Self, Effect) {
        Self::send(
            settings.client.revoke_token(refresh_token),
            true,
            Reply::Nothing,
        )
    }

    pub(super) fn resume(
        &mut self,
        engine: &mut Engine,
        env: &mut dyn Environment,
        input: Input,
    ) -> Result<Effect, Error> {
        let Input::Reply(reply) = input else {
            return Err(super::unexpected_input());
        };
        match reply {
            Ok(json) => Ok(Effect::Done(match self.reply {
                Reply::CodeDelivery => code_delivery(json.get("CodeDeliveryDetails")),
                Reply::Nothing => "null".into(),
                Reply::SignUp => {
                    engine.sign_up =
                        text(&json, "Session").map(|session| (self.username.clone(), session));
                    let mut value = ObjectWriter::new();
                    value
                        .bool(
                            "userConfirmed",
                            json.get("UserConfirmed") == Some(&Json::Bool(true)),
                        )
                        .opt_str("userSub", text(&json, "UserSub").as_deref());
                    if let Some(details) = json.get("CodeDeliveryDetails") {
                        value.raw("codeDelivery", &code_delivery(Some(details)));
                    }
                    value.finish()
                }
            })),
            Err(error) if self.repeatable && error.retryable() && self.retries < MAX_RETRIES => {
                let delay_ms = random_backoff(env, self.retries)?;
                self.retries += 1;
                Ok(Effect::Send {
                    request: self.request.clone(),
                    delay_ms,
                })
            }
            Err(error) => Err(error),
        }
    }
}

/// `{ destination?, deliveryMedium?, attributeName? }` of a `CodeDeliveryDetails`.
pub fn code_delivery(details: Option<&Json>) -> String {
    let mut json = ObjectWriter::new();
    if let Some(details) = details {
        for (key, name) in [
            ("Destination", "destination"),
            ("DeliveryMedium", "deliveryMedium"),
            ("AttributeName", "attributeName"),
        ] {
            json.opt_str(name, details.get(key).and_then(Json::as_str));
        }
    }
    json.finish()
}
