//! The signed-in user's own account, by AccessToken: GetUser, ChangePassword,
//! UpdateUserAttributes, GetUserAttributeVerificationCode, VerifyUserAttribute,
//! SetUserMFAPreference, GetUserAuthFactors and DeleteUser.

use serde_json::{json, Value};

use crate::account::{authorized, authorized_by, code_result};
use crate::app::{App, Medium};
use crate::codes::{self, Reason};
use crate::config::{MfaConfiguration, MfaKind};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::requests::{self, required, MfaSettings, StringMap};
use crate::signup::SIGN_UP_CODE_SECONDS;
use crate::store::{CodePurpose, PasswordRecord, User};
use crate::test_hooks::CallRecord;
use crate::user_auth::{self, Choice};
use crate::users;

/// `GetUser` → `{Username, UserAttributes, MFAOptions?, PreferredMfaSetting?, UserMFASettingList}`.
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
    let mut response = json!({
        "Username": user.username,
        "UserAttributes": attributes,
    });
    add_mfa_settings(&user, &mut response);
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

/// `UserMFASettingList` and, when set, `PreferredMfaSetting`.
fn add_mfa_settings(user: &User, response: &mut Value) {
    let settings: Vec<&str> = user.mfa.factors().iter().map(|k| k.challenge()).collect();
    if let Some(map) = response.as_object_mut() {
        map.insert("UserMFASettingList".into(), json!(settings));
        if let Some(preferred) = user
            .mfa
            .preferred
            .filter(|p| user.mfa.factors().contains(p))
        {
            map.insert("PreferredMfaSetting".into(), preferred.challenge().into());
        }
    }
}

/// `GetUserAuthFactors` → `{Username, PreferredMfaSetting?, UserMFASettingList,
/// ConfiguredUserAuthFactors}` (the USER_AUTH first factors this user can use).
pub fn get_user_auth_factors(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccountRequest,
) -> ApiResult<Value> {
    let user = authorized_by(app, record, &request.access_token)?;
    let mut factors: Vec<&str> = Vec::new();
    for choice in user_auth::available(app, &user) {
        let name = match choice {
            Choice::Password | Choice::PasswordSrp => "PASSWORD",
            other => other.as_str(),
        };
        if !factors.contains(&name) {
            factors.push(name);
        }
    }
    let mut response = json!({ "Username": user.username, "ConfiguredUserAuthFactors": factors });
    add_mfa_settings(&user, &mut response);
    Ok(response)
}

/// `ChangePassword {PreviousPassword?, ProposedPassword, AccessToken}` → `{}`. A user with a
/// password must give it (a wrong one is "Incorrect username or password."); a passwordless
/// user may leave it out and so gets a first password.
pub fn change_password(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccountRequest,
) -> ApiResult<Value> {
    let user = authorized_by(app, record, &request.access_token)?;
    let proposed = required(&request.proposed_password, "proposedPassword")?;
    if user.password.is_some() {
        let previous = required(&request.previous_password, "previousPassword")?;
        if !user.password_matches(&app.realm, previous) {
            return Err(ApiError::incorrect_credentials());
        }
    }
    users::check_password_policy(&app.config.password_policy, proposed)?;
    if let Some(stored) = app.pool().user_mut(&user.username) {
        stored.password = Some(PasswordRecord::new(&app.realm, &user.username, proposed));
    }
    Ok(json!({}))
}

/// The verifiable attribute `name` (`email`, `phone_number`) and how codes reach it.
fn verifiable(name: &str) -> Option<(Medium, CodePurpose)> {
    match name {
        "email" => Some((Medium::Email, CodePurpose::VerifyEmail)),
        "phone_number" => Some((Medium::Sms, CodePurpose::VerifyPhone)),
        _ => None,
    }
}

/// Sends a verification code for `attribute` (CustomMessage gets `metadata`) and keeps it for
/// VerifyUserAttribute.
async fn send_verification(
    app: &App,
    record: &mut CallRecord,
    username: &str,
    attribute: &str,
    reason: Reason,
    metadata: Option<&StringMap>,
) -> ApiResult<Value> {
    let (medium, purpose) = verifiable(attribute).ok_or_else(|| {
        ApiError::new(
            ErrorKind::InvalidParameter,
            format!("{attribute} is not an attribute that can be verified (email, phone_number)."),
        )
    })?;
    let user = app.user(username)?;
    let client_id = record.client_id.clone().unwrap_or_default();
    let delivery = codes::send(app, record, &client_id, &user, medium, reason, metadata).await?;
    app.pool().set_code(
        username,
        purpose,
        delivery.code.clone(),
        app.now() + SIGN_UP_CODE_SECONDS,
    );
    Ok(delivery.details())
}

