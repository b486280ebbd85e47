//! CUSTOM_AUTH's loop: the Define auth challenge trigger decides the next step (with the call's
//! ClientMetadata), Create auth challenge makes a CUSTOM_CHALLENGE's parameters.

use serde_json::{json, Map, Value};

use crate::config::TriggerName;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::requests::StringMap;
use crate::state::{Ctx, Outcome, Pending, Progress};
use crate::store::User;
use crate::{flows, issue, triggers};

/// Steps a custom flow may take before it is refused (webhooks could loop forever).
const MAX_CUSTOM_STEPS: usize = 30;

/// Asks the Define auth challenge trigger what comes next (with this call's ClientMetadata),
/// and the Create auth challenge trigger for a CUSTOM_CHALLENGE's parameters.
pub async fn define_next(
    ctx: &mut Ctx<'_>,
    mut progress: Progress,
    user: &User,
    metadata: Option<&StringMap>,
) -> ApiResult<Outcome> {
    let Some(custom) = progress.custom.as_mut() else {
        return issue::finish(ctx, progress, user, metadata).await;
    };
    if custom.history.len() >= MAX_CUSTOM_STEPS {
        return Err(ApiError::incorrect_credentials());
    }
    let session = Value::Array(custom.history.clone());
    let request = json!({
        "userAttributes": user.event_attributes(),
        "session": session,
        "clientMetadata": triggers::metadata(metadata),
        "userNotFound": false,
    });
    let decision = ctx
        .trigger(
            TriggerName::DefineAuthChallenge,
            "DefineAuthChallenge_Authentication",
            user,
            request,
        )
        .await?
        .unwrap_or_default();
    if decision["failAuthentication"].as_bool() == Some(true) {
        return Err(ApiError::incorrect_credentials());
    }
    if decision["issueTokens"].as_bool() == Some(true) {
        return issue::finish(ctx, progress, user, metadata).await;
    }
    match decision["challengeName"].as_str() {
        Some("PASSWORD_VERIFIER") => {
            let srp_a = custom.srp_a.take().ok_or_else(|| {
                lambda_error("PASSWORD_VERIFIER needs CHALLENGE_NAME=SRP_A and SRP_A on InitiateAuth")
            })?;
            let password = user
                .password
                .clone()
                .unwrap_or_else(|| flows::phantom(ctx.app, &user.username));
            flows::password_verifier(ctx.app, progress, &password, &srp_a)
        }
        Some("CUSTOM_CHALLENGE") => {
            let request = json!({
                "userAttributes": user.event_attributes(),
                "challengeName": "CUSTOM_CHALLENGE",
                "session": session,
                "clientMetadata": triggers::metadata(metadata),
                "userNotFound": false,
            });
            let created = ctx
                .trigger(
                    TriggerName::CreateAuthChallenge,
                    "CreateAuthChallenge_Authentication",
                    user,
                    request,
                )
                .await?
                .ok_or_else(|| lambda_error("CreateAuthChallenge is not configured"))?;
            let parameters = created["publicChallengeParameters"]
                .as_object()
                .map(string_map)
                .unwrap_or_default();
            let pending = Pending::CustomChallenge {
                private: created["privateChallengeParameters"].clone(),
                metadata: created["challengeMetadata"].as_str().map(str::to_owned),
            };
            Ok(Outcome::challenge(progress, pending, parameters))
        }
        other => Err(lambda_error(&format!(
            "DefineAuthChallenge returned challengeName {other:?} without issueTokens or failAuthentication"
        ))),
    }
}

fn lambda_error(message: &str) -> ApiError {
    ApiError::new(
        ErrorKind::InvalidLambdaResponse,
        format!("Invalid lambda response: {message}."),
    )
}

/// Public challenge parameters are strings on the wire.
fn string_map(object: &Map<String, Value>) -> StringMap {
    object
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect()
}
