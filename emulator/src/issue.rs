//! The end of every sign-in and refresh: PreTokenGeneration, then the AuthenticationResult
//! (and, for sign-ins, a new device and PostAuthentication).

use serde_json::{json, Value};

use crate::config::{DeviceTracking, TriggerName};
use crate::error::ApiResult;
use crate::requests::StringMap;
use crate::state::{Ctx, Outcome, Progress};
use crate::store::{OriginRequest, User};
use crate::tokens::Grant;
use crate::triggers;

/// Tokens for a completed sign-in: a new device when tracking is on and the device is unknown
/// (never for CUSTOM_AUTH, as the service), PreTokenGeneration, then PostAuthentication.
pub async fn finish(
    ctx: &mut Ctx<'_>,
    progress: Progress,
    user: &User,
    metadata: Option<&StringMap>,
) -> ApiResult<Outcome> {
    let known_device = progress
        .device_key
        .clone()
        .filter(|key| ctx.app.pool().device_of(&user.username, key).is_some());
    let new_device = match (
        ctx.app.config.device_tracking,
        &known_device,
        &progress.custom,
    ) {
        (DeviceTracking::Off, _, _) | (_, Some(_), _) | (_, None, Some(_)) => None,
        (_, None, None) => Some(ctx.app.pool().new_device(
            &user.username,
            ctx.app.config.region(),
            ctx.app.now(),
        )),
    };
    if let Some(key) = &known_device {
        if let Some(device) = ctx.app.pool().device_of_mut(&user.username, key) {
            device.last_authenticated_at = ctx.app.now();
        }
    }
    let source = if progress.device_authenticated {
        "TokenGeneration_AuthenticateDevice"
    } else if progress.new_password_set {
        "TokenGeneration_NewPasswordChallenge"
    } else {
        "TokenGeneration_Authentication"
    };
    let device_key = known_device.as_deref().or(new_device.as_deref());
    let mut result = mint(ctx, user, device_key, source, metadata, None).await?;
    let request = json!({
        "userAttributes": user.event_attributes(),
        "newDeviceUsed": new_device.is_some(),
        "clientMetadata": triggers::metadata(metadata),
    });
    ctx.trigger(
        TriggerName::PostAuthentication,
        "PostAuthentication_Authentication",
        user,
        request,
    )
    .await?;
    if let (Some(key), Some(map)) = (new_device, result.as_object_mut()) {
        map.insert(
            "NewDeviceMetadata".into(),
            json!({ "DeviceKey": key, "DeviceGroupKey": user.device_group_key }),
        );
    }
    Ok(Outcome::Tokens(result))
}

/// A token family being refreshed: its `origin_jti` and first `auth_time`.
pub struct Refreshing<'a> {
    pub origin_jti: &'a str,
    pub auth_time: u64,
}

/// PreTokenGeneration, then the AuthenticationResult (a new token family unless refreshing).
pub async fn mint(
    ctx: &mut Ctx<'_>,
    user: &User,
    device_key: Option<&str>,
    source: &str,
    metadata: Option<&StringMap>,
    refreshing: Option<Refreshing<'_>>,
) -> ApiResult<Value> {
    let request = json!({
        "userAttributes": user.event_attributes(),
        "groupConfiguration": { "groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": null },
        "clientMetadata": triggers::metadata(metadata),
    });
    let overrides = ctx
        .trigger(TriggerName::PreTokenGeneration, source, user, request)
        .await?
        .map(|r| r["claimsOverrideDetails"].clone())
        .unwrap_or_default();
    let extra = overrides["claimsToAddOrOverride"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let suppressed: Vec<String> = overrides["claimsToSuppress"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let now = ctx.app.now();
    let client = ctx.client;
    let (origin_jti, refresh_token, auth_time) = match refreshing {
        Some(r) => (r.origin_jti.to_owned(), None, r.auth_time),
        None => {
            let (jti, token) = ctx.app.pool().start_origin(OriginRequest {
                username: &user.username,
                client_id: &client.client_id,
                device_key,
                auth_time: now,
                refresh_expires_at: now + client.refresh_token_validity_seconds,
            });
            (jti, Some(token), now)
        }
    };
    let grant = Grant {
        username: &user.username,
        sub: &user.sub,
        client_id: &client.client_id,
        attributes: &user.attributes,
        origin_jti: &origin_jti,
        auth_time,
        device_key,
        access_ttl: client.access_token_validity_seconds,
        id_ttl: client.id_token_validity_seconds,
        extra_id_claims: &extra,
        suppressed_id_claims: &suppressed,
    };
    let (access, id) = ctx.app.signer.issue(&grant, now);
    let mut result = json!({
        "AccessToken": access,
        "ExpiresIn": client.access_token_validity_seconds,
        "TokenType": "Bearer",
        "IdToken": id,
    });
    if let (Some(token), Some(map)) = (refresh_token, result.as_object_mut()) {
        map.insert("RefreshToken".into(), token.into());
    }
    Ok(result)
}
