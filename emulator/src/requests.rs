//! Request bodies. Every member is optional at the serde level so that an absent one gets the
//! service's validation message (InvalidParameterException) and a mistyped one a
//! SerializationException; unknown members are ignored, as the service does.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{ApiError, ApiResult, ErrorKind};

/// AuthParameters, ChallengeResponses, ClientMetadata: string to string.
pub type StringMap = BTreeMap<String, String>;

/// Deserializes a body into `T`; type errors are SerializationExceptions.
pub fn parse<T: DeserializeOwned>(body: Value) -> ApiResult<T> {
    serde_json::from_value(body).map_err(|e| ApiError::new(ErrorKind::Serialization, e.to_string()))
}

/// A member the operation requires.
pub fn required<'a, T>(value: &'a Option<T>, member: &str) -> ApiResult<&'a T> {
    value.as_ref().ok_or_else(|| ApiError::missing(member))
}

/// A required entry of AuthParameters / ChallengeResponses.
pub fn parameter<'a>(map: &'a StringMap, name: &str) -> ApiResult<&'a str> {
    map.get(name)
        .map(String::as_str)
        .ok_or_else(|| ApiError::missing_parameter(name))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitiateAuth {
    pub auth_flow: Option<String>,
    pub client_id: Option<String>,
    #[serde(default)]
    pub auth_parameters: StringMap,
    pub client_metadata: Option<StringMap>,
    /// USER_AUTH: the Session of ConfirmSignUp.
    pub session: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RespondToAuthChallenge {
    pub client_id: Option<String>,
    pub challenge_name: Option<String>,
    pub session: Option<String>,
    #[serde(default)]
    pub challenge_responses: StringMap,
    pub client_metadata: Option<StringMap>,
}

/// `{Name, Value}` of UserAttributes lists.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attribute {
    pub name: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignUp {
    pub client_id: Option<String>,
    pub secret_hash: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    #[serde(default)]
    pub user_attributes: Vec<Attribute>,
    #[serde(default)]
    pub validation_data: Vec<Attribute>,
    pub client_metadata: Option<StringMap>,
}

/// ConfirmSignUp, ResendConfirmationCode, ForgotPassword and ConfirmForgotPassword share these
/// members.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserCodeRequest {
    pub client_id: Option<String>,
    pub secret_hash: Option<String>,
    pub username: Option<String>,
    pub confirmation_code: Option<String>,
    pub password: Option<String>,
    pub client_metadata: Option<StringMap>,
    /// ConfirmSignUp: the Session of SignUp.
    pub session: Option<String>,
}

/// Operations authorised by an AccessToken (GetUser, GlobalSignOut, device calls).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessTokenRequest {
    pub access_token: Option<String>,
    pub device_key: Option<String>,
    pub device_name: Option<String>,
    pub device_remembered_status: Option<String>,
    pub device_secret_verifier_config: Option<DeviceSecretVerifierConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceSecretVerifierConfig {
    pub password_verifier: Option<String>,
    pub salt: Option<String>,
}

/// AssociateSoftwareToken / VerifySoftwareToken: by AccessToken or by Session.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SoftwareToken {
    pub access_token: Option<String>,
    pub session: Option<String>,
    pub user_code: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTokensFromRefreshToken {
    pub refresh_token: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub device_key: Option<String>,
    pub client_metadata: Option<StringMap>,
}

/// The passkey operations (all by AccessToken).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebAuthnRequest {
    pub access_token: Option<String>,
    /// CompleteWebAuthnRegistration: RegistrationResponseJSON (a JSON document).
    pub credential: Option<Value>,
    pub credential_id: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

/// The account operations by AccessToken: ChangePassword, UpdateUserAttributes,
/// GetUserAttributeVerificationCode, VerifyUserAttribute, SetUserMFAPreference, ListDevices,
/// GetDevice, DeleteUser, GetUserAuthFactors.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountRequest {
    pub access_token: Option<String>,
    pub previous_password: Option<String>,
    pub proposed_password: Option<String>,
    pub user_attributes: Option<Vec<Attribute>>,
    pub attribute_name: Option<String>,
    pub code: Option<String>,
    #[serde(rename = "SMSMfaSettings")]
    pub sms_mfa_settings: Option<MfaSettings>,
    pub software_token_mfa_settings: Option<MfaSettings>,
    pub email_mfa_settings: Option<MfaSettings>,
    pub web_authn_mfa_settings: Option<MfaSettings>,
    pub limit: Option<i64>,
    pub pagination_token: Option<String>,
    pub device_key: Option<String>,
    pub client_metadata: Option<StringMap>,
}

/// `SMSMfaSettingsType` and its kin: `{Enabled, PreferredMfa}`.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaSettings {
    pub enabled: Option<bool>,
    pub preferred_mfa: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevokeToken {
    pub token: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrong_types_are_serialization_errors() {
        let error =
            parse::<InitiateAuth>(json!({"AuthParameters": "USERNAME=alice"})).expect_err("type");
        assert_eq!(error.kind, ErrorKind::Serialization);
        let error = parse::<InitiateAuth>(json!({"ClientMetadata": {"k": 1}})).expect_err("type");
        assert_eq!(error.kind, ErrorKind::Serialization);
        let error = parse::<InitiateAuth>(json!([1, 2])).expect_err("not an object");
        assert_eq!(error.kind, ErrorKind::Serialization);
    }

    #[test]
    fn missing_members_are_parameter_errors() {
        let request: InitiateAuth = parse(json!({"ClientId": "c", "Extra": [1]})).expect("parses");
        let error = required(&request.auth_flow, "authFlow").expect_err("missing");
        assert_eq!(error.kind, ErrorKind::InvalidParameter);
        assert!(error.message.contains("'authFlow'"));
        let error = parameter(&request.auth_parameters, "USERNAME").expect_err("missing");
        assert_eq!(error.message, "Missing required parameter USERNAME");
    }
}