/// `UpdateUserAttributes {UserAttributes, AccessToken, ClientMetadata}` →
/// `{CodeDeliveryDetailsList}`. A blank value deletes the attribute. A new email or phone
/// number takes effect at once, unverified, and gets a code (the service's
/// AttributesRequireVerificationBeforeUpdate off, its default); CustomMessage
/// (`CustomMessage_UpdateUserAttribute`) gets the ClientMetadata.
pub async fn update_user_attributes(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccountRequest,
) -> ApiResult<Value> {
    record.client_metadata = request.client_metadata.as_ref().map(|m| json!(m));
    let user = authorized_by(app, record, &request.access_token)?;
    let updates = required(&request.user_attributes, "userAttributes")?;
    for update in updates {
        let name = update.name.as_str();
        if name == "sub" || name.ends_with("_verified") || name.is_empty() {
            return Err(ApiError::new(
                ErrorKind::InvalidParameter,
                format!("Cannot modify the non-mutable attribute {name}"),
            ));
        }
        if update.value.is_empty() && app.config.required_attributes.iter().any(|a| a == name) {
            return Err(ApiError::new(
                ErrorKind::InvalidParameter,
                format!(
                    "Attributes did not conform to the schema: {name}: The attribute is required"
                ),
            ));
        }
    }
    let mut changed = Vec::new();
    if let Some(stored) = app.pool().user_mut(&user.username) {
        for update in updates {
            let (name, value) = (&update.name, &update.value);
            if value.is_empty() {
                stored.attributes.remove(name);
                stored.attributes.remove(&format!("{name}_verified"));
            } else if stored.attributes.get(name) != Some(value) {
                stored.attributes.insert(name.clone(), value.clone());
                if verifiable(name).is_some() {
                    stored
                        .attributes
                        .insert(format!("{name}_verified"), "false".into());
                    changed.push(name.clone());
                }
            }
        }
    }
    let metadata = request.client_metadata.as_ref();
    let mut details = Vec::new();
    for attribute in changed {
        let reason = Reason::UpdateAttribute;
        details.push(
            send_verification(app, record, &user.username, &attribute, reason, metadata).await?,
        );
    }
    Ok(if details.is_empty() {
        json!({})
    } else {
        json!({ "CodeDeliveryDetailsList": details })
    })
}

/// `GetUserAttributeVerificationCode {AccessToken, AttributeName, ClientMetadata}` →
/// `{CodeDeliveryDetails}`; CustomMessage (`CustomMessage_VerifyUserAttribute`) gets the
/// ClientMetadata.
pub async fn get_user_attribute_verification_code(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccountRequest,
) -> ApiResult<Value> {
    record.client_metadata = request.client_metadata.as_ref().map(|m| json!(m));
    let user = authorized_by(app, record, &request.access_token)?;
    let attribute = required(&request.attribute_name, "attributeName")?;
    if verifiable(attribute).is_some() && !user.attributes.contains_key(attribute) {
        return Err(ApiError::new(
            ErrorKind::InvalidParameter,
            format!("The user has no {attribute} to verify."),
        ));
    }
    let metadata = request.client_metadata.as_ref();
    let reason = Reason::VerifyAttribute;
    let details =
        send_verification(app, record, &user.username, attribute, reason, metadata).await?;
    Ok(json!({ "CodeDeliveryDetails": details }))
}

/// `VerifyUserAttribute {AccessToken, AttributeName, Code}` → `{}`: a wrong code is
/// CodeMismatchException, an expired one ExpiredCodeException; the code is single-use.
pub fn verify_user_attribute(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccountRequest,
) -> ApiResult<Value> {
    let user = authorized_by(app, record, &request.access_token)?;
    let attribute = required(&request.attribute_name, "attributeName")?;
    let code = required(&request.code, "code")?;
    let (_, purpose) = verifiable(attribute).ok_or_else(|| {
        ApiError::new(
            ErrorKind::InvalidParameter,
            format!("{attribute} is not an attribute that can be verified (email, phone_number)."),
        )
    })?;
    let mut pool = app.pool();
    code_result(pool.take_code(&user.username, purpose, code, app.now()))?;
    if let Some(stored) = pool.user_mut(&user.username) {
        stored
            .attributes
            .insert(format!("{attribute}_verified"), "true".into());
    }
    Ok(json!({}))
}

