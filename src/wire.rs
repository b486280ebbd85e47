//! Cognito's AWS JSON 1.1 wire format: operations, request bodies, replies and error bodies.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Error, ServiceError};
use crate::json::Json;

/// The user-pool API calls this SDK makes (all unsigned: authorised by body fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Enrol a TOTP authenticator (inside MFA_SETUP).
    AssociateSoftwareToken,
    /// Register a device's SRP verifier after sign-in.
    ConfirmDevice,
    /// Set a new password with the emailed or texted code.
    ConfirmForgotPassword,
    /// Send a password-reset code.
    ForgotPassword,
    /// Invalidate every token of the user.
    GlobalSignOut,
    /// Start a sign-in or refresh.
    InitiateAuth,
    /// Answer a challenge.
    RespondToAuthChallenge,
    /// Revoke one refresh token (and the tokens it issued).
    RevokeToken,
    /// Mark a confirmed device as remembered.
    UpdateDeviceStatus,
    /// Check a TOTP code during enrolment.
    VerifySoftwareToken,
}

impl Operation {
    /// The operation's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::AssociateSoftwareToken => "AssociateSoftwareToken",
            Self::ConfirmDevice => "ConfirmDevice",
            Self::ConfirmForgotPassword => "ConfirmForgotPassword",
            Self::ForgotPassword => "ForgotPassword",
            Self::GlobalSignOut => "GlobalSignOut",
            Self::InitiateAuth => "InitiateAuth",
            Self::RespondToAuthChallenge => "RespondToAuthChallenge",
            Self::RevokeToken => "RevokeToken",
            Self::UpdateDeviceStatus => "UpdateDeviceStatus",
            Self::VerifySoftwareToken => "VerifySoftwareToken",
        }
    }

    /// The `X-Amz-Target` header value.
    pub fn target(self) -> String {
        ["AWSCognitoIdentityProviderService.", self.name()].concat()
    }
}

/// `Content-Type` of every request.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// One API call to make: `POST <endpoint>` with `X-Amz-Target` and this JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Which call.
    pub operation: Operation,
    /// The JSON body.
    pub body: Json,
}

impl Request {
    /// The body as JSON text.
    pub fn body_text(&self) -> String {
        self.body.encode()
    }
}

/// What the transport got back, before interpretation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpReply {
    /// HTTP status.
    pub status: u16,
    /// The body, when it is JSON (the transport parses it: the browser shell with the
    /// browser's `JSON.parse`, so that no JSON parser ships in the wasm).
    pub body: Option<Json>,
    /// The `x-amzn-ErrorType` header.
    pub error_type: Option<String>,
    /// The `x-amzn-RequestId` header.
    pub request_id: Option<String>,
}

impl HttpReply {
    /// A 2xx reply's JSON, or the error it carries. The error name comes from
    /// `x-amzn-ErrorType`, else the body's `code` or `__type`, cut at the first `:` or `,`
    /// and after any `#` (AWS JSON 1.1 rules).
    pub fn into_json(self) -> Result<Json, Error> {
        if (200..300).contains(&self.status) {
            return self.body.ok_or_else(|| {
                Error::InvalidServerResponse("The service replied with malformed JSON.".into())
            });
        }
        let body = self.body.unwrap_or(Json::Null);
        let field = |key: &str| body.get(key).and_then(Json::as_str);
        let raw_name = self
            .error_type
            .as_deref()
            .or_else(|| field("code"))
            .or_else(|| field("__type"))
            .unwrap_or("");
        // The part before any ':' or ',', after its last '#'. Byte positions and `get`
        // (these are ASCII, so always char boundaries): no `str` pattern machinery.
        let bytes = raw_name.as_bytes();
        let end = bytes
            .iter()
            .position(|&b| b == b':' || b == b',')
            .unwrap_or(bytes.len());
        let start = bytes
            .get(..end)
            .and_then(|head| head.iter().rposition(|&b| b == b'#'))
            .map_or(0, |hash| hash + 1);
        let name = raw_name.get(start..end).unwrap_or("").trim();
        let message = field("message").or_else(|| field("Message"));
        Err(Error::Service(ServiceError {
            name: if name.is_empty() {
                "UnknownError"
            } else {
                name
            }
            .into(),
            message: message.unwrap_or("The service returned an error.").into(),
            status: self.status,
            request_id: self.request_id,
        }))
    }
}

