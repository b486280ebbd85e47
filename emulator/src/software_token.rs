//! AssociateSoftwareToken / VerifySoftwareToken, during sign-in (by the MFA_SETUP Session) or
//! for a signed-in user (by AccessToken).

use std::time::Instant;

use serde_json::{json, Value};

use crate::app::App;
use crate::config::MfaKind;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::ids;
use crate::requests::{self, required};
use crate::sessions::Taken;
use crate::state::{Flow, Pending};
use crate::test_hooks::CallRecord;
use crate::totp;

/// Bytes of a software-token secret (160 bits, 32 base32 characters).
const SECRET_LEN: usize = 20;

/// Takes an MFA_SETUP session out of the store.
fn take_setup_session(app: &App, session: &str) -> ApiResult<Taken<Flow>> {
    app.sessions()
        .take(session, Instant::now(), |flow: &Flow| match flow.pending {
            Pending::MfaSetup { .. } => Ok(()),
            _ => Err(ApiError::invalid_session()),
        })
}

/// `AssociateSoftwareToken`: a new base32 secret.
pub fn associate(
    app: &App,
    record: &mut CallRecord,
    request: requests::SoftwareToken,
) -> ApiResult<Value> {
    let secret = totp::base32_encode(&ids::random_bytes(SECRET_LEN));
    if let Some(session) = &request.session {
        let mut taken = take_setup_session(app, session)?;
        record.username = Some(taken.state.progress.username.clone());
        taken.state.pending = Pending::MfaSetup {
            secret: Some(secret.clone()),
            verified: false,
        };
        let session = app.sessions().create(taken.state, Instant::now());
        return Ok(json!({ "SecretCode": secret, "Session": session }));
    }
    let user = crate::users::authorize(app, required(&request.access_token, "accessToken")?)?;
    record.username = Some(user.username.clone());
    if let Some(user) = app.pool().user_mut(&user.username) {
        user.mfa.associated_totp_secret = Some(secret.clone());
    }
    Ok(json!({ "SecretCode": secret }))
}

/// `VerifySoftwareToken`: the code must match the associated secret (±1 step). By AccessToken
/// this also makes TOTP the user's preferred MFA (the emulator has no SetUserMFAPreference).
pub fn verify(
    app: &App,
    record: &mut CallRecord,
    request: requests::SoftwareToken,
) -> ApiResult<Value> {
    let code = required(&request.user_code, "userCode")?;
    let matches = |secret: &str| {
        totp::base32_decode(secret).is_some_and(|key| totp::verify(&key, code, app.now()))
    };
    let mismatch = || {
        ApiError::new(
            ErrorKind::CodeMismatch,
            "Code mismatch and fail enable Software Token MFA",
        )
    };
    if let Some(session) = &request.session {
        let mut taken = take_setup_session(app, session)?;
        record.username = Some(taken.state.progress.username.clone());
        let secret = match &taken.state.pending {
            Pending::MfaSetup {
                secret: Some(secret),
                ..
            } => secret.clone(),
            _ => {
                app.sessions().restore(taken);
                return Err(not_associated());
            }
        };
        if !matches(&secret) {
            app.sessions().restore(taken);
            return Err(mismatch());
        }
        taken.state.pending = Pending::MfaSetup {
            secret: Some(secret),
            verified: true,
        };
        let session = app.sessions().create(taken.state, Instant::now());
        return Ok(json!({ "Status": "SUCCESS", "Session": session }));
    }
    let user = crate::users::authorize(app, required(&request.access_token, "accessToken")?)?;
    record.username = Some(user.username.clone());
    let secret = user.mfa.associated_totp_secret.ok_or_else(not_associated)?;
    if !matches(&secret) {
        return Err(mismatch());
    }
    if let Some(user) = app.pool().user_mut(&user.username) {
        user.mfa.totp_secret = Some(secret);
        user.mfa.totp_enabled = true;
        user.mfa.associated_totp_secret = None;
        user.mfa.preferred = Some(MfaKind::Totp);
    }
    Ok(json!({ "Status": "SUCCESS" }))
}

fn not_associated() -> ApiError {
    ApiError::new(
        ErrorKind::SoftwareTokenMfaNotFound,
        "Software Token MFA has not been associated: call AssociateSoftwareToken first.",
    )
}
