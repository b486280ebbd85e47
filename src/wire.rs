//! Cognito's AWS JSON 1.1 wire format: operations, request bodies, replies and error bodies.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Error, ServiceError};
use crate::json::Json;
use crate::secret::Secret;

/// The user-pool API calls this SDK makes (all unsigned: authorised by body fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Enrol a TOTP authenticator (inside MFA_SETUP, or for a signed-in user).
    AssociateSoftwareToken,
    /// Change the signed-in user's password.
    ChangePassword,
    /// Register the passkey the browser created.
    CompleteWebAuthnRegistration,
    /// Register a device's SRP verifier after sign-in.
    ConfirmDevice,
    /// Set a new password with the emailed or texted code.
    ConfirmForgotPassword,
    /// Confirm a sign-up with its code.
    ConfirmSignUp,
    /// Delete the signed-in user.
    DeleteUser,
    /// Delete one of the user's passkeys.
    DeleteWebAuthnCredential,
    /// Forget a remembered device.
    ForgetDevice,
    /// Send a password-reset code.
    ForgotPassword,
    /// New tokens for a refresh token (with refresh-token rotation, a new refresh token too).
    GetTokensFromRefreshToken,
    /// The signed-in user's attributes and MFA settings.
    GetUser,
    /// Send a code to verify an attribute.
    GetUserAttributeVerificationCode,
    /// Invalidate every token of the user.
    GlobalSignOut,
    /// Start a sign-in or refresh.
    InitiateAuth,
    /// The user's devices.
    ListDevices,
    /// The user's passkeys.
    ListWebAuthnCredentials,
    /// Send the sign-up code again.
    ResendConfirmationCode,
    /// Answer a challenge.
    RespondToAuthChallenge,
    /// Revoke one refresh token (and the tokens it issued).
    RevokeToken,
    /// Which MFA methods are on, and which is preferred.
    SetUserMFAPreference,
    /// Create a user.
    SignUp,
    /// The options for creating a passkey.
    StartWebAuthnRegistration,
    /// Mark a device as remembered or not.
    UpdateDeviceStatus,
    /// Change attributes.
    UpdateUserAttributes,
    /// Check a TOTP code during enrolment.
    VerifySoftwareToken,
    /// Verify an attribute with its code.
    VerifyUserAttribute,
}

impl Operation {
    /// The operation's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::AssociateSoftwareToken => "AssociateSoftwareToken",
            Self::ChangePassword => "ChangePassword",
            Self::CompleteWebAuthnRegistration => "CompleteWebAuthnRegistration",
            Self::ConfirmDevice => "ConfirmDevice",
            Self::ConfirmForgotPassword => "ConfirmForgotPassword",
            Self::ConfirmSignUp => "ConfirmSignUp",
            Self::DeleteUser => "DeleteUser",
            Self::DeleteWebAuthnCredential => "DeleteWebAuthnCredential",
            Self::ForgetDevice => "ForgetDevice",
            Self::ForgotPassword => "ForgotPassword",
            Self::GetTokensFromRefreshToken => "GetTokensFromRefreshToken",
            Self::GetUser => "GetUser",
            Self::GetUserAttributeVerificationCode => "GetUserAttributeVerificationCode",
            Self::GlobalSignOut => "GlobalSignOut",
            Self::InitiateAuth => "InitiateAuth",
            Self::ListDevices => "ListDevices",
            Self::ListWebAuthnCredentials => "ListWebAuthnCredentials",
            Self::ResendConfirmationCode => "ResendConfirmationCode",
            Self::RespondToAuthChallenge => "RespondToAuthChallenge",
            Self::RevokeToken => "RevokeToken",
            Self::SetUserMFAPreference => "SetUserMFAPreference",
            Self::SignUp => "SignUp",
            Self::StartWebAuthnRegistration => "StartWebAuthnRegistration",
            Self::UpdateDeviceStatus => "UpdateDeviceStatus",
            Self::UpdateUserAttributes => "UpdateUserAttributes",
            Self::VerifySoftwareToken => "VerifySoftwareToken",
            Self::VerifyUserAttribute => "VerifyUserAttribute",
        }
    }

    /// The `X-Amz-Target` header value.
    pub fn target(self) -> String {
        [TARGET_PREFIX, self.name()].concat()
    }
}

/// `X-Amz-Target` is this followed by the operation's name.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// `Content-Type` of every request.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// Largest reply body read: Cognito's are a few KB, so anything near this is not Cognito.
pub const MAX_REPLY_BYTES: usize = 1 << 20;

/// One API call to make: `POST <endpoint>` with `X-Amz-Target` and this JSON body. The body
/// may hold a password, a code or a token, so `Debug` shows only the operation.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// Which call.
    pub operation: Operation,
    /// The JSON body.
    pub body: String,
}

impl core::fmt::Debug for Request {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("body", &"[redacted]")
            .finish()
    }
}

/// What the transport got back, before interpretation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpReply<'a> {
    /// HTTP status.
    pub status: u16,
    /// The body text.
    pub body: &'a str,
    /// The `x-amzn-ErrorType` header.
    pub error_type: Option<&'a str>,
    /// The `x-amzn-RequestId` header.
    pub request_id: Option<&'a str>,
}

