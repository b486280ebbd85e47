//! The app client's settings, the platform seam, and the one-shot calls (refresh, sign-out,
//! forgot password) that need no state machine.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::Error;
use crate::json::Json;
use crate::secret_hash::secret_hash;
use crate::wire::{string_map_json, Operation, Request, StringMap};

/// What the core needs from the platform: randomness and the time.
pub trait Environment {
    /// Fills `buf` from a cryptographically secure generator.
    fn random(&mut self, buf: &mut [u8]) -> Result<(), Error>;
    /// Seconds since the Unix epoch (the local clock).
    fn now(&self) -> u64;
    /// Parses the JSON text a challenge parameter carries (`requiredAttributes`). The browser
    /// shell uses the browser's own `JSON.parse`, so that no JSON parser ships in the wasm.
    fn parse_json(&self, text: &str) -> Option<Json> {
        Json::parse(text).ok()
    }
}

/// Consecutive retryable failures tolerated before giving up.
pub const MAX_RETRIES: u32 = 3;
/// First backoff ceiling; doubles per retry.
const BACKOFF_BASE_MS: u32 = 200;

/// Jittered exponential backoff before retry number `retry` (0-based): between half and all
/// of 200 ms · 2^retry, placed by `noise`.
pub fn backoff_ms(retry: u32, noise: u16) -> u32 {
    let ceiling = BACKOFF_BASE_MS << retry.min(8);
    let half = ceiling / 2;
    half + u32::from(noise) % (half + 1)
}

/// One app client of one user pool.
#[derive(Clone)]
pub struct ClientConfig {
    user_pool_id: String,
    client_id: String,
    client_secret: Option<String>,
}

impl ClientConfig {
    /// Checks the pool id's `<region>_<name>` shape and a non-empty client id.
    pub fn new(
        user_pool_id: &str,
        client_id: &str,
        client_secret: Option<&str>,
    ) -> Result<Self, Error> {
        crate::srp::pool_name(user_pool_id)
            .map_err(|e| Error::InvalidConfig(["userPoolId: ", &e.message()].concat()))?;
        if client_id.is_empty() {
            return Err(Error::InvalidConfig("clientId is required.".into()));
        }
        Ok(Self {
            user_pool_id: user_pool_id.into(),
            client_id: client_id.into(),
            client_secret: client_secret.filter(|s| !s.is_empty()).map(Into::into),
        })
    }

    /// The pool name hashed into SRP's `x`: the part of the pool id after `_`.
    pub fn pool_name(&self) -> &str {
        crate::text::split_once(&self.user_pool_id, b'_').map_or("", |(_, name)| name)
    }

    /// The region: the part of the pool id before `_`.
    pub fn region(&self) -> &str {
        crate::text::split_once(&self.user_pool_id, b'_').map_or("", |(region, _)| region)
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// `https://cognito-idp.<region>.amazonaws.com/`.
    pub fn default_endpoint(&self) -> String {
        ["https://cognito-idp.", self.region(), ".amazonaws.com/"].concat()
    }

    /// SECRET_HASH for `username`, when the client has a secret.
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_deref()
            .map(|secret| secret_hash(secret, username, &self.client_id))
    }

    /// REFRESH_TOKEN_AUTH. SECRET_HASH uses the internal username; `DEVICE_KEY` must go along
    /// when the tokens came through a remembered device.
    pub fn refresh(
        &self,
        refresh_token: &str,
        username: &str,
        device_key: Option<&str>,
        metadata: &StringMap,
    ) -> Request {
        let mut parameters = Json::object([("REFRESH_TOKEN", Json::str(refresh_token))]);
        self.add_secret_hash(&mut parameters, "SECRET_HASH", username);
        if let Some(key) = device_key {
            parameters.set("DEVICE_KEY", Json::str(key));
        }
        let mut body = Json::object([
            ("AuthFlow", Json::str("REFRESH_TOKEN_AUTH")),
            ("ClientId", Json::str(self.client_id.as_str())),
            ("AuthParameters", parameters),
        ]);
        add_metadata(&mut body, metadata);
        Request {
            operation: Operation::InitiateAuth,
            body,
        }
    }

    /// ForgotPassword: sends a reset code.
    pub fn forgot_password(&self, username: &str, metadata: &StringMap) -> Request {
        let mut body = self.user_body(username);
        add_metadata(&mut body, metadata);
        Request {
            operation: Operation::ForgotPassword,
            body,
        }
    }

