//! `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>` → the operation's handler.

use serde_json::Value;

use crate::app::App;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::requests::parse;
use crate::test_hooks::CallRecord;
use crate::{
    account, challenges, devices, flows, passkeys, profile, refresh, signup, software_token,
};

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
            refresh::get_tokens_from_refresh_token(app, record, parse(body)?).await
        }
        "RespondToAuthChallenge" => challenges::respond(app, record, parse(body)?).await,
        "SignUp" => signup::sign_up(app, record, parse(body)?).await,
        "ConfirmSignUp" => signup::confirm_sign_up(app, record, parse(body)?).await,
        "ResendConfirmationCode" => {
            signup::resend_confirmation_code(app, record, parse(body)?).await
        }
        "ForgotPassword" => account::forgot_password(app, record, parse(body)?).await,
        "ConfirmForgotPassword" => {
            account::confirm_forgot_password(app, record, parse(body)?).await
        }
        "GlobalSignOut" => account::global_sign_out(app, record, parse(body)?),
        "RevokeToken" => account::revoke_token(app, record, parse(body)?),
        "GetUser" => profile::get_user(app, record, parse(body)?),
        "GetUserAuthFactors" => profile::get_user_auth_factors(app, record, parse(body)?),
        "ChangePassword" => profile::change_password(app, record, parse(body)?),
        "UpdateUserAttributes" => profile::update_user_attributes(app, record, parse(body)?).await,
        "GetUserAttributeVerificationCode" => {
            profile::get_user_attribute_verification_code(app, record, parse(body)?).await
        }
        "VerifyUserAttribute" => profile::verify_user_attribute(app, record, parse(body)?),
        "SetUserMFAPreference" => profile::set_user_mfa_preference(app, record, parse(body)?),
        "DeleteUser" => profile::delete_user(app, record, parse(body)?),
        "ConfirmDevice" => devices::confirm_device(app, record, parse(body)?),
        "UpdateDeviceStatus" => devices::update_device_status(app, record, parse(body)?),
        "ForgetDevice" => devices::forget_device(app, record, parse(body)?),
        "ListDevices" => devices::list_devices(app, record, parse(body)?),
        "GetDevice" => devices::get_device(app, record, parse(body)?),
        "AssociateSoftwareToken" => software_token::associate(app, record, parse(body)?),
        "VerifySoftwareToken" => software_token::verify(app, record, parse(body)?),
        "StartWebAuthnRegistration" => passkeys::start_registration(app, record, parse(body)?),
        "CompleteWebAuthnRegistration" => {
            passkeys::complete_registration(app, record, parse(body)?)
        }
        "ListWebAuthnCredentials" => passkeys::list(app, record, parse(body)?),
        "DeleteWebAuthnCredential" => passkeys::delete(app, record, parse(body)?),
        _ => Err(unknown_operation(operation)),
    }
}

pub fn unknown_operation(operation: &str) -> ApiError {
    ApiError::new(
        ErrorKind::UnknownOperation,
        format!("Operation {operation:?} is not supported by this emulator."),
    )
}
