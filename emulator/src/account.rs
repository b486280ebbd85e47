//! Operations outside the sign-in loop: sign-up, forgotten passwords, the signed-in user,
//! sign-out and token revocation, and remembered devices.

use base64::Engine as _;
use serde_json::{json, Value};

use crate::app::{App, Medium};
use crate::config::{ClientConfig, DeviceTracking, MfaKind, UserStatus};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::requests::{self, required};
use crate::store::{CodeCheck, CodePurpose, PasswordRecord, User};
use crate::test_hooks::CallRecord;
use crate::users::{self, MigrationCause};

/// Sign-up codes live a day, password-reset codes an hour.
const SIGN_UP_CODE_SECONDS: u64 = 86_400;
const RESET_CODE_SECONDS: u64 = 3_600;

/// `SignUp`: an UNCONFIRMED user and a confirmation code (email first, else SMS).
pub fn sign_up(app: &App, record: &mut CallRecord, request: requests::SignUp) -> ApiResult<Value> {
    record.note(
        &request.client_id,
        request.username.as_ref(),
        &request.client_metadata,
    );
    let client = app.client(required(&request.client_id, "clientId")?)?;
    let username = required(&request.username, "username")?;
    let password = required(&request.password, "password")?;
    users::verify_secret_hash(client, request.secret_hash.as_deref(), &[username])?;
    if app.find_user(username).is_some() {
        return Err(ApiError::new(
            ErrorKind::UsernameExists,
            "User already exists",
        ));
    }
    users::check_password_policy(&app.config.password_policy, password)?;
    let attributes: std::collections::BTreeMap<String, String> = request
        .user_attributes
        .iter()
        .filter(|a| a.name != "sub")
        .map(|a| (a.name.clone(), a.value.clone()))
        .collect();
    if let Some(missing) = app
        .config
        .required_attributes
        .iter()
        .find(|a| !attributes.contains_key(*a))
    {
        return Err(ApiError::new(
            ErrorKind::InvalidParameter,
            format!(
                "Attributes did not conform to the schema: {missing}: The attribute is required"
            ),
        ));
    }
    let record_password = PasswordRecord::new(&app.realm, username, password);
    let user = User::new(
        username,
        &record_password,
        attributes,
        UserStatus::Unconfirmed,
    );
    let delivery = send_sign_up_code(app, &user)?;
    let sub = user.sub.clone();
    app.pool().insert_user(user);
    let mut response = json!({ "UserConfirmed": false, "UserSub": sub });
    if let (Some(delivery), Some(map)) = (delivery, response.as_object_mut()) {
        map.insert("CodeDeliveryDetails".into(), delivery.details());
    }
    Ok(response)
}

/// Sends a sign-up code to the user's email, else phone (none when they have neither).
fn send_sign_up_code(app: &App, user: &User) -> ApiResult<Option<crate::test_hooks::Delivery>> {
    let medium = [("email", Medium::Email), ("phone_number", Medium::Sms)]
        .into_iter()
        .find(|(attribute, _)| user.attributes.contains_key(*attribute))
        .map(|(_, medium)| medium);
    let Some(medium) = medium else {
        return Ok(None);
    };
    let delivery = app.send_code(user, medium, "SIGN_UP")?;
    app.pool().set_code(
        &user.username,
        CodePurpose::SignUp,
        delivery.code.clone(),
        app.now() + SIGN_UP_CODE_SECONDS,
    );
    Ok(Some(delivery))
}

/// The start of every username-and-code call: log it, resolve its app client and username,
/// and check SECRET_HASH.
fn open_user_call<'a>(
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

/// `ResendConfirmationCode`: a new sign-up code for an unconfirmed user.
pub fn resend_confirmation_code(
    app: &App,
    record: &mut CallRecord,
    request: requests::UserCodeRequest,
) -> ApiResult<Value> {
    let (client, username) = open_user_call(app, record, &request)?;
    let user = app
        .find_user(username)
        .ok_or_else(|| users::unknown_user(client))?;
    if user.status != UserStatus::Unconfirmed {
        return Err(ApiError::new(
            ErrorKind::InvalidParameter,
            "User is already confirmed.",
        ));
    }
    let delivery = send_sign_up_code(app, &user)?.ok_or_else(|| {
        ApiError::new(
            ErrorKind::InvalidParameter,
            "The user has no email or phone_number to send a code to.",
        )
    })?;
    Ok(json!({ "CodeDeliveryDetails": delivery.details() }))
}

