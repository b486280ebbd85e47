//! Operations that are one call each: the password reset and revoking a replaced session.
//! Transient failures are re-sent after a backoff where the call may be repeated.

use alloc::string::String;

use super::action::Effect;
use super::settings::{required_string, Settings};
use super::Input;
use crate::client::{random_backoff, Environment, MAX_RETRIES};
use crate::error::Error;
use crate::json::{Json, ObjectWriter};
use crate::wire::Request;

/// What a call's reply means to the app.
#[derive(Debug, Clone, Copy)]
enum Reply {
    /// `CodeDeliveryDetails` as `{ destination, deliveryMedium, attributeName }`.
    CodeDelivery,
    /// Nothing (`null`).
    Nothing,
}

/// One call under way.
#[derive(Debug)]
pub struct Call {
    request: Request,
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