/// A string map as Cognito sends it (`ChallengeParameters`, `ClientMetadata`).
pub type StringMap = Vec<(String, String)>;

/// A `{string: string}` JSON object.
pub fn string_map_json(map: &[(String, String)]) -> Json {
    Json::object(map.iter().map(|(k, v)| (k.as_str(), Json::str(v.as_str()))))
}

/// Reads a `{string: string}` object; non-string values are refused. A loop, not a `collect`
/// into `Result`, whose adapter cost ~900 bytes of wasm (issue 6).
pub fn parse_string_map(json: &Json, what: &str) -> Result<StringMap, Error> {
    let members = json.as_object().ok_or_else(|| malformed(what))?;
    let mut map = Vec::with_capacity(members.len());
    for (key, value) in members {
        let value = value.as_str().ok_or_else(|| malformed(what))?;
        map.push((key.clone(), value.into()));
    }
    Ok(map)
}

/// Looks a key up in a string map.
pub fn lookup<'a>(map: &'a [(String, String)], key: &str) -> Option<&'a str> {
    map.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// The error for a reply without a field the API defines.
pub fn malformed(what: &str) -> Error {
    Error::InvalidServerResponse(["The reply has no valid ", what, "."].concat())
}

/// The tokens of an `AuthenticationResult`.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthenticationResult {
    /// `AccessToken`.
    pub access_token: String,
    /// `IdToken`.
    pub id_token: String,
    /// `RefreshToken` (absent on refresh unless rotation is on).
    pub refresh_token: Option<String>,
    /// `ExpiresIn` seconds.
    pub expires_in: u64,
    /// `TokenType`, normally `Bearer`.
    pub token_type: String,
    /// `NewDeviceMetadata`: the service offers to remember this device.
    pub new_device: Option<NewDevice>,
}

impl core::fmt::Debug for AuthenticationResult {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AuthenticationResult")
            .field("tokens", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .field("new_device", &self.new_device)
            .finish()
    }
}

/// `NewDeviceMetadata`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    /// `DeviceKey`.
    pub device_key: String,
    /// `DeviceGroupKey`.
    pub device_group_key: String,
}

/// A challenge the service asks the client to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// `ChallengeName`.
    pub name: String,
    /// `Session`, sent back with the answer.
    pub session: Option<String>,
    /// `ChallengeParameters`.
    pub parameters: StringMap,
}

/// What InitiateAuth and RespondToAuthChallenge answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthReply {
    /// Signed in.
    Authenticated(AuthenticationResult),
    /// Another step.
    Challenge(Challenge),
}

impl AuthReply {
    /// Interprets a reply: tokens if there is an `AuthenticationResult`, else a challenge.
    pub fn parse(json: &Json) -> Result<Self, Error> {
        if let Some(result) = json
            .get("AuthenticationResult")
            .filter(|r| **r != Json::Null)
        {
            return AuthenticationResult::parse(result).map(Self::Authenticated);
        }
        let name = json
            .get("ChallengeName")
            .and_then(Json::as_str)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| malformed("ChallengeName or AuthenticationResult"))?;
        let parameters = match json.get("ChallengeParameters") {
            None | Some(Json::Null) => Vec::new(),
            Some(p) => parse_string_map(p, "ChallengeParameters")?,
        };
        Ok(Self::Challenge(Challenge {
            name: name.into(),
            session: text(json, "Session"),
            parameters,
        }))
    }
}

