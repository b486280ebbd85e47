//! Passkey management by AccessToken: StartWebAuthnRegistration, CompleteWebAuthnRegistration,
//! ListWebAuthnCredentials and DeleteWebAuthnCredential; and the JSON shapes of WebAuthn
//! credentials (RegistrationResponseJSON, AuthenticationResponseJSON), all binary members
//! base64url.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::App;
use crate::config::{AuthFactor, WebAuthnConfig};
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::requests::{self, required};
use crate::store::User;
use crate::test_hooks::CallRecord;
use crate::user_auth::WEB_AUTHN_TIMEOUT_MS;
use crate::webauthn::{self, b64url, Expected, Failure, Passkey, RegistrationChallenge};
use crate::{ids, users};

/// Passkeys one user may register (StartWebAuthnRegistration answers LimitExceededException
/// beyond).
pub const MAX_PASSKEYS: usize = 20;
/// Largest page of ListWebAuthnCredentials (`MaxResults` ≤ 20 in the service model).
const MAX_RESULTS: usize = 20;
/// Bytes of a registration challenge.
const CHALLENGE_LEN: usize = 32;

/// The pool's WebAuthn configuration, or WebAuthnConfigurationMissingException.
pub fn configuration(app: &App) -> ApiResult<&WebAuthnConfig> {
    app.config.web_authn.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorKind::WebAuthnConfigurationMissing,
            "The user pool has no WebAuthn relying party id.",
        )
    })
}

/// Passkeys need WEB_AUTHN among the pool's first factors (WebAuthnNotEnabledException) and a
/// relying party id (WebAuthnConfigurationMissingException).
fn enabled(app: &App) -> ApiResult<&WebAuthnConfig> {
    if !app.config.sign_in_policy.allows(AuthFactor::WebAuthn) {
        return Err(ApiError::new(
            ErrorKind::WebAuthnNotEnabled,
            "Passkeys are not enabled: WEB_AUTHN is not among the user pool's AllowedFirstAuthFactors.",
        ));
    }
    configuration(app)
}

/// The WebAuthn user handle (`user.id`) of a user: the bytes of their `sub`.
pub fn user_handle(user: &User) -> &[u8] {
    user.sub.as_bytes()
}

