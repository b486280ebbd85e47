//! SignUp, ConfirmSignUp and ResendConfirmationCode, with the PreSignUp, CustomMessage and
//! PostConfirmation triggers (each getting the call's ClientMetadata) and the Sessions that
//! lead to a sign-in without a second code: SignUp's for ConfirmSignUp, ConfirmSignUp's for
//! InitiateAuth USER_AUTH.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{json, Value};

use crate::account::{code_result, open_user_call, user_for_code};
use crate::app::{App, Medium};
use crate::codes::{self, Reason};
use crate::config::{TriggerName, UserStatus};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::requests::{self, required, StringMap};
use crate::state::{Flow, Pending, Progress};
use crate::store::{CodePurpose, PasswordRecord, User};
use crate::test_hooks::{CallRecord, Delivery};
use crate::triggers::{self, Invocation};
use crate::users;

/// Sign-up codes live a day.
pub const SIGN_UP_CODE_SECONDS: u64 = 86_400;

/// A new session of `pending` for `username` of `client_id`.
fn new_session(app: &App, client_id: &str, username: &str, pending: Pending) -> String {
    let flow = Flow {
        progress: Progress::new(client_id, username, None),
        pending,
    };
    app.sessions().create(flow, Instant::now())
}

/// `SignUp` → `{UserConfirmed, UserSub, CodeDeliveryDetails?, Session}`. The Password may be
/// left out (or blank) only when the pool lets users sign in with a code (EMAIL_OTP or
/// SMS_OTP among its first factors), as the API reference says. PreSignUp gets
/// `validationData` (ValidationData) and `clientMetadata`; its `autoConfirmUser`,
/// `autoVerifyEmail` and `autoVerifyPhone` apply.
pub async fn sign_up(
    app: &App,
    record: &mut CallRecord,
    request: requests::SignUp,
) -> ApiResult<Value> {
    let metadata = request.client_metadata.as_ref();
    record.note(
        &request.client_id,
        request.username.as_ref(),
        &request.client_metadata,
    );
    let client = app.client(required(&request.client_id, "clientId")?)?;
    let username = required(&request.username, "username")?;
    users::verify_secret_hash(client, request.secret_hash.as_deref(), &[username])?;
    let password = request.password.as_deref().filter(|p| !p.is_empty());
    if password.is_none() && !app.config.sign_in_policy.passwordless_sign_up() {
        return Err(ApiError::new(
            ErrorKind::InvalidParameter,
            "A password is required: this user pool has no passwordless sign-in (EMAIL_OTP or SMS_OTP).",
        ));
    }
    if app.find_user(username).is_some() {
        return Err(ApiError::new(
            ErrorKind::UsernameExists,
            "User already exists",
        ));
    }
    if let Some(password) = password {
        users::check_password_policy(&app.config.password_policy, password)?;
    }
    let mut attributes: BTreeMap<String, String> = request
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
    let validation: StringMap = request
        .validation_data
        .iter()
        .map(|a| (a.name.clone(), a.value.clone()))
        .collect();
    let provisional = User::new(username, None, attributes.clone(), UserStatus::Unconfirmed);
    let pre_sign_up = json!({
        "userAttributes": provisional.event_attributes(),
        "validationData": if request.validation_data.is_empty() { Value::Null } else { json!(validation) },
        "clientMetadata": triggers::metadata(metadata),
    });
    let invocation = Invocation {
        trigger: TriggerName::PreSignUp,
        source: "PreSignUp_SignUp",
        username,
        client_id: &client.client_id,
    };
    let decision = triggers::invoke(app, record, invocation, pre_sign_up)
        .await?
        .unwrap_or_default();
    let flag = |name: &str| decision.get(name).and_then(Value::as_bool) == Some(true);
    let confirmed = flag("autoConfirmUser");
    for (flag_name, attribute) in [
        ("autoVerifyEmail", "email"),
        ("autoVerifyPhone", "phone_number"),
    ] {
        if confirmed && flag(flag_name) && attributes.contains_key(attribute) {
            attributes.insert(format!("{attribute}_verified"), "true".into());
        }
    }
    let status = if confirmed {
        UserStatus::Confirmed
    } else {
        UserStatus::Unconfirmed
    };
    let record_password = password.map(|p| PasswordRecord::new(&app.realm, username, p));
    let user = User::new(username, record_password, attributes, status);
    let delivery = if confirmed {
        None
    } else {
        send_sign_up_code(
            app,
            record,
            &client.client_id,
            &user,
            Reason::SignUp,
            metadata,
        )
        .await?
    };
    let sub = user.sub.clone();
    app.pool().insert_user(user);
    let session = new_session(app, &client.client_id, username, Pending::SignedUp);
    let mut response = json!({ "UserConfirmed": confirmed, "UserSub": sub, "Session": session });
    if let (Some(delivery), Some(map)) = (delivery, response.as_object_mut()) {
        map.insert("CodeDeliveryDetails".into(), delivery.details());
    }
    Ok(response)
}

