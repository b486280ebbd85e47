//! The signed-in user's tokens: what is kept in memory and in storage, when they count as
//! expiring, and what the app sees of them (`getTokens()`, events, the snapshot).

use alloc::string::String;

use crate::error::Error;
use crate::json::{push_decimal, Json, ObjectWriter};
use crate::secret::Secret;
use crate::wire::{text, AuthenticationResult};

/// Milliseconds before expiry at which tokens count as expiring (refreshed ahead of time).
pub const REFRESH_LEEWAY_MS: u64 = 60_000;

/// One session: tokens, their expiry on the local clock, and who they are for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    id_token: Secret,
    access_token: Secret,
    refresh_token: Option<Secret>,
    /// Local-clock milliseconds at which the access token expires.
    expires_at: u64,
    token_type: String,
    /// The service's username (the `username` claim), used for SECRET_HASH on refresh.
    username: String,
    device_key: Option<String>,
    /// The decoded payloads (JSON objects, as text): what the app reads as claims.
    id_claims: String,
    access_claims: String,
    /// Whether the refresh token can be revoked (the access token has `origin_jti`).
    revocable: bool,
}

impl Session {
    /// From tokens just received at `now_ms`; expiry is `exp` moved onto the local clock by
    /// the drift measured from `iat` (falling back to `ExpiresIn`).
    pub fn new(
        result: &AuthenticationResult,
        refresh_token: Option<Secret>,
        device_key: Option<String>,
        now_ms: u64,
    ) -> Result<Self, Error> {
        let (access, access_claims) = claims(result.access_token.expose())?;
        let (_, id_claims) = claims(result.id_token.expose())?;
        let seconds = |key: &str| access.get(key).and_then(Json::as_u64);
        let expires_at = match (seconds("exp"), seconds("iat")) {
            (Some(exp), Some(iat)) => exp
                .saturating_mul(1000)
                .saturating_add(now_ms)
                .saturating_sub(iat.saturating_mul(1000)),
            _ => now_ms.saturating_add(result.expires_in.saturating_mul(1000)),
        };
        let username = text(&access, "username")
            .or_else(|| text(&access, "cognito:username"))
            .ok_or_else(|| {
                Error::InvalidServerResponse("The access token has no username claim.".into())
            })?;
        Ok(Self {
            id_token: result.id_token.clone(),
            access_token: result.access_token.clone(),
            refresh_token,
            expires_at,
            token_type: result.token_type.clone(),
            username,
            device_key,
            revocable: access.get("origin_jti").is_some(),
            id_claims,
            access_claims,
        })
    }

    /// A session as [`Self::stored`] wrote it; `None` when it is not one (it is then dropped).
    pub fn from_stored(stored: &str) -> Option<Self> {
        let json = Json::parse(stored).ok()?;
        let result = AuthenticationResult {
            id_token: text(&json, "idToken")?.into(),
            access_token: text(&json, "accessToken")?.into(),
            refresh_token: None,
            expires_in: 0,
            token_type: text(&json, "tokenType").unwrap_or_else(|| "Bearer".into()),
            new_device: None,
        };
        let mut session = Self::new(
            &result,
            text(&json, "refreshToken").map(Secret::from),
            text(&json, "deviceKey"),
            0,
        )
        .ok()?;
        session.expires_at = json.get("expiresAt").and_then(Json::as_u64)?;
        session.username = text(&json, "username")?;
        Some(session)
    }

    /// The storage record: `{idToken, accessToken, refreshToken?, expiresAt, tokenType,
    /// username, deviceKey?}`.
    pub fn stored(&self) -> String {
        let mut json = ObjectWriter::new();
        self.token_fields(&mut json);
        json.finish()
    }

    /// What the app gets: the stored fields plus `idTokenPayload` and `accessTokenPayload`.
    pub fn tokens_json(&self) -> String {
        let mut json = ObjectWriter::new();
        self.token_fields(&mut json);
        json.raw("idTokenPayload", &self.id_claims)
            .raw("accessTokenPayload", &self.access_claims);
        json.finish()
    }

    fn token_fields(&self, json: &mut ObjectWriter) {
        json.str("idToken", self.id_token.expose())
            .str("accessToken", self.access_token.expose())
            .opt_str(
                "refreshToken",
                self.refresh_token.as_ref().map(Secret::expose),
            )
            .num("expiresAt", self.expires_at)
            .str("tokenType", &self.token_type)
            .str("username", &self.username)
            .opt_str("deviceKey", self.device_key.as_deref());
    }

    /// Whether the tokens expire within [`REFRESH_LEEWAY_MS`] of `now_ms`.
    pub fn expiring(&self, now_ms: u64) -> bool {
        now_ms.saturating_add(REFRESH_LEEWAY_MS) >= self.expires_at
    }

    /// When, from `now_ms`, a refresh timer fires: [`REFRESH_LEEWAY_MS`] plus `jitter_ms`
    /// before expiry (so that tabs sharing a session do not all refresh at once).
    pub fn refresh_due_in(&self, now_ms: u64, jitter_ms: u64) -> u64 {
        self.expires_at
            .saturating_sub(REFRESH_LEEWAY_MS + jitter_ms)
            .saturating_sub(now_ms)
    }

    /// The refresh token, when there is one.
    pub fn refresh_token(&self) -> Option<&Secret> {
        self.refresh_token.as_ref()
    }

    /// The access token.
    pub fn access_token(&self) -> &Secret {
        &self.access_token
    }

    /// The service's username.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The remembered device the tokens came through.
    pub fn device_key(&self) -> Option<&str> {
        self.device_key.as_deref()
    }

    /// The session without its remembered device (after the device was forgotten).
    pub fn forget_device(&mut self) {
        self.device_key = None;
    }

    /// Whether RevokeToken works for this session.
    pub fn revocable(&self) -> bool {
        self.revocable
    }
}

/// `{"status":"signedIn","username":…,"tokens":{…}}` or `{"status":"signedOut"}`.
pub fn snapshot_json(session: Option<&Session>) -> String {
    let mut json = ObjectWriter::new();
    match session {
        Some(session) => {
            json.str("status", "signedIn")
                .str("username", session.username())
                .raw("tokens", &session.tokens_json());
        }
        None => {
            json.str("status", "signedOut");
        }
    }
    json.finish()
}

/// A JWT's payload, parsed and as text (the text is what `JSON.parse` made it from, so it is
/// passed on as it is).
fn claims(token: &str) -> Result<(Json, String), Error> {
    let invalid = || Error::InvalidServerResponse("A token is not a valid JWT.".into());
    // The second of the dot-separated parts (as `split('.').nth(1)`).
    let (_, rest) = crate::text::split_once(token, b'.').ok_or_else(invalid)?;
    let payload = crate::text::split_once(rest, b'.').map_or(rest, |(payload, _)| payload);
    let bytes = crate::base64::decode(payload).ok_or_else(invalid)?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let json = Json::parse(&text).map_err(|_| invalid())?;
    if json.as_object().is_none() {
        return Err(invalid());
    }
    Ok((json, text))
}

/// Milliseconds as decimal text.
pub fn decimal(value: u64) -> String {
    let mut out = String::new();
    push_decimal(&mut out, value);
    out
}
