//! The configuration `CognitoAuth.create` takes, checked once: what is wrong with it is an
//! `InvalidConfig` error naming the field.

use alloc::string::String;

use crate::client::{merge_metadata, ClientConfig};
use crate::error::Error;
use crate::json::Json;
use crate::wire::{string_map, StringMap};

/// How long a request may go unanswered by default (`requestTimeoutMs`).
const DEFAULT_TIMEOUT_MS: u64 = 20_000;
/// The longest timeout a browser timer can express (2^31 − 1 ms).
const MAX_TIMEOUT_MS: u64 = 2_147_483_647;

/// Everything an engine needs to know about its app client and its options.
#[derive(Debug)]
pub struct Settings {
    /// The pool and app client.
    pub client: ClientConfig,
    /// Where requests go.
    pub endpoint: String,
    /// Storage key of the session; remembered devices live under `<key>.device.<user>`.
    pub storage_key: String,
    /// ClientMetadata for every call, under the call's own.
    pub default_metadata: StringMap,
    /// ConfirmDevice after sign-in, then device SRP next time.
    pub remember_devices: bool,
    /// DeviceName for ConfirmDevice.
    pub device_name: String,
    /// Refresh on a timer shortly before expiry.
    pub auto_refresh: bool,
    /// Issuer in `otpauth://` URIs.
    pub totp_issuer: String,
    /// How long a request may go unanswered.
    pub request_timeout_ms: u64,
    /// The storage is shared by the tabs of this origin (`localStorage`, or the app's own):
    /// refreshes take a cross-tab lock, and changes are announced to the other tabs.
    pub shared: bool,
}

impl Settings {
    /// Reads and checks the config object. `userAgent` is the platform's (the default
    /// device name).
    pub fn parse(config: &Json) -> Result<Self, Error> {
        if config.as_object().is_none() {
            return Err(Error::InvalidConfig("The config must be an object.".into()));
        }
        let client = ClientConfig::new(
            &required_string(config, "userPoolId")?,
            &required_string(config, "clientId")?,
            optional_string(config, "clientSecret")?.as_deref(),
        )?;
        let endpoint = match optional_string(config, "endpoint")? {
            Some(endpoint) if is_http_url(&endpoint) => endpoint,
            Some(_) => {
                return Err(Error::InvalidConfig(
                    "endpoint must be an absolute http(s) URL.".into(),
                ))
            }
            None => client.default_endpoint(),
        };
        let request_timeout_ms = match config.get("requestTimeoutMs") {
            None | Some(Json::Null) => DEFAULT_TIMEOUT_MS,
            Some(value) => value
                .as_u64()
                .filter(|ms| (1..=MAX_TIMEOUT_MS).contains(ms))
                .ok_or_else(|| {
                    Error::InvalidConfig(
                        "requestTimeoutMs must be a whole number of milliseconds.".into(),
                    )
                })?,
        };
        Ok(Self {
            storage_key: optional_string(config, "storageKey")?
                .unwrap_or_else(|| ["cognito-wasm.", client.client_id()].concat()),
            default_metadata: string_map(config.get("clientMetadata"), "clientMetadata")?,
            remember_devices: flag(config, "rememberDevices"),
            device_name: optional_string(config, "deviceName")?
                .or(optional_string(config, "userAgent")?)
                .unwrap_or_else(|| "cognito-wasm".into()),
            auto_refresh: flag(config, "autoRefresh"),
            totp_issuer: optional_string(config, "totpIssuer")?
                .unwrap_or_else(|| client.pool_name().into()),
            request_timeout_ms,
            shared: matches!(
                optional_string(config, "storage")?.as_deref(),
                Some("localStorage" | "custom")
            ),
            endpoint,
            client,
        })
    }

    /// The config's ClientMetadata with a call's `clientMetadata` option over it.
    pub fn call_metadata(&self, options: &Json) -> Result<StringMap, Error> {
        let call = string_map(options.get("clientMetadata"), "clientMetadata")?;
        Ok(merge_metadata(&self.default_metadata, &call))
    }

    /// Storage key of the device remembered for `username`. Usernames are case-insensitive
    /// in Cognito; ASCII letters are folded (Unicode case tables would add kilobytes of wasm).
    pub fn device_slot(&self, username: &str) -> String {
        [
            self.storage_key.as_str(),
            ".device.",
            &username.to_ascii_lowercase(),
        ]
        .concat()
    }
}

/// `http://` or `https://` followed by a host.
fn is_http_url(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        !rest.is_empty() && !rest.starts_with('/') && !text.bytes().any(|b| b.is_ascii_whitespace())
    })
}

/// `options[key]` as a non-empty string.
pub fn required_string(options: &Json, key: &str) -> Result<String, Error> {
    optional_string(options, key)?
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Error::InvalidConfig([key, " is required."].concat()))
}

/// `options[key]` as a string, when given (`null` counts as not given).
pub fn optional_string(options: &Json, key: &str) -> Result<Option<String>, Error> {
    match options.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(Error::InvalidConfig([key, " must be a string."].concat())),
    }
}

/// Whether `options[key]` is `true`.
pub fn flag(options: &Json, key: &str) -> bool {
    options.get(key) == Some(&Json::Bool(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, Error> {
        Settings::parse(&Json::parse(text).unwrap())
    }

    #[test]
    fn defaults_and_checks() {
        let settings =
            parse(r#"{"userPoolId":"us-east-1_Pool","clientId":"c","userAgent":"UA"}"#).unwrap();
        assert_eq!(
            settings.endpoint,
            "https://cognito-idp.us-east-1.amazonaws.com/"
        );
        assert_eq!(settings.storage_key, "cognito-wasm.c");
        assert_eq!(settings.device_name, "UA");
        assert_eq!(settings.request_timeout_ms, 20_000);
        assert_eq!(settings.totp_issuer, "Pool");
        assert_eq!(
            settings.device_slot("Alice@Example.COM"),
            "cognito-wasm.c.device.alice@example.com"
        );
        for bad in [
            r#"[]"#,
            r#"{"clientId":"c"}"#,
            r#"{"userPoolId":"us-east-1_P","clientId":7}"#,
            r#"{"userPoolId":"nowhere_P","clientId":"c"}"#,
            r#"{"userPoolId":"us-east-1_P","clientId":"c","endpoint":"localhost:9229"}"#,
            r#"{"userPoolId":"us-east-1_P","clientId":"c","endpoint":"ftp://x/"}"#,
            r#"{"userPoolId":"us-east-1_P","clientId":"c","endpoint":"https:///x"}"#,
            r#"{"userPoolId":"us-east-1_P","clientId":"c","requestTimeoutMs":0}"#,
            r#"{"userPoolId":"us-east-1_P","clientId":"c","requestTimeoutMs":"5"}"#,
            r#"{"userPoolId":"us-east-1_P","clientId":"c","clientMetadata":{"a":{}}}"#,
        ] {
            assert_eq!(parse(bad).unwrap_err().name(), "InvalidConfig", "{bad}");
        }
        let custom = parse(r#"{"userPoolId":"us-east-1_P","clientId":"c","endpoint":"http://127.0.0.1:9/","requestTimeoutMs":5,"clientMetadata":{"n":1,"b":true}}"#).unwrap();
        assert_eq!(custom.endpoint, "http://127.0.0.1:9/");
        assert_eq!(custom.request_timeout_ms, 5);
        assert_eq!(
            custom.default_metadata,
            vec![("n".into(), "1".into()), ("b".into(), "true".into())]
        );
    }
}