    /// ConfirmForgotPassword: sets the new password with the code.
    pub fn confirm_forgot_password(
        &self,
        username: &str,
        code: &str,
        new_password: &str,
        metadata: &StringMap,
    ) -> Request {
        let mut body = self.user_body(username);
        body.set("ConfirmationCode", Json::str(code));
        body.set("Password", Json::str(new_password));
        add_metadata(&mut body, metadata);
        Request {
            operation: Operation::ConfirmForgotPassword,
            body,
        }
    }

    /// RevokeToken: revokes the refresh token and the tokens it issued.
    pub fn revoke_token(&self, refresh_token: &str) -> Request {
        Request {
            operation: Operation::RevokeToken,
            body: Json::object([
                ("ClientId", Json::str(self.client_id.as_str())),
                ("Token", Json::str(refresh_token)),
            ]),
        }
    }

    /// GlobalSignOut: invalidates every token of the user.
    pub fn global_sign_out(&self, access_token: &str) -> Request {
        Request {
            operation: Operation::GlobalSignOut,
            body: Json::object([("AccessToken", Json::str(access_token))]),
        }
    }

    /// `{ClientId, Username, [SecretHash]}`, the start of the password-reset bodies.
    fn user_body(&self, username: &str) -> Json {
        let mut body = Json::object([
            ("ClientId", Json::str(self.client_id.as_str())),
            ("Username", Json::str(username)),
        ]);
        self.add_secret_hash(&mut body, "SecretHash", username);
        body
    }

    /// Adds SECRET_HASH (under `key`) when the client has a secret.
    pub(crate) fn add_secret_hash(&self, object: &mut Json, key: &str, username: &str) {
        if let Some(hash) = self.secret_hash(username) {
            object.set(key, Json::str(hash));
        }
    }
}

impl core::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("user_pool_id", &self.user_pool_id)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// Adds `ClientMetadata` unless it is empty.
pub(crate) fn add_metadata(body: &mut Json, metadata: &StringMap) {
    if !metadata.is_empty() {
        body.set("ClientMetadata", string_map_json(metadata));
    }
}

/// `base` overlaid with `overrides` (per-call values win over the configured default).
/// A loop, not `filter`/`collect`: ~400 bytes less wasm (issue 6).
pub fn merge_metadata(base: &StringMap, overrides: &StringMap) -> StringMap {
    let mut merged = Vec::with_capacity(base.len() + overrides.len());
    for pair in base {
        if !overrides.iter().any(|(key, _)| *key == pair.0) {
            merged.push(pair.clone());
        }
    }
    merged.extend_from_slice(overrides);
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_checks_pool_id_and_client_id() {
        assert_eq!(
            ClientConfig::new("nope", "c", None).unwrap_err().name(),
            "InvalidConfig"
        );
        assert!(ClientConfig::new("us-east-1_X", "", None).is_err());
        let config = ClientConfig::new("eu-west-2_AbC", "cid", Some("s3cr3t")).unwrap();
        assert_eq!(config.region(), "eu-west-2");
        assert_eq!(config.pool_name(), "AbC");
        assert_eq!(
            config.default_endpoint(),
            "https://cognito-idp.eu-west-2.amazonaws.com/"
        );
        assert!(!format!("{config:?}").contains("s3cr3t"));
    }

    #[test]
    fn call_metadata_overrides_the_default() {
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        let merged = merge_metadata(
            &vec![pair("app", "demo"), pair("tenant", "a")],
            &vec![pair("tenant", "b")],
        );
        assert_eq!(merged, vec![pair("app", "demo"), pair("tenant", "b")]);
    }

    #[test]
    fn one_shot_bodies() {
        let config = ClientConfig::new("us-east-1_P", "cid", Some("secretXYZ")).unwrap();
        let md = vec![("k".to_string(), "v".to_string())];
        assert_eq!(
            config.refresh("rt", "alice", Some("dk"), &md).body_text(),
            r#"{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"cid","AuthParameters":{"REFRESH_TOKEN":"rt","SECRET_HASH":""#
                .to_string()
                + &secret_hash("secretXYZ", "alice", "cid")
                + r#"","DEVICE_KEY":"dk"},"ClientMetadata":{"k":"v"}}"#
        );
        let reset = config.confirm_forgot_password("bob", "123", "New1!", &Vec::new());
        assert_eq!(reset.operation, Operation::ConfirmForgotPassword);
        assert_eq!(
            reset.body.get("SecretHash").and_then(Json::as_str),
            Some(secret_hash("secretXYZ", "bob", "cid").as_str())
        );
        assert_eq!(reset.body.get("ClientMetadata"), None);
    }
}