/// `SetUserMFAPreference {SMSMfaSettings?, SoftwareTokenMfaSettings?, EmailMfaSettings?,
/// WebAuthnMfaSettings?, AccessToken}` → `{}`; each settings object is `{Enabled,
/// PreferredMfa}`. Sign-in follows it (`flows::second_factor`).
pub fn set_user_mfa_preference(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccountRequest,
) -> ApiResult<Value> {
    let user = authorized_by(app, record, &request.access_token)?;
    let invalid = |message: &str| Err(ApiError::new(ErrorKind::InvalidParameter, message));
    if request
        .web_authn_mfa_settings
        .is_some_and(|s| s.enabled == Some(true) || s.preferred_mfa == Some(true))
    {
        return invalid("Passkey MFA needs the user pool's WebAuthn FactorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION, which this emulator does not offer.");
    }
    let settings: Vec<(MfaKind, MfaSettings)> = [
        (MfaKind::Sms, request.sms_mfa_settings),
        (MfaKind::Totp, request.software_token_mfa_settings),
        (MfaKind::Email, request.email_mfa_settings),
    ]
    .into_iter()
    .filter_map(|(kind, s)| s.map(|s| (kind, s)))
    .collect();
    if settings
        .iter()
        .filter(|(_, s)| s.preferred_mfa == Some(true))
        .count()
        > 1
    {
        return invalid("Only one MFA method can be preferred.");
    }
    for (kind, s) in &settings {
        let turning_on = s.enabled == Some(true) || s.preferred_mfa == Some(true);
        if s.preferred_mfa == Some(true) && s.enabled == Some(false) {
            return invalid("A disabled MFA method cannot be the preferred one.");
        }
        if s.enabled == Some(false) && app.config.mfa_configuration == MfaConfiguration::On {
            return invalid("MFA is required in this user pool: an MFA method cannot be turned off, only preferred.");
        }
        let ready = match kind {
            MfaKind::Sms => user.attributes.contains_key("phone_number"),
            MfaKind::Email => user.attributes.contains_key("email"),
            MfaKind::Totp => user.mfa.totp_secret.is_some(),
        };
        if turning_on && !ready {
            return invalid(match kind {
                MfaKind::Sms => "User does not have delivery config set to turn on SMS_MFA",
                MfaKind::Email => "User does not have delivery config set to turn on EMAIL_OTP",
                MfaKind::Totp => "User has not set up software token mfa",
            });
        }
    }
    let mut pool = app.pool();
    let stored = pool
        .user_mut(&user.username)
        .ok_or_else(ApiError::user_not_found)?;
    for (kind, s) in settings {
        let on = match s.enabled {
            Some(on) => Some(on),
            None if s.preferred_mfa == Some(true) => Some(true),
            None => None,
        };
        if let Some(on) = on {
            match kind {
                MfaKind::Sms => stored.mfa.sms = on,
                MfaKind::Email => stored.mfa.email = on,
                MfaKind::Totp => stored.mfa.totp_enabled = on,
            }
        }
        match s.preferred_mfa {
            Some(true) => stored.mfa.preferred = Some(kind),
            Some(false) if stored.mfa.preferred == Some(kind) => stored.mfa.preferred = None,
            _ => {}
        }
        if on == Some(false) && stored.mfa.preferred == Some(kind) {
            stored.mfa.preferred = None;
        }
    }
    Ok(json!({}))
}

/// `DeleteUser {AccessToken}` → `{}`: the user, their devices, passkeys and codes are gone and
/// their tokens stop working ("User does not exist.", "Invalid Refresh Token").
pub fn delete_user(
    app: &App,
    record: &mut CallRecord,
    request: requests::AccountRequest,
) -> ApiResult<Value> {
    let user = authorized_by(app, record, &request.access_token)?;
    app.pool().delete_user(&user.username);
    Ok(json!({}))
}
