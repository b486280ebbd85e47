//! The app client's settings, the platform seam, and the bodies of the one-shot calls
//! (refresh, sign-out, forgot password) that need no state machine.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::Error;
use crate::json::ObjectWriter;
use crate::secret_hash::secret_hash;
use crate::wire::{Operation, Request, StringMap};

/// What the core needs from the platform: randomness and the time.
pub trait Environment {
    /// Fills `buf` from a cryptographically secure generator.
    fn random(&mut self, buf: &mut [u8]) -> Result<(), Error>;
    /// Milliseconds since the Unix epoch (the local clock).
    fn now_ms(&self) -> u64;
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

/// [`backoff_ms`] with noise from the platform's generator.
pub fn random_backoff(env: &mut dyn Environment, retry: u32) -> Result<u32, Error> {
    let mut noise = [0u8; 2];
    env.random(&mut noise)?;
    Ok(backoff_ms(retry, u16::from_le_bytes(noise)))
}

/// One app client of one user pool.
#[derive(Clone)]
pub struct ClientConfig {
    user_pool_id: String,
    client_id: String,
    client_secret: Option<String>,
}

impl ClientConfig {
    /// Checks the pool id's `<region>_<name>` shape (the region as AWS spells regions:
    /// `us-east-1`, `eu-central-2`, `us-gov-west-1`) and a non-empty client id.
    pub fn new(
        user_pool_id: &str,
        client_id: &str,
        client_secret: Option<&str>,
    ) -> Result<Self, Error> {
        crate::srp::pool_name(user_pool_id)
            .map_err(|e| Error::InvalidConfig(["userPoolId: ", &e.message()].concat()))?;
        let region = crate::text::split_once(user_pool_id, b'_').map_or("", |(region, _)| region);
        if !is_region(region) {
            return Err(Error::InvalidConfig(
                [
                    "userPoolId: \"",
                    region,
                    "\" is not an AWS region (like us-east-1).",
                ]
                .concat(),
            ));
        }
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

    /// Whether the app was given the client's secret.
    pub fn has_secret(&self) -> bool {
        self.client_secret.is_some()
    }

    /// SECRET_HASH for `username`, when the client has a secret.
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_deref()
            .map(|secret| secret_hash(secret, username, &self.client_id))
    }

    /// A body that starts `{"ClientId":…`.
    pub fn body(&self) -> ObjectWriter {
        let mut body = ObjectWriter::new();
        body.str("ClientId", &self.client_id);
        body
    }

    /// GetTokensFromRefreshToken, which works with refresh-token rotation (REFRESH_TOKEN_AUTH
    /// is refused on rotating clients). A secret client sends its secret itself here, not a
    /// SECRET_HASH; `DeviceKey` goes along when the tokens came through a remembered device.
    pub fn refresh(
        &self,
        refresh_token: &str,
        device_key: Option<&str>,
        metadata: &StringMap,
    ) -> Request {
        let mut body = self.body();
        body.str("RefreshToken", refresh_token)
            .opt_str("ClientSecret", self.client_secret.as_deref())
            .opt_str("DeviceKey", device_key);
        add_metadata(&mut body, metadata);
        request(Operation::GetTokensFromRefreshToken, body)
    }

    /// ForgotPassword: sends a reset code.
    pub fn forgot_password(&self, username: &str, metadata: &StringMap) -> Request {
        let mut body = self.user_body(username);
        add_metadata(&mut body, metadata);
        request(Operation::ForgotPassword, body)
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
        body.str("ConfirmationCode", code)
            .str("Password", new_password);
        add_metadata(&mut body, metadata);
        request(Operation::ConfirmForgotPassword, body)
    }

    /// RevokeToken: revokes the refresh token and the tokens it issued.
    pub fn revoke_token(&self, refresh_token: &str) -> Request {
        let mut body = self.body();
        body.str("Token", refresh_token);
        request(Operation::RevokeToken, body)
    }

    /// GlobalSignOut: invalidates every token of the user.
    pub fn global_sign_out(&self, access_token: &str) -> Request {
        let mut body = ObjectWriter::new();
        body.str("AccessToken", access_token);
        request(Operation::GlobalSignOut, body)
    }