/// Sends a sign-up code to the user's email, else phone (none when they have neither).
async fn send_sign_up_code(
    app: &App,
    record: &mut CallRecord,
    client_id: &str,
    user: &User,
    reason: Reason,
    metadata: Option<&StringMap>,
) -> ApiResult<Option<Delivery>> {
    let medium = [("email", Medium::Email), ("phone_number", Medium::Sms)]
        .into_iter()
        .find(|(attribute, _)| user.attributes.contains_key(*attribute))
        .map(|(_, medium)| medium);
    let Some(medium) = medium else {
        return Ok(None);
    };
    let delivery = codes::send(app, record, client_id, user, medium, reason, metadata).await?;
    app.pool().set_code(
        &user.username,
        CodePurpose::SignUp,
        delivery.code.clone(),
        app.now() + SIGN_UP_CODE_SECONDS,
    );
    Ok(Some(delivery))
}

/// `ResendConfirmationCode`: a new sign-up code for an unconfirmed user.
pub async fn resend_confirmation_code(
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
    let metadata = request.client_metadata.as_ref();
    let client_id = &client.client_id;
    let delivery = send_sign_up_code(app, record, client_id, &user, Reason::ResendCode, metadata)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorKind::InvalidParameter,
                "The user has no email or phone_number to send a code to.",
            )
        })?;
    Ok(json!({ "CodeDeliveryDetails": delivery.details() }))
}

/// `ConfirmSignUp` → `{Session}`: the code confirms the user and verifies the attribute it went
/// to; PostConfirmation gets the call's ClientMetadata. A SignUp Session, when sent, must be
/// this user's (a wrong code leaves it usable). The answered Session signs the user in with
/// InitiateAuth USER_AUTH.
pub async fn confirm_sign_up(
    app: &App,
    record: &mut CallRecord,
    request: requests::UserCodeRequest,
) -> ApiResult<Value> {
    let (client, username) = open_user_call(app, record, &request)?;
    let code = required(&request.confirmation_code, "confirmationCode")?;
    let user = user_for_code(app, client.prevent_user_existence_errors, username)?;
    let sign_up_session = match &request.session {
        Some(session) => Some(
            app.sessions()
                .take(session, Instant::now(), |flow: &Flow| {
                    let ours = flow.progress.client_id == client.client_id
                        && flow.progress.username.eq_ignore_ascii_case(&user.username);
                    match flow.pending {
                        Pending::SignedUp if ours => Ok(()),
                        _ => Err(ApiError::invalid_session()),
                    }
                })?,
        ),
        None => None,
    };
    let confirmed = confirm(app, &user, code);
    if let Err(error) = confirmed {
        if let Some(taken) = sign_up_session {
            app.sessions().restore(taken);
        }
        return Err(error);
    }
    triggers::post_confirmation(
        app,
        record,
        &request,
        &client.client_id,
        &user.username,
        "PostConfirmation_ConfirmSignUp",
    )
    .await?;
    let session = new_session(
        app,
        &client.client_id,
        &user.username,
        Pending::SignUpConfirmed,
    );
    Ok(json!({ "Session": session }))
}

/// Checks the code and confirms the user.
fn confirm(app: &App, user: &User, code: &str) -> ApiResult<()> {
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
    Ok(())
}
