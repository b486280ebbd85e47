//! Rules about users shared by the operations: SECRET_HASH, the password policy, account
//! status, hiding unknown users, AccessToken authorisation and user migration.

use std::collections::BTreeMap;

use cognito_wasm::secret_hash::secret_hash;
use serde_json::{json, Value};

use crate::app::App;
use crate::config::{ClientConfig, PasswordPolicy, TriggerName, UserStatus};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::ids;
use crate::requests::StringMap;
use crate::store::{PasswordRecord, User};
use crate::test_hooks::CallRecord;
use crate::tokens::AccessClaims;
use crate::triggers::{self, Invocation};

/// For a client with a secret: `provided` must be Base64(HMAC-SHA256(secret, username | clientId))
/// for one of `usernames`. Clients without a secret ignore it.
pub fn verify_secret_hash(
    client: &ClientConfig,
    provided: Option<&str>,
    usernames: &[&str],
) -> ApiResult<()> {
    let Some(secret) = &client.client_secret else {
        return Ok(());
    };
    let id = &client.client_id;
    let provided = provided.ok_or_else(|| {
        ApiError::new(
            ErrorKind::NotAuthorized,
            format!("Client {id} is configured with secret but SECRET_HASH was not received"),
        )
    })?;
    if usernames
        .iter()
        .any(|name| secret_hash(secret, name, id) == provided)
    {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorKind::NotAuthorized,
            format!("Unable to verify secret hash for client {id}"),
        ))
    }
}

/// The pool's password policy, with the service's messages.
pub fn check_password_policy(policy: &PasswordPolicy, password: &str) -> ApiResult<()> {
    let fails = |message: &str| {
        Err(ApiError::new(
            ErrorKind::InvalidPassword,
            format!("Password does not conform to policy: {message}"),
        ))
    };
    let has = |test: fn(&char) -> bool| password.chars().any(|c| test(&c));
    if password.chars().count() < policy.minimum_length {
        return fails("Password not long enough");
    }
    if policy.require_uppercase && !has(char::is_ascii_uppercase) {
        return fails("Password must have uppercase characters");
    }
    if policy.require_lowercase && !has(char::is_ascii_lowercase) {
        return fails("Password must have lowercase characters");
    }
    if policy.require_numbers && !has(char::is_ascii_digit) {
        return fails("Password must have numeric characters");
    }
    if policy.require_symbols && !has(char::is_ascii_punctuation) {
        return fails("Password must have symbol characters");
    }
    Ok(())
}

/// Whether the account may sign in at all.
pub fn check_account(user: &User) -> ApiResult<()> {
    if !user.enabled {
        return Err(ApiError::new(ErrorKind::NotAuthorized, "User is disabled."));
    }
    match user.status {
        UserStatus::Unconfirmed => Err(ApiError::new(
            ErrorKind::UserNotConfirmed,
            "User is not confirmed.",
        )),
        UserStatus::ResetRequired => Err(ApiError::new(
            ErrorKind::PasswordResetRequired,
            "Password reset required for the user",
        )),
        UserStatus::Confirmed | UserStatus::ForceChangePassword => Ok(()),
    }
}

/// An unknown user, as the client's PreventUserExistenceErrors setting shows it.
pub fn unknown_user(client: &ClientConfig) -> ApiError {
    if client.prevent_user_existence_errors {
        ApiError::incorrect_credentials()
    } else {
        ApiError::user_not_found()
    }
}

/// The user an AccessToken speaks for: valid signature, not expired, the user still there
/// (the same one: DeleteUser and a new sign-up of the name do not revive tokens), family not
/// revoked.
pub fn authorize(app: &App, access_token: &str) -> ApiResult<User> {
    authorize_claims(app, access_token).map(|(user, _)| user)
}

/// [`authorize`], with the token's claims.
pub fn authorize_claims(app: &App, access_token: &str) -> ApiResult<(User, AccessClaims)> {
    let claims = app.signer.verify_access(access_token, app.now())?;
    let pool = app.pool();
    let user = pool
        .user(&claims.username)
        .filter(|user| user.sub == claims.sub)
        .cloned()
        .ok_or_else(|| ApiError::new(ErrorKind::NotAuthorized, "User does not exist."))?;
    if !pool.origin_active(&claims.origin_jti) {
        return Err(ApiError::new(
            ErrorKind::NotAuthorized,
            "Access Token has been revoked",
        ));
    }
    Ok((user, claims))
}

