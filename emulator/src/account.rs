//! Operations outside the sign-in loop that are not about one signed-in user's profile:
//! forgotten passwords, sign-out and token revocation; and what the username-and-code calls
//! (here and in `signup`) share.

use serde_json::{json, Value};

use crate::app::{App, Medium};
use crate::codes::{self, Reason};
use crate::config::{ClientConfig, UserStatus};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::requests::{self, required};
use crate::store::{CodeCheck, CodePurpose, PasswordRecord, User};
use crate::test_hooks::CallRecord;
use crate::triggers;
use crate::users::{self, MigrationCause};

/// Password-reset codes live an hour.
const RESET_CODE_SECONDS: u64 = 3_600;

/// The start of every username-and-code call: log it, resolve its app client and username,
/// and check SECRET_HASH.
pub fn open_user_call<'a>(
    app: &'a App,
    record: &mut CallRecord,
    request: &'a requests::UserCodeRequest,
) -> ApiResult<(&'a ClientConfig, &'a str)> {
    record.note(
        &request.client_id,
        request.username.as_ref(),
        &request.client_metadata,
    );
    let client = app.client(required(&request.client_id, "clientId")?)?;
    let username = required(&request.username, "username")?;
    users::verify_secret_hash(client, request.secret_hash.as_deref(), &[username])?;
    Ok((client, username))
}

/// The user a ConfirmSignUp / ConfirmForgotPassword names; unknown users get a code mismatch
/// when the client hides user existence.
pub fn user_for_code(app: &App, client_prevents: bool, username: &str) -> ApiResult<User> {
    app.find_user(username).ok_or_else(|| {
        if client_prevents {
            code_mismatch()
        } else {
            ApiError::user_not_found()
        }
    })
}

pub fn code_mismatch() -> ApiError {
    ApiError::new(
        ErrorKind::CodeMismatch,
        "Invalid verification code provided, please try again.",
    )
}

/// Maps a code check to the service's errors.
pub fn code_result(check: CodeCheck) -> ApiResult<()> {
    match check {
        CodeCheck::Valid => Ok(()),
        CodeCheck::Mismatch => Err(code_mismatch()),
        CodeCheck::Expired => Err(ApiError::new(
            ErrorKind::ExpiredCode,
            "Invalid code provided, please request a code again.",
        )),
    }
}

/// `ForgotPassword`: a reset code to the verified email (else phone). Unknown users may migrate
/// (UserMigration_ForgotPassword, with this call's ClientMetadata).
pub async fn forgot_password(
    app: &App,
    record: &mut CallRecord,
    request: requests::UserCodeRequest,
) -> ApiResult<Value> {
    let (client, username) = open_user_call(app, record, &request)?;
    let user = match app.find_user(username) {
        Some(user) => user,
        None => {
            let cause = MigrationCause::ForgotPassword {
                client_metadata: request.client_metadata.as_ref(),
            };
            match users::migrate(app, record, &client.client_id, username, cause).await? {
                Some(user) => user,
                None if client.prevent_user_existence_errors => {
                    let simulated = json!({ "Destination": "u***@e***.com", "DeliveryMedium": "EMAIL", "AttributeName": "email" });
                    return Ok(json!({ "CodeDeliveryDetails": simulated }));
                }
                None => return Err(ApiError::user_not_found()),
            }
        }
    };
    record.username = Some(user.username.clone());
    if !user.enabled {
        return Err(ApiError::new(ErrorKind::NotAuthorized, "User is disabled."));
    }
    let medium = if user.attribute_verified("email") {
        Medium::Email
    } else if user.attribute_verified("phone_number") {
        Medium::Sms
    } else {
        return Err(ApiError::new(
            ErrorKind::InvalidParameter,
            "Cannot reset password for the user as there is no registered/verified email or phone_number",
        ));
    };
    let metadata = request.client_metadata.as_ref();
    let client_id = &client.client_id;
    let delivery = codes::send(
        app,
        record,
        client_id,
        &user,
        medium,
        Reason::ForgotPassword,
        metadata,
    )
    .await?;
    app.pool().set_code(
        &user.username,
        CodePurpose::ForgotPassword,
        delivery.code.clone(),
        app.now() + RESET_CODE_SECONDS,
    );
    Ok(json!({ "CodeDeliveryDetails": delivery.details() }))
}

