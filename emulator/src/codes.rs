//! Sending one-time codes: the CustomMessage trigger (when the pool configures it) writes the
//! message with the call's ClientMetadata, then the code is "sent" (`GET /__deliveries`).

use serde_json::{json, Value};

use crate::app::{App, Medium};
use crate::config::TriggerName;
use crate::error::ApiResult;
use crate::requests::StringMap;
use crate::store::User;
use crate::test_hooks::{CallRecord, Delivery};
use crate::triggers::{self, Invocation};

/// The placeholder a CustomMessage trigger's message puts the code in.
const CODE_PARAMETER: &str = "{####}";

/// Why a code is sent: the `/__deliveries` purpose and the CustomMessage `triggerSource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// SMS_MFA / EMAIL_OTP after a password.
    Mfa,
    /// USER_AUTH's EMAIL_OTP / SMS_OTP first factor.
    SignInCode,
    SignUp,
    ResendCode,
    ForgotPassword,
    /// UpdateUserAttributes changed email / phone_number.
    UpdateAttribute,
    /// GetUserAttributeVerificationCode.
    VerifyAttribute,
}

impl Reason {
    fn purpose(self) -> &'static str {
        match self {
            Self::Mfa => "MFA",
            Self::SignInCode => "OTP",
            Self::SignUp | Self::ResendCode => "SIGN_UP",
            Self::ForgotPassword => "FORGOT_PASSWORD",
            Self::UpdateAttribute | Self::VerifyAttribute => "VERIFY_ATTRIBUTE",
        }
    }

    fn trigger_source(self) -> &'static str {
        match self {
            Self::Mfa | Self::SignInCode => "CustomMessage_Authentication",
            Self::SignUp => "CustomMessage_SignUp",
            Self::ResendCode => "CustomMessage_ResendCode",
            Self::ForgotPassword => "CustomMessage_ForgotPassword",
            Self::UpdateAttribute => "CustomMessage_UpdateUserAttribute",
            Self::VerifyAttribute => "CustomMessage_VerifyUserAttribute",
        }
    }
}

/// Sends a new code to `user` by `medium`; `metadata` is the ClientMetadata the CustomMessage
/// trigger gets (None where the service passes none, e.g. InitiateAuth).
pub async fn send(
    app: &App,
    record: &mut CallRecord,
    client_id: &str,
    user: &User,
    medium: Medium,
    reason: Reason,
    metadata: Option<&StringMap>,
) -> ApiResult<Delivery> {
    let code = app.new_code();
    let request = json!({
        "userAttributes": user.event_attributes(),
        "codeParameter": CODE_PARAMETER,
        "linkParameter": "{##Click Here##}",
        "usernameParameter": null,
        "clientMetadata": triggers::metadata(metadata),
    });
    let invocation = Invocation {
        trigger: TriggerName::CustomMessage,
        source: reason.trigger_source(),
        username: &user.username,
        client_id,
    };
    let written = triggers::invoke(app, record, invocation, request).await?;
    let field = match medium {
        Medium::Sms => "smsMessage",
        Medium::Email => "emailMessage",
    };
    let message = written
        .as_ref()
        .and_then(|response| response.get(field))
        .and_then(Value::as_str)
        .map(|text| text.replace(CODE_PARAMETER, &code));
    app.deliver(user, medium, reason.purpose(), code, message)
}