/// The members of AuthenticationResponseJSON that are checked, decoded.
#[derive(Debug, Clone)]
pub struct Assertion {
    pub credential_id: Vec<u8>,
    pub client_data_json: Vec<u8>,
    pub authenticator_data: Vec<u8>,
    pub signature: Vec<u8>,
    pub user_handle: Option<Vec<u8>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssertionJson {
    id: Option<String>,
    raw_id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    response: Option<AssertionResponseJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssertionResponseJson {
    #[serde(rename = "clientDataJSON")]
    client_data_json: Option<String>,
    authenticator_data: Option<String>,
    signature: Option<String>,
    user_handle: Option<String>,
}

fn malformed(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorKind::InvalidParameter, message)
}

fn decode(value: Option<&String>, member: &str) -> ApiResult<Vec<u8>> {
    let text = value.ok_or_else(|| malformed(format!("The credential has no {member}.")))?;
    b64url(text, member).map_err(failure_message)
}

fn failure_message(failure: Failure) -> ApiError {
    match failure {
        Failure::Malformed(message) => malformed(message),
        other => malformed(format!("{other:?}")),
    }
}

/// CREDENTIAL of a WEB_AUTHN answer: a JSON string of AuthenticationResponseJSON.
pub fn parse_assertion(text: &str) -> ApiResult<Assertion> {
    let json: AssertionJson = serde_json::from_str(text)
        .map_err(|_| malformed("CREDENTIAL is not AuthenticationResponseJSON."))?;
    if json.kind.as_deref() != Some("public-key") {
        return Err(malformed("CREDENTIAL.type must be public-key."));
    }
    let response = json
        .response
        .ok_or_else(|| malformed("CREDENTIAL has no response."))?;
    Ok(Assertion {
        credential_id: decode(json.raw_id.as_ref().or(json.id.as_ref()), "rawId")?,
        client_data_json: decode(response.client_data_json.as_ref(), "clientDataJSON")?,
        authenticator_data: decode(response.authenticator_data.as_ref(), "authenticatorData")?,
        signature: decode(response.signature.as_ref(), "signature")?,
        user_handle: match response.user_handle.as_ref().filter(|h| !h.is_empty()) {
            Some(handle) => Some(decode(Some(handle), "userHandle")?),
            None => None,
        },
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegistrationJson {
    #[serde(rename = "type")]
    kind: Option<String>,
    authenticator_attachment: Option<String>,
    response: Option<RegistrationResponseJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegistrationResponseJson {
    #[serde(rename = "clientDataJSON")]
    client_data_json: Option<String>,
    attestation_object: Option<String>,
    #[serde(default)]
    transports: Vec<String>,
}

/// The user an AccessToken speaks for, and the app client it was issued to (also logged).
fn authorized(
    app: &App,
    record: &mut CallRecord,
    token: &Option<String>,
) -> ApiResult<(User, String)> {
    let (user, claims) = users::authorize_claims(app, required(token, "accessToken")?)?;
    record.username = Some(user.username.clone());
    record.client_id = Some(claims.client_id.clone());
    Ok((user, claims.client_id))
}

/// `StartWebAuthnRegistration` → `{CredentialCreationOptions}` (an object: PublicKeyCredential
/// CreationOptionsJSON). The challenge is single-use, bound to the token's app client, and
/// lives for the options' `timeout`.
pub fn start_registration(
    app: &App,
    record: &mut CallRecord,
    request: requests::WebAuthnRequest,
) -> ApiResult<Value> {
    let (user, client_id) = authorized(app, record, &request.access_token)?;
    let config = enabled(app)?;
    if user.passkeys.len() >= MAX_PASSKEYS {
        return Err(ApiError::new(
            ErrorKind::LimitExceeded,
            format!("A user can register at most {MAX_PASSKEYS} passkeys."),
        ));
    }
    let challenge = ids::random_bytes(CHALLENGE_LEN);
    let exclude: Vec<Value> = user
        .passkeys
        .iter()
        .map(|p| json!({ "id": p.id(), "type": "public-key", "transports": p.transports }))
        .collect();
    let options = json!({
        "rp": { "id": config.relying_party_id, "name": config.relying_party_id },
        "user": {
            "id": URL_SAFE_NO_PAD.encode(user_handle(&user)),
            "name": user.username,
            "displayName": user.username,
        },
        "challenge": URL_SAFE_NO_PAD.encode(&challenge),
        "pubKeyCredParams": [
            { "type": "public-key", "alg": webauthn::ES256 },
            { "type": "public-key", "alg": -257 },
        ],
        "timeout": WEB_AUTHN_TIMEOUT_MS,
        "excludeCredentials": exclude,
        "authenticatorSelection": {
            "requireResidentKey": true,
            "residentKey": "required",
            "userVerification": config.user_verification.as_str(),
        },
    });
    let pending = RegistrationChallenge {
        challenge,
        client_id,
        expires_at: app.now() + WEB_AUTHN_TIMEOUT_MS / 1000,
    };
    if let Some(stored) = app.pool().user_mut(&user.username) {
        stored.pending_registration = Some(pending);
    }
    Ok(json!({ "CredentialCreationOptions": options }))
}

/// `CompleteWebAuthnRegistration {AccessToken, Credential}` → `{}`: verifies the
/// RegistrationResponseJSON against the pending challenge (used up by this call) and stores
/// the passkey.
pub fn complete_registration(
    app: &App,
    record: &mut CallRecord,
    request: requests::WebAuthnRequest,
) -> ApiResult<Value> {
    let (user, client_id) = authorized(app, record, &request.access_token)?;
    let config = enabled(app)?;
    let credential: RegistrationJson =
        serde_json::from_value(required(&request.credential, "credential")?.clone())
            .map_err(|_| malformed("Credential is not RegistrationResponseJSON."))?;
    if credential.kind.as_deref() != Some("public-key") {
        return Err(malformed("Credential.type must be public-key."));
    }
    let response = credential
        .response
        .ok_or_else(|| malformed("Credential has no response."))?;
    let client_data_json = decode(response.client_data_json.as_ref(), "clientDataJSON")?;
    let attestation_object = decode(response.attestation_object.as_ref(), "attestationObject")?;
    let now = app.now();
    let pending = app
        .pool()
        .user_mut(&user.username)
        .and_then(|u| u.pending_registration.take())
        .filter(|p| p.expires_at > now)
        .ok_or_else(challenge_not_found)?;
    if pending.client_id != client_id {
        return Err(ApiError::new(
            ErrorKind::WebAuthnClientMismatch,
            "The access token is for another app client than StartWebAuthnRegistration's.",
        ));
    }
    let expected = Expected {
        challenge: &pending.challenge,
        rp_id: &config.relying_party_id,
        user_verification: config.user_verification,
        allowed_origins: config.allowed_origins.as_deref(),
    };
    let new = webauthn::verify_registration(&client_data_json, &attestation_object, &expected)
        .map_err(|failure| match failure {
            Failure::ChallengeMismatch => challenge_not_found(),
            Failure::OriginNotAllowed(origin) => ApiError::new(
                ErrorKind::WebAuthnOriginNotAllowed,
                format!(
                    "The origin {origin} is not allowed for relying party {}.",
                    config.relying_party_id
                ),
            ),
            Failure::RelyingPartyMismatch => ApiError::new(
                ErrorKind::WebAuthnRelyingPartyMismatch,
                format!(
                    "The credential is not for relying party {}.",
                    config.relying_party_id
                ),
            ),
            Failure::Unsupported(message) => {
                ApiError::new(ErrorKind::WebAuthnCredentialNotSupported, message)
            }
            Failure::BadSignature => malformed("The attestation signature does not verify."),
            other => failure_message(other),
        })?;
    let mut pool = app.pool();
    if pool.passkey_owner(&new.credential_id).is_some() {
        return Err(malformed("This credential is already registered."));
    }
    let stored = pool
        .user_mut(&user.username)
        .ok_or_else(ApiError::user_not_found)?;
    let passkey = Passkey {
        friendly_name: format!("Passkey {}", stored.passkeys.len() + 1),
        credential_id: new.credential_id,
        public_key: new.public_key,
        sign_count: new.sign_count,
        relying_party_id: config.relying_party_id.clone(),
        transports: response.transports,
        attachment: credential.authenticator_attachment,
        created_at: now,
    };
    stored.passkeys.push(passkey);
    Ok(json!({}))
}

fn challenge_not_found() -> ApiError {
    ApiError::new(
        ErrorKind::WebAuthnChallengeNotFound,
        "No registration challenge is pending: it was used, has expired, or was never issued.",
    )
}

/// `ListWebAuthnCredentials {AccessToken, NextToken?, MaxResults?}` (MaxResults 0-20; 0 or
/// absent means 20), oldest first.
pub fn list(
    app: &App,
    record: &mut CallRecord,
    request: requests::WebAuthnRequest,
) -> ApiResult<Value> {
    let (user, _) = authorized(app, record, &request.access_token)?;
    let limit = match request.max_results {
        None | Some(0) => MAX_RESULTS,
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|n| *n <= MAX_RESULTS)
            .ok_or_else(|| {
                malformed(format!("1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and 20"))
            })?,
    };
    let start = match &request.next_token {
        Some(token) => page_start(token)?,
        None => 0,
    };
    let page: Vec<Value> = user
        .passkeys
        .iter()
        .skip(start)
        .take(limit)
        .map(describe)
        .collect();
    let mut body = json!({ "Credentials": page });
    let next = start + limit;
    if let (true, Some(map)) = (next < user.passkeys.len(), body.as_object_mut()) {
        map.insert("NextToken".into(), page_token(next).into());
    }
    Ok(body)
}

/// A pagination token: an opaque rendering of the next offset.
pub fn page_token(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("page:{offset}"))
}

/// The offset a pagination token stands for.
pub fn page_start(token: &str) -> ApiResult<usize> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("page:")?.parse().ok())
        .ok_or_else(|| malformed("The pagination token is not valid."))
}

/// A WebAuthnCredentialDescription.
fn describe(passkey: &Passkey) -> Value {
    let mut description = json!({
        "CredentialId": passkey.id(),
        "FriendlyCredentialName": passkey.friendly_name,
        "RelyingPartyId": passkey.relying_party_id,
        "AuthenticatorTransports": passkey.transports,
        "CreatedAt": passkey.created_at,
    });
    if let (Some(attachment), Some(map)) = (&passkey.attachment, description.as_object_mut()) {
        map.insert("AuthenticatorAttachment".into(), attachment.clone().into());
    }
    description
}

/// `DeleteWebAuthnCredential {AccessToken, CredentialId}` → `{}`.
pub fn delete(
    app: &App,
    record: &mut CallRecord,
    request: requests::WebAuthnRequest,
) -> ApiResult<Value> {
    let (user, _) = authorized(app, record, &request.access_token)?;
    let id = required(&request.credential_id, "credentialId")?;
    let mut pool = app.pool();
    let stored = pool
        .user_mut(&user.username)
        .ok_or_else(ApiError::user_not_found)?;
    let before = stored.passkeys.len();
    stored
        .passkeys
        .retain(|p| p.id() != id.trim_end_matches('='));
    if stored.passkeys.len() == before {
        return Err(ApiError::new(
            ErrorKind::ResourceNotFound,
            "The credential does not exist.",
        ));
    }
    Ok(json!({}))
}