impl HttpReply<'_> {
    /// A 2xx reply's JSON, or the error it carries. The error name comes from
    /// `x-amzn-ErrorType`, else the body's `code` or `__type`, cut at the first `:` or `,`
    /// and after any `#` (AWS JSON 1.1 rules). Bodies over [`MAX_REPLY_BYTES`] are refused
    /// unread.
    pub fn into_json(self) -> Result<Json, Error> {
        let body = if self.body.len() > MAX_REPLY_BYTES {
            None
        } else {
            Json::parse(self.body).ok()
        };
        if (200..300).contains(&self.status) {
            return body.ok_or_else(|| {
                Error::InvalidServerResponse("The service replied with malformed JSON.".into())
            });
        }
        let body = body.unwrap_or(Json::Null);
        let field = |key: &str| body.get(key).and_then(Json::as_str);
        let raw_name = self
            .error_type
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
            request_id: self.request_id.map(String::from),
            challenge_name: None,
        }))
    }
}

/// A string map as Cognito sends it (`ChallengeParameters`, `ClientMetadata`).
pub type StringMap = Vec<(String, String)>;

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

/// A `Record<string, string>`; absent or `null` is empty. Numbers and booleans become their
/// text; anything else is refused with `what` in the message.
pub fn string_map(value: Option<&Json>, what: &str) -> Result<StringMap, Error> {
    let members = match value {
        None | Some(Json::Null) => return Ok(Vec::new()),
        Some(Json::Object(members)) => members,
        Some(_) => {
            return Err(Error::InvalidConfig(
                [what, " must be an object of strings."].concat(),
            ))
        }
    };
    let mut map = Vec::with_capacity(members.len());
    for (key, value) in members {
        let text = scalar_text(value)
            .ok_or_else(|| Error::InvalidConfig([what, ".", key, " must be a string."].concat()))?;
        map.push((key.clone(), text));
    }
    Ok(map)
}

/// The text of a string, number or boolean.
pub fn scalar_text(value: &Json) -> Option<String> {
    match value {
        Json::String(text) | Json::Number(text) => Some(text.clone()),
        Json::Bool(true) => Some("true".into()),
        Json::Bool(false) => Some("false".into()),
        _ => None,
    }
}

/// `[{"Name":…,"Value":…},…]`, how the API lists attributes (and validation data).
pub fn attribute_list(pairs: &[(String, String)]) -> String {
    let mut items = Vec::with_capacity(pairs.len());
    for (name, value) in pairs {
        let mut item = crate::json::ObjectWriter::new();
        item.str("Name", name).str("Value", value);
        items.push(item.finish());
    }
    crate::json::raw_array(&items)
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticationResult {
    /// `AccessToken`.
    pub access_token: Secret,
    /// `IdToken`.
    pub id_token: Secret,
    /// `RefreshToken` (absent on refresh unless rotation is on).
    pub refresh_token: Option<Secret>,
    /// `ExpiresIn` seconds.
    pub expires_in: u64,
    /// `TokenType`, normally `Bearer`.
    pub token_type: String,
    /// `NewDeviceMetadata`: the service offers to remember this device.
    pub new_device: Option<NewDevice>,
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
    /// `AvailableChallenges` (USER_AUTH's SELECT_CHALLENGE): the first factors to choose from.
    pub available: Vec<String>,
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
        let mut available = Vec::new();
        if let Some(Json::Array(names)) = json.get("AvailableChallenges") {
            for name in names {
                available.push(
                    name.as_str()
                        .ok_or_else(|| malformed("AvailableChallenges"))?
                        .into(),
                );
            }
        }
        Ok(Self::Challenge(Challenge {
            name: name.into(),
            session: text(json, "Session"),
            parameters,
            available,
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
            access_token: required_text(json, "AccessToken")?.into(),
            id_token: required_text(json, "IdToken")?.into(),
            refresh_token: text(json, "RefreshToken").map(Secret::from),
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
pub fn text(json: &Json, key: &str) -> Option<String> {
    json.get(key).and_then(Json::as_str).map(String::from)
}

/// The string member `key`, which the API defines.
fn required_text(json: &Json, key: &str) -> Result<String, Error> {
    text(json, key).ok_or_else(|| malformed(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply<'a>(status: u16, body: &'a str, error_type: Option<&'a str>) -> HttpReply<'a> {
        HttpReply {
            status,
            body,
            error_type,
            request_id: Some("req-1"),
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
    fn malformed_and_oversized_success_is_a_typed_error() {
        let err = reply(200, "{\"Challenge", None).into_json().unwrap_err();
        assert_eq!(err.name(), "InvalidServerResponse");
        let huge = ["[", &"0,".repeat(MAX_REPLY_BYTES / 2), "0]"].concat();
        let err = reply(200, &huge, None).into_json().unwrap_err();
        assert_eq!(err.name(), "InvalidServerResponse");
        assert!(reply(200, "[0]", None).into_json().is_ok());
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

    #[test]
    fn request_debug_hides_the_body() {
        let request = Request {
            operation: Operation::InitiateAuth,
            body: r#"{"PASSWORD":"hunter2"}"#.into(),
        };
        let printed = format!("{request:?}");
        assert!(printed.contains("InitiateAuth") && !printed.contains("hunter2"));
    }
}