    /// `{ClientId, Username, [SecretHash]}`, the start of the password-reset bodies.
    pub fn user_body(&self, username: &str) -> ObjectWriter {
        let mut body = self.body();
        body.str("Username", username)
            .opt_str("SecretHash", self.secret_hash(username).as_deref());
        body
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

/// An AWS region name: lowercase words joined by `-`, at least two of them, then `-<digits>`
/// (`us-east-1`, `ap-southeast-2`, `us-gov-west-1`).
fn is_region(region: &str) -> bool {
    let bytes = region.as_bytes();
    let Some(dash) = bytes.iter().rposition(|&b| b == b'-') else {
        return false;
    };
    let number = bytes.get(dash + 1..).unwrap_or_default();
    let (mut words, mut letters) = (0, 0);
    for &byte in bytes.get(..dash).unwrap_or_default() {
        match byte {
            b'-' if letters > 0 => (words, letters) = (words + 1, 0),
            b'a'..=b'z' => letters += 1,
            _ => return false,
        }
    }
    words >= 1
        && letters > 0
        && (1..=2).contains(&number.len())
        && number.iter().all(u8::is_ascii_digit)
}

/// A request from an operation and its finished body.
pub fn request(operation: Operation, mut body: ObjectWriter) -> Request {
    Request {
        operation,
        body: body.finish(),
    }
}

/// Adds `ClientMetadata` unless it is empty.
pub fn add_metadata(body: &mut ObjectWriter, metadata: &StringMap) {
    if !metadata.is_empty() {
        body.map("ClientMetadata", metadata);
    }
}

/// `base` overlaid with `overrides` (per-call values win over the configured default).
/// A loop, not `filter`/`collect`: ~400 bytes less wasm (issue 6).
pub fn merge_metadata(base: &[(String, String)], overrides: &[(String, String)]) -> StringMap {
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
    fn config_checks_pool_id_region_and_client_id() {
        for bad in [
            "nope",
            "_X",
            "us-east-1_",
            "useast1_X",
            "US-EAST-1_X",
            "us-east_X",
            "us-east-x_X",
        ] {
            assert_eq!(
                ClientConfig::new(bad, "c", None).unwrap_err().name(),
                "InvalidConfig",
                "{bad}"
            );
        }
        for good in [
            "us-east-1_X",
            "us-gov-west-1_X",
            "ap-southeast-2_X",
            "eu-central-2_X",
        ] {
            assert!(ClientConfig::new(good, "c", None).is_ok(), "{good}");
        }
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
            &[pair("app", "demo"), pair("tenant", "a")],
            &[pair("tenant", "b")],
        );
        assert_eq!(merged, vec![pair("app", "demo"), pair("tenant", "b")]);
    }

    #[test]
    fn one_shot_bodies() {
        let config = ClientConfig::new("us-east-1_P", "cid", Some("secretXYZ")).unwrap();
        let md = vec![("k".to_string(), "v".to_string())];
        let refresh = config.refresh("rt", Some("dk"), &md);
        assert_eq!(refresh.operation, Operation::GetTokensFromRefreshToken);
        assert_eq!(
            refresh.body,
            r#"{"ClientId":"cid","RefreshToken":"rt","ClientSecret":"secretXYZ","DeviceKey":"dk","ClientMetadata":{"k":"v"}}"#
        );
        let reset = config.confirm_forgot_password("bob", "123", "New1!", &Vec::new());
        assert_eq!(reset.operation, Operation::ConfirmForgotPassword);
        assert_eq!(
            reset.body,
            [
                r#"{"ClientId":"cid","Username":"bob","SecretHash":""#,
                &secret_hash("secretXYZ", "bob", "cid"),
                r#"","ConfirmationCode":"123","Password":"New1!"}"#
            ]
            .concat()
        );
        assert_eq!(
            config.revoke_token("rt").body,
            r#"{"ClientId":"cid","Token":"rt"}"#
        );
        assert_eq!(config.global_sign_out("at").body, r#"{"AccessToken":"at"}"#);
    }
}
