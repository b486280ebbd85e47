//! Refreshing tokens: InitiateAuth REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken, with
//! refresh-token rotation for clients that have it (`refreshTokenRotation`).

use serde_json::{json, Value};

use crate::app::App;
use crate::config::DeviceTracking;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::issue::{self, Refreshing};
use crate::requests::{self, parameter, required, StringMap};
use crate::state::{Ctx, Outcome};
use crate::store::User;
use crate::test_hooks::CallRecord;
use crate::users;

/// REFRESH_TOKEN_AUTH: new access and ID tokens in the same family (no new refresh token).
/// SECRET_HASH may be computed over the username or the `sub`. InitiateAuth's ClientMetadata
/// does not reach PreTokenGeneration. (Rotating clients refuse the flow: see `flows`.)
pub async fn refresh_token_auth(ctx: &mut Ctx<'_>, parameters: &StringMap) -> ApiResult<Outcome> {
    let token = parameter(parameters, "REFRESH_TOKEN")?;
    let client = ctx.client;
    let secret_hash = parameters.get("SECRET_HASH").map(String::as_str);
    let check_secret =
        |user: &User| users::verify_secret_hash(client, secret_hash, &[&user.username, &user.sub]);
    let request = Request {
        token,
        device_key: None,
        metadata: None,
    };
    refresh_family(ctx, request, check_secret)
        .await
        .map(Outcome::Tokens)
}

/// `GetTokensFromRefreshToken`: like REFRESH_TOKEN_AUTH, but a secret client sends its
/// `ClientSecret` itself, the call's ClientMetadata reaches PreTokenGeneration, a rotating
/// client answers a new RefreshToken, and with device tracking on, a DeviceKey that is not a
/// device of the user's gets a new device (the API reference: "If your application doesn't
/// provide the key of a registered device, Amazon Cognito issues a new one").
pub async fn get_tokens_from_refresh_token(
    app: &App,
    record: &mut CallRecord,
    request: requests::GetTokensFromRefreshToken,
) -> ApiResult<Value> {
    record.note(&request.client_id, None, &request.client_metadata);
    let token = required(&request.refresh_token, "refreshToken")?;
    let client = app.client(required(&request.client_id, "clientId")?)?;
    let check_secret = |_: &User| match &client.client_secret {
        Some(secret) if request.client_secret.as_ref() != Some(secret) => Err(ApiError::new(
            ErrorKind::NotAuthorized,
            format!(
                "Unable to verify the client secret for client {}",
                client.client_id
            ),
        )),
        _ => Ok(()),
    };
    let mut ctx = Ctx {
        app,
        client,
        record,
    };
    let refresh = Request {
        token,
        device_key: Some(request.device_key.as_deref()),
        metadata: request.client_metadata.as_ref(),
    };
    let result = refresh_family(&mut ctx, refresh, check_secret).await?;
    Ok(json!({ "AuthenticationResult": result }))
}

/// What a refresh asks for.
struct Request<'a> {
    token: &'a str,
    /// `Some` for GetTokensFromRefreshToken (with its DeviceKey, if any).
    device_key: Option<Option<&'a str>>,
    metadata: Option<&'a StringMap>,
}

/// New tokens for the family of a live refresh token issued to this client.
async fn refresh_family(
    ctx: &mut Ctx<'_>,
    request: Request<'_>,
    check_secret: impl FnOnce(&User) -> ApiResult<()>,
) -> ApiResult<Value> {
    let app = ctx.app;
    let now = app.now();
    let invalid = || ApiError::new(ErrorKind::NotAuthorized, "Invalid Refresh Token");
    let (record, origin) = app
        .pool()
        .refresh_token(request.token)
        .map(|(record, origin)| (record.clone(), origin.clone()))
        .ok_or_else(invalid)?;
    if origin.client_id != ctx.client.client_id {
        return Err(invalid());
    }
    if origin.revoked {
        return Err(ApiError::new(
            ErrorKind::NotAuthorized,
            "Refresh Token has been revoked",
        ));
    }
    if record.expires_at <= now {
        return Err(ApiError::new(
            ErrorKind::NotAuthorized,
            "Refresh Token has expired",
        ));
    }
    if let Some(rotated_at) = record.rotated_at {
        let grace = ctx.client.rotation_grace().unwrap_or(0);
        if now >= rotated_at.saturating_add(grace) {
            return Err(ApiError::new(
                ErrorKind::RefreshTokenReuse,
                "Refresh Token has been rotated and is no longer valid.",
            ));
        }
    }
    let user = app.user(&origin.username).map_err(|_| invalid())?;
    ctx.record.username = Some(user.username.clone());
    check_secret(&user)?;
    if !user.enabled {
        return Err(ApiError::new(ErrorKind::NotAuthorized, "User is disabled."));
    }
    let (device_key, new_device) = match request.device_key {
        None => (origin.device_key.clone(), false),
        Some(_) if app.config.device_tracking == DeviceTracking::Off => (None, false),
        Some(Some(key)) if app.pool().device_of(&user.username, key).is_some() => {
            (Some(key.to_owned()), false)
        }
        Some(_) => {
            let key = app
                .pool()
                .new_device(&user.username, app.config.region(), now);
            (Some(key), true)
        }
    };
    let refreshing = Refreshing {
        origin_jti: &record.origin_jti,
        auth_time: origin.auth_time,
    };
    let mut result = issue::mint(
        ctx,
        &user,
        device_key.as_deref(),
        "TokenGeneration_RefreshTokens",
        request.metadata,
        Some(refreshing),
    )
    .await?;
    let rotated = match (request.device_key, ctx.client.rotation_grace()) {
        (Some(_), Some(_)) => {
            let expires_at = now + ctx.client.refresh_token_validity_seconds;
            app.pool()
                .rotate_refresh_token(request.token, now, expires_at)
        }
        _ => None,
    };
    if let Some(map) = result.as_object_mut() {
        if let Some(token) = rotated {
            map.insert("RefreshToken".into(), token.into());
        }
        if let (true, Some(key)) = (new_device, device_key) {
            map.insert(
                "NewDeviceMetadata".into(),
                json!({ "DeviceKey": key, "DeviceGroupKey": user.device_group_key }),
            );
        }
    }
    Ok(result)
}