impl AuthenticationResult {
    /// Reads `AuthenticationResult`; the access and id tokens and `ExpiresIn` are required.
    pub fn parse(json: &Json) -> Result<Self, Error> {
        let new_device = match json.get("NewDeviceMetadata") {
            None | Some(Json::Null) => None,
            Some(meta) => Some(NewDevice {
                device_key: required_text(meta, "DeviceKey")?,
                device_group_key: required_text(meta, "DeviceGroupKey")?,
            }),
        };
        Ok(Self {
            access_token: required_text(json, "AccessToken")?,
            id_token: required_text(json, "IdToken")?,
            refresh_token: text(json, "RefreshToken"),
            expires_in: json
                .get("ExpiresIn")
                .and_then(Json::as_u64)
                .ok_or_else(|| malformed("ExpiresIn"))?,
            token_type: text(json, "TokenType").unwrap_or_else(|| "Bearer".into()),
            new_device,
        })
    }
}

/// The string member `key`, owned. One function, not a closure per parser (issue 6: size).
fn text(json: &Json, key: &str) -> Option<String> {
    json.get(key).and_then(Json::as_str).map(String::from)
}

/// The string member `key`, which the API defines.
fn required_text(json: &Json, key: &str) -> Result<String, Error> {
    text(json, key).ok_or_else(|| malformed(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str, error_type: Option<&str>) -> HttpReply {
        HttpReply {
            status,
            body: Json::parse(body).ok(),
            error_type: error_type.map(Into::into),
            request_id: Some("req-1".into()),
        }
    }

    #[test]
    fn error_name_prefers_the_header_and_is_trimmed() {
        let err = reply(
            400,
            r#"{"__type":"com.amazon#CodeMismatchException","message":"Invalid code."}"#,
            Some("NotAuthorizedException:http://internal.amazon.com/"),
        )
        .into_json()
        .unwrap_err();
        assert_eq!(err.name(), "NotAuthorizedException");
        assert_eq!(err.message(), "Invalid code.");
        assert_eq!(err.request_id(), Some("req-1"));
        assert!(!err.retryable());

        let err = reply(400, r#"{"__type":"a.b#CodeMismatchException"}"#, None)
            .into_json()
            .unwrap_err();
        assert_eq!(err.name(), "CodeMismatchException");
    }

    #[test]
    fn server_faults_are_retryable_even_without_a_body() {
        let err = reply(502, "<html>bad gateway", None)
            .into_json()
            .unwrap_err();
        assert_eq!(err.name(), "UnknownError");
        assert!(err.retryable());
        let throttled = reply(400, r#"{"__type":"TooManyRequestsException"}"#, None);
        assert!(throttled.into_json().unwrap_err().retryable());
    }

    #[test]
    fn malformed_success_is_a_typed_error() {
        let err = reply(200, "{\"Challenge", None).into_json().unwrap_err();
        assert_eq!(err.name(), "InvalidServerResponse");
    }

    #[test]
    fn auth_reply_needs_tokens_or_a_challenge() {
        let parse = |t: &str| AuthReply::parse(&Json::parse(t).unwrap());
        assert!(parse("{}").is_err());
        assert!(parse(r#"{"ChallengeName":"SMS_MFA","ChallengeParameters":{"a":1}}"#).is_err());
        assert!(parse(r#"{"AuthenticationResult":{"AccessToken":"a","IdToken":"i"}}"#).is_err());
        let ok = parse(r#"{"AuthenticationResult":{"AccessToken":"a","IdToken":"i","ExpiresIn":3600,"NewDeviceMetadata":{"DeviceKey":"k","DeviceGroupKey":"g"}}}"#).unwrap();
        let AuthReply::Authenticated(result) = ok else {
            panic!("expected tokens")
        };
        assert_eq!(result.new_device.unwrap().device_group_key, "g");
        assert!(!format!(
            "{:?}",
            parse(
                r#"{"AuthenticationResult":{"AccessToken":"secret-a","IdToken":"i","ExpiresIn":1}}"#
            )
        )
        .contains("secret-a"));
    }
}