/// The user a ConfirmSignUp / ConfirmForgotPassword names; unknown users get a code mismatch
/// when the client hides user existence.
fn user_for_code(app: &App, client_prevents: bool, username: &str) -> ApiResult<User> {
    app.find_user(username).ok_or_else(|| {
        if client_prevents {
            code_mismatch()
        } else {
            ApiError::user_not_found()
        }
    })
}

fn code_mismatch() -> ApiError {
    ApiError::new(
        ErrorKind::CodeMismatch,
        "Invalid verification code provided, please try again.",
    )
}

/// Maps a code check to the service's errors.
fn code_result(check: CodeCheck) -> ApiResult<()> {
    match check {
        CodeCheck::Valid => Ok(()),
        CodeCheck::Mismatch => Err(code_mismatch()),
        CodeCheck::Expired => Err(ApiError::new(
            ErrorKind::ExpiredCode,
            "Invalid code provided, please request a code again.",
        )),
    }
}

/// `ConfirmSignUp`: the code confirms the user and verifies the attribute it went to.
pub fn confirm_sign_up(
    app: &App,
    record: &mut CallRecord,
    request: requests::UserCodeRequest,
) -> ApiResult<Value> {
    let (client, username) = open_user_call(app, record, &request)?;
    let code = required(&request.confirmation_code, "confirmationCode")?;
    let user = user_for_code(app, client.prevent_user_existence_errors, username)?;
    if user.status != UserStatus::Unconfirmed {
        return Err(ApiError::new(
            ErrorKind::NotAuthorized,
            format!(
                "User cannot be confirmed. Current status is {}",
                user.status.as_str()
            ),
        ));
    }
    let mut pool = app.pool();
    code_result(pool.take_code(&user.username, CodePurpose::SignUp, code, app.now()))?;
    if let Some(user) = pool.user_mut(&user.username) {
        user.status = UserStatus::Confirmed;
        let verified = if user.attributes.contains_key("email") {
            "email_verified"
        } else {
            "phone_number_verified"
        };
        user.attributes.insert(verified.into(), "true".into());
    }
    Ok(json!({}))
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
    let delivery = app.send_code(&user, medium, "FORGOT_PASSWORD")?;
    app.pool().set_code(
        &user.username,
        CodePurpose::ForgotPassword,
        delivery.code.clone(),
        app.now() + RESET_CODE_SECONDS,
    );
    Ok(json!({ "CodeDeliveryDetails": delivery.details() }))
}

/// `ConfirmForgotPassword`: the code sets a new password and confirms the account.
pub fn confirm_forgot_password(
    app: &App,
    record: &mut CallRecord,
    request: requests::UserCodeRequest,
) -> ApiResult<Value> {
    let (client, username) = open_user_call(app, record, &request)?;
    let code = required(&request.confirmation_code, "confirmationCode")?;
    let password = required(&request.password, "password")?;
    let user = user_for_code(app, client.prevent_user_existence_errors, username)?;
    users::check_password_policy(&app.config.password_policy, password)?;
    let mut pool = app.pool();
    code_result(pool.take_code(&user.username, CodePurpose::ForgotPassword, code, app.now()))?;
    if let Some(user) = pool.user_mut(&user.username) {
        user.password = PasswordRecord::new(&app.realm, &user.username, password);
        user.status = UserStatus::Confirmed;
    }
    Ok(json!({}))
}

/// The user an AccessToken request speaks for (also named in the log).
fn authorized(
    app: &App,
    record: &mut CallRecord,
    request: &requests::AccessTokenRequest,
) -> ApiResult<User> {
    let user = users::authorize(app, required(&request.access_token, "accessToken")?)?;
    record.username = Some(user.username.clone());
    Ok(user)
}