/// `ConfirmForgotPassword`: the code sets a new password and confirms the account;
/// PostConfirmation (`PostConfirmation_ConfirmForgotPassword`) gets the call's ClientMetadata.
pub async fn confirm_forgot_password(
    app: &App,
    record: &mut CallRecord,
    request: requests::UserCodeRequest,
) -> ApiResult<Value> {
    let (client, username) = open_user_call(app, record, &request)?;
    let code = required(&request.confirmation_code, "confirmationCode")?;
    let password = required(&request.password, "password")?;
    let user = user_for_code(app, client.prevent_user_existence_errors, username)?;
    users::check_password_policy(&app.config.password_policy, password)?;
    {
        let mut pool = app.pool();
        code_result(pool.take_code(&user.username, CodePurpose::ForgotPassword, code, app.now()))?;
        if let Some(user) = pool.user_mut(&user.username) {
            user.password = Some(PasswordRecord::new(&app.realm, &user.username, password));
            user.status = UserStatus::Confirmed;
        }
    }
    triggers::post_confirmation(
        app,
        record,
        &request,
        &client.client_id,
        &user.username,
        "PostConfirmation_ConfirmForgotPassword",
    )
    .await?;
    Ok(json!({}))
}

/// The user an AccessToken request speaks for (also named in the log).
pub fn authorized(
    app: &App,
    record: &mut CallRecord,
    request: &requests::AccessTokenRequest,
) -> ApiResult<User> {
    authorized_by(app, record, &request.access_token)
}

/// The user an `AccessToken` member speaks for; the log names them and the token's client.
pub fn authorized_by(
    app: &App,
    record: &mut CallRecord,
    token: &Option<String>,
) -> ApiResult<User> {
    let (user, claims) = users::authorize_claims(app, required(token, "accessToken")?)?;
    record.username = Some(user.username.clone());
    record.client_id = Some(claims.client_id);
    Ok(user)
}

/// `GlobalSignOut`: every token family of the user is revoked.
pub fn global_sign_out(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccessTokenRequest,
) -> ApiResult<Value> {
    let user = authorized(app, record, &request)?;
    app.pool().revoke_user(&user.username);
    Ok(json!({}))
}

/// `RevokeToken`: revokes the refresh token's family. Unknown tokens are accepted silently.
pub fn revoke_token(
    app: &App,
    record: &mut CallRecord,
    request: requests::RevokeToken,
) -> ApiResult<Value> {
    record.note(&request.client_id, None, &None);
    let token = required(&request.token, "token")?;
    let client = app.client(required(&request.client_id, "clientId")?)?;
    if client.client_secret.is_some() && client.client_secret != request.client_secret {
        return Err(ApiError::new(
            ErrorKind::NotAuthorized,
            format!(
                "Unable to verify the client secret for client {}",
                client.client_id
            ),
        ));
    }
    if token.matches('.').count() == 2 {
        return Err(ApiError::new(
            ErrorKind::UnsupportedTokenType,
            "Only refresh tokens can be revoked.",
        ));
    }
    let mut pool = app.pool();
    let family = pool.origin_of_refresh_token(token).map(|(jti, origin)| {
        (
            jti.to_owned(),
            origin.client_id.clone(),
            origin.username.clone(),
        )
    });
    if let Some((jti, owner, username)) = family {
        if owner != client.client_id {
            return Err(ApiError::new(
                ErrorKind::NotAuthorized,
                "The token was issued to another client.",
            ));
        }
        record.username = Some(username);
        pool.revoke_origin(&jti);
    }
    Ok(json!({}))
}