/// Why a migration is attempted, which decides the event's metadata fields.
#[derive(Debug, Clone, Copy)]
pub enum MigrationCause<'a> {
    /// USER_PASSWORD_AUTH: the typed password; InitiateAuth's ClientMetadata as `validationData`.
    SignIn {
        password: &'a str,
        validation_data: Option<&'a StringMap>,
    },
    /// ForgotPassword: its ClientMetadata as `clientMetadata`.
    ForgotPassword {
        client_metadata: Option<&'a StringMap>,
    },
}

/// Runs UserMigration for an unknown `username`; creates and returns the user it vouches for.
pub async fn migrate(
    app: &App,
    record: &mut CallRecord,
    client_id: &str,
    username: &str,
    cause: MigrationCause<'_>,
) -> ApiResult<Option<User>> {
    if !triggers::configured(app, TriggerName::UserMigration) {
        return Ok(None);
    }
    let (source, request, password) = match cause {
        MigrationCause::SignIn {
            password,
            validation_data,
        } => (
            "UserMigration_Authentication",
            json!({
                "password": password,
                "validationData": triggers::metadata(validation_data),
                "clientMetadata": null,
            }),
            password.to_owned(),
        ),
        MigrationCause::ForgotPassword { client_metadata } => (
            "UserMigration_ForgotPassword",
            json!({
                "validationData": null,
                "clientMetadata": triggers::metadata(client_metadata),
            }),
            ids::opaque(32),
        ),
    };
    let invocation = Invocation {
        trigger: TriggerName::UserMigration,
        source,
        username,
        client_id,
    };
    let Some(response) = triggers::invoke(app, record, invocation, request).await? else {
        return Ok(None);
    };
    let Some(attributes) = response.get("userAttributes").and_then(Value::as_object) else {
        return Ok(None);
    };
    let attributes: BTreeMap<String, String> = attributes
        .iter()
        .filter(|(name, _)| name.as_str() != "sub" && name.as_str() != "username")
        .map(|(name, value)| {
            (
                name.clone(),
                value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned),
            )
        })
        .collect();
    let status = match response.get("finalUserStatus").and_then(Value::as_str) {
        Some("CONFIRMED") => UserStatus::Confirmed,
        Some("RESET_REQUIRED") => UserStatus::ResetRequired,
        None if matches!(cause, MigrationCause::SignIn { .. }) => UserStatus::Confirmed,
        None => UserStatus::ResetRequired,
        Some(other) => {
            return Err(ApiError::new(
                ErrorKind::InvalidLambdaResponse,
                format!("Invalid lambda response: finalUserStatus {other} is not CONFIRMED or RESET_REQUIRED."),
            ))
        }
    };
    let password = PasswordRecord::new(&app.realm, username, &password);
    let user = User::new(username, Some(password), attributes, status);
    app.pool().insert_user(user.clone());
    Ok(Some(user))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(secret: Option<&str>) -> ClientConfig {
        let json = match secret {
            Some(s) => format!(r#"{{"clientId":"clientid123","clientSecret":"{s}"}}"#),
            None => r#"{"clientId":"clientid123"}"#.to_owned(),
        };
        serde_json::from_str(&json).expect("client")
    }

    #[test]
    fn secret_hash_is_enforced_only_for_secret_clients() {
        let with = client(Some("secretXYZ"));
        let good = "/hgJmhBZI7KUrkWNCe+PeCu4RTlYu+8q5Rs3h3WZ6qc=";
        assert_eq!(verify_secret_hash(&with, Some(good), &["alice"]), Ok(()));
        assert_eq!(
            verify_secret_hash(&with, Some(good), &["bob", "alice"]),
            Ok(())
        );
        let wrong = verify_secret_hash(&with, Some(good), &["bob"]).expect_err("wrong user");
        assert!(
            wrong.message.starts_with("Unable to verify secret hash"),
            "{wrong}"
        );
        let missing = verify_secret_hash(&with, None, &["alice"]).expect_err("missing");
        assert!(
            missing.message.contains("SECRET_HASH was not received"),
            "{missing}"
        );
        assert_eq!(verify_secret_hash(&client(None), None, &["alice"]), Ok(()));
    }

    #[test]
    fn password_policy_messages() {
        let policy = PasswordPolicy::default();
        assert_eq!(check_password_policy(&policy, "Passw0rd!"), Ok(()));
        for (password, message) in [
            ("Pa0!", "not long enough"),
            ("passw0rd!", "uppercase"),
            ("PASSW0RD!", "lowercase"),
            ("Password!", "numeric"),
            ("Passw0rd1", "symbol"),
        ] {
            let error = check_password_policy(&policy, password).expect_err(password);
            assert_eq!(error.kind, ErrorKind::InvalidPassword);
            assert!(error.message.contains(message), "{password}: {error}");
        }
    }
}