/// `GetUser`.
pub fn get_user(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccessTokenRequest,
) -> ApiResult<Value> {
    let user = authorized(app, record, &request)?;
    let attributes: Vec<Value> = user
        .attribute_list()
        .into_iter()
        .map(|(name, value)| json!({ "Name": name, "Value": value }))
        .collect();
    let settings: Vec<&str> = user.mfa.factors().iter().map(|k| k.challenge()).collect();
    let mut response = json!({
        "Username": user.username,
        "UserAttributes": attributes,
        "UserMFASettingList": settings,
    });
    if let (Some(preferred), Some(map)) = (user.mfa.preferred, response.as_object_mut()) {
        map.insert("PreferredMfaSetting".into(), preferred.challenge().into());
    }
    if let (true, Some(map)) = (
        user.mfa.factors().contains(&MfaKind::Sms),
        response.as_object_mut(),
    ) {
        map.insert(
            "MFAOptions".into(),
            json!([{ "DeliveryMedium": "SMS", "AttributeName": "phone_number" }]),
        );
    }
    Ok(response)
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

/// `ConfirmDevice`: stores the device's verifier; remembered at once when tracking is "always".
pub fn confirm_device(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccessTokenRequest,
) -> ApiResult<Value> {
    let user = authorized(app, record, &request)?;
    let key = required(&request.device_key, "deviceKey")?;
    let config = required(
        &request.device_secret_verifier_config,
        "deviceSecretVerifierConfig",
    )?;
    let secret = device_secret(
        required(
            &config.password_verifier,
            "deviceSecretVerifierConfig.passwordVerifier",
        )?,
        required(&config.salt, "deviceSecretVerifierConfig.salt")?,
    )?;
    let always = app.config.device_tracking == DeviceTracking::Always;
    let mut pool = app.pool();
    let device = pool
        .device_of_mut(&user.username, key)
        .ok_or_else(device_not_found)?;
    device.secret = Some(secret);
    device.name.clone_from(&request.device_name);
    device.remembered = always;
    Ok(json!({ "UserConfirmationNecessary": !always }))
}

fn device_not_found() -> ApiError {
    ApiError::new(ErrorKind::ResourceNotFound, "Device does not exist.")
}

/// `DeviceSecretVerifierConfig`: Base64(padHex(v)) and Base64(padHex(salt)).
fn device_secret(verifier_b64: &str, salt_b64: &str) -> ApiResult<PasswordRecord> {
    let decode = |text: &str, member: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()
            .filter(|bytes| !bytes.is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorKind::InvalidParameter,
                    format!("{member} is not valid Base64."),
                )
            })
    };
    Ok(PasswordRecord {
        verifier: decode(verifier_b64, "PasswordVerifier")?,
        salt: decode(salt_b64, "Salt")?,
    })
}

/// `UpdateDeviceStatus`: `remembered` or `not_remembered`.
pub fn update_device_status(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccessTokenRequest,
) -> ApiResult<Value> {
    let user = authorized(app, record, &request)?;
    let key = required(&request.device_key, "deviceKey")?;
    let remembered = match request.device_remembered_status.as_deref() {
        Some("remembered") => true,
        Some("not_remembered") | None => false,
        Some(other) => {
            return Err(ApiError::new(
                ErrorKind::InvalidParameter,
                format!("DeviceRememberedStatus {other} is not remembered or not_remembered."),
            ))
        }
    };
    let mut pool = app.pool();
    let device = pool
        .device_of_mut(&user.username, key)
        .ok_or_else(device_not_found)?;
    device.remembered = remembered;
    Ok(json!({}))
}

/// `ForgetDevice`.
pub fn forget_device(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccessTokenRequest,
) -> ApiResult<Value> {
    let user = authorized(app, record, &request)?;
    let key = required(&request.device_key, "deviceKey")?;
    if app.pool().forget_device(&user.username, key) {
        Ok(json!({}))
    } else {
        Err(device_not_found())
    }
}
