//! `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>` → the operation's handler.

use serde_json::Value;

use crate::app::App;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::requests::parse;
use crate::test_hooks::CallRecord;
use crate::{account, challenges, flows, software_token};

/// The JSON 1.1 target prefix.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// Runs `operation` on a parsed JSON body, filling in the call's log record.
pub async fn dispatch(
    app: &App,
    operation: &str,
    body: Value,
    record: &mut CallRecord,
) -> ApiResult<Value> {
    match operation {
        "InitiateAuth" => flows::initiate_auth(app, record, parse(body)?).await,
        "GetTokensFromRefreshToken" => {
            flows::get_tokens_from_refresh_token(app, record, parse(body)?).await
        }
        "RespondToAuthChallenge" => challenges::respond(app, record, parse(body)?).await,
        "SignUp" => account::sign_up(app, record, parse(body)?),
        "ConfirmSignUp" => account::confirm_sign_up(app, record, parse(body)?),
        "ResendConfirmationCode" => account::resend_confirmation_code(app, record, parse(body)?),
        "ForgotPassword" => account::forgot_password(app, record, parse(body)?).await,
        "ConfirmForgotPassword" => account::confirm_forgot_password(app, record, parse(body)?),
        "GetUser" => account::get_user(app, record, parse(body)?),
        "GlobalSignOut" => account::global_sign_out(app, record, parse(body)?),
        "RevokeToken" => account::revoke_token(app, record, parse(body)?),
        "ConfirmDevice" => account::confirm_device(app, record, parse(body)?),
        "UpdateDeviceStatus" => account::update_device_status(app, record, parse(body)?),
        "ForgetDevice" => account::forget_device(app, record, parse(body)?),
        "AssociateSoftwareToken" => software_token::associate(app, record, parse(body)?),
        "VerifySoftwareToken" => software_token::verify(app, record, parse(body)?),
        _ => Err(unknown_operation(operation)),
    }
}

pub fn unknown_operation(operation: &str) -> ApiError {
    ApiError::new(
        ErrorKind::UnknownOperation,
        format!("Operation {operation:?} is not supported by this emulator."),
    )
}
