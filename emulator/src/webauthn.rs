//! WebAuthn verification for passkeys (W3C Web Authentication Level 2): registration (§7.1)
//! with attestation `none` or packed self-attestation and ES256 keys only, and assertions
//! (§7.2) with ES256 signatures, single-use challenges and a monotonic signature counter.
//! What the calls answer when a check fails is the caller's business (see `Failure`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ciborium::value::Value as Cbor;
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::config::UserVerification;

/// authenticatorData flags (§6.1).
const USER_PRESENT: u8 = 0x01;
const USER_VERIFIED: u8 = 0x04;
const ATTESTED_DATA: u8 = 0x40;
/// COSE algorithm ES256 and the EC2 key parameters (RFC 9053).
pub const ES256: i64 = -7;
const COSE_KTY_EC2: i128 = 2;
const COSE_CRV_P256: i128 = 1;
/// Longest credential id the spec allows (§5.1 `rawId` / credential id < 1024 bytes).
const MAX_CREDENTIAL_ID: usize = 1023;

/// A registered passkey.
#[derive(Debug, Clone)]
pub struct Passkey {
    pub credential_id: Vec<u8>,
    pub public_key: VerifyingKey,
    pub sign_count: u32,
    pub relying_party_id: String,
    pub transports: Vec<String>,
    pub attachment: Option<String>,
    pub created_at: u64,
    pub friendly_name: String,
}

impl Passkey {
    /// The credential id as the API shows it (base64url without padding).
    pub fn id(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.credential_id)
    }
}

/// The challenge of one StartWebAuthnRegistration.
#[derive(Debug, Clone)]
pub struct RegistrationChallenge {
    pub challenge: Vec<u8>,
    /// The app client of the access token that asked for it.
    pub client_id: String,
    pub expires_at: u64,
}

/// Why a credential or assertion was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Not the shape WebAuthn defines (bad base64url, JSON, CBOR, lengths, `type`).
    Malformed(String),
    /// clientDataJSON's challenge is not the one issued.
    ChallengeMismatch,
    /// clientDataJSON's origin is not allowed for the relying party.
    OriginNotAllowed(String),
    /// authenticatorData's rpIdHash is not SHA-256 of the relying party id.
    RelyingPartyMismatch,
    /// An algorithm, attestation format or flag set this pool does not accept.
    Unsupported(String),
    /// The signature does not verify.
    BadSignature,
    /// The signature counter did not grow (a cloned authenticator, §7.2 step 21).
    CounterRegressed,
}

/// What the relying party expects of a ceremony.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub challenge: &'a [u8],
    pub rp_id: &'a str,
    pub user_verification: UserVerification,
    pub allowed_origins: Option<&'a [String]>,
}

/// A credential that passed registration.
#[derive(Debug, Clone)]
pub struct NewCredential {
    pub credential_id: Vec<u8>,
    pub public_key: VerifyingKey,
    pub sign_count: u32,
}

/// base64url, padded or not (WebAuthn JSON uses it without padding).
pub fn b64url(text: &str, what: &str) -> Result<Vec<u8>, Failure> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| Failure::Malformed(format!("{what} is not base64url.")))
}

/// Whether `origin` may speak for `rp_id`. With `allowed` (the pool's `allowedOrigins`) the
/// origin must be one of them exactly. Without, it must be `https://` on the relying party id
/// or a subdomain of it, or `http://` when that host is `localhost` (or a subdomain of it) or
/// `127.0.0.1`, the loopback hosts browsers treat as secure contexts; any port.
pub fn origin_allowed(origin: &str, rp_id: &str, allowed: Option<&[String]>) -> bool {
    if let Some(allowed) = allowed {
        return allowed.iter().any(|o| o.trim_end_matches('/') == origin);
    }
    let (secure, rest) = match origin.split_once("://") {
        Some(("https", rest)) => (true, rest),
        Some(("http", rest)) => (false, rest),
        _ => return false,
    };
    let host = match rest.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return false,
        None => rest,
    };
    let host = host.to_ascii_lowercase();
    let rp_id = rp_id.to_ascii_lowercase();
    let within = host == rp_id || host.ends_with(&format!(".{rp_id}"));
    let loopback = host == "localhost" || host.ends_with(".localhost") || host == "127.0.0.1";
    within && (secure || loopback)
}

#[derive(Deserialize)]
struct RawClientData {
    #[serde(rename = "type")]
    kind: String,
    challenge: String,
    origin: String,
}

/// The parts of clientDataJSON (§5.8.1) that are checked.
#[derive(Debug)]
struct ClientData {
    kind: String,
    challenge: Vec<u8>,
    origin: String,
}

fn client_data(json: &[u8]) -> Result<ClientData, Failure> {
    let raw: RawClientData = serde_json::from_slice(json).map_err(|_| {
        Failure::Malformed("clientDataJSON is not the JSON WebAuthn defines.".into())
    })?;
    Ok(ClientData {
        kind: raw.kind,
        challenge: b64url(&raw.challenge, "clientDataJSON.challenge")?,
        origin: raw.origin,
    })
}

/// The parts of authenticatorData (§6.1) that are checked.
#[derive(Debug)]
struct AuthData {
    rp_id_hash: [u8; 32],
    flags: u8,
    sign_count: u32,
    /// Attested credential data (§6.5.1): credential id and COSE key.
    attested: Option<(Vec<u8>, Cbor)>,
}

fn auth_data(bytes: &[u8]) -> Result<AuthData, Failure> {
    let short = || Failure::Malformed("authenticatorData is too short.".into());
    let rp_id_hash: [u8; 32] = bytes
        .get(..32)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(short)?;
    let flags = *bytes.get(32).ok_or_else(short)?;
    let count: [u8; 4] = bytes
        .get(33..37)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(short)?;
    let attested = if flags & ATTESTED_DATA != 0 {
        // aaguid (16 bytes), then the credential id's length (u16) and the id itself.
        let length: [u8; 2] = bytes
            .get(53..55)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(short)?;
        let end = 55 + usize::from(u16::from_be_bytes(length));
        let id = bytes.get(55..end).ok_or_else(short)?.to_vec();
        if id.is_empty() || id.len() > MAX_CREDENTIAL_ID {
            return Err(Failure::Malformed(
                "The credential id is 1-1023 bytes.".into(),
            ));
        }
        let key: Cbor = ciborium::de::from_reader(bytes.get(end..).ok_or_else(short)?)
            .map_err(|_| Failure::Malformed("The credential public key is not CBOR.".into()))?;
        Some((id, key))
    } else {
        None
    };
    Ok(AuthData {
        rp_id_hash,
        flags,
        sign_count: u32::from_be_bytes(count),
        attested,
    })
}

fn cbor_int(value: &Cbor) -> Option<i128> {
    value.as_integer().map(i128::from)
}

/// The entry of a CBOR map under the integer `key`.
fn int_entry(map: &[(Cbor, Cbor)], key: i128) -> Option<&Cbor> {
    map.iter()
        .find(|(k, _)| cbor_int(k) == Some(key))
        .map(|(_, v)| v)
}

/// The entry of a CBOR map under the text `key`.
fn text_entry<'a>(map: &'a [(Cbor, Cbor)], key: &str) -> Option<&'a Cbor> {
    map.iter()
        .find(|(k, _)| k.as_text() == Some(key))
        .map(|(_, v)| v)
}

/// A COSE_Key (RFC 9052 §7) that must be EC2 / ES256 / P-256.
fn cose_es256_key(key: &Cbor) -> Result<VerifyingKey, Failure> {
    let map = key
        .as_map()
        .ok_or_else(|| Failure::Malformed("The credential public key is not a COSE map.".into()))?;
    let alg = int_entry(map, 3).and_then(cbor_int);
    if alg != Some(i128::from(ES256)) {
        let shown = alg.map_or_else(|| "none".to_owned(), |a| a.to_string());
        return Err(Failure::Unsupported(format!(
            "The credential uses COSE algorithm {shown}; this user pool supports ES256 (-7) only."
        )));
    }
    if int_entry(map, 1).and_then(cbor_int) != Some(COSE_KTY_EC2)
        || int_entry(map, -1).and_then(cbor_int) != Some(COSE_CRV_P256)
    {
        return Err(Failure::Unsupported(
            "An ES256 credential key must be an EC2 key on P-256.".into(),
        ));
    }
    let coordinate = |label| {
        int_entry(map, label)
            .and_then(Cbor::as_bytes)
            .filter(|b| b.len() == 32)
            .ok_or_else(|| Failure::Malformed("The EC2 key needs 32-byte x and y.".into()))
    };
    let mut sec1 = vec![0x04];
    sec1.extend_from_slice(coordinate(-2)?);
    sec1.extend_from_slice(coordinate(-3)?);
    VerifyingKey::from_sec1_bytes(&sec1)
        .map_err(|_| Failure::Malformed("The EC2 key is not a point on P-256.".into()))
}

/// Verifies an ES256 DER signature over authenticatorData ‖ SHA-256(clientDataJSON).
fn signature_valid(
    key: &VerifyingKey,
    auth_data: &[u8],
    client_data_json: &[u8],
    der: &[u8],
) -> bool {
    let Ok(signature) = Signature::from_der(der) else {
        return false;
    };
    // (r, s) and (r, n - s) verify alike; authenticators may send either.
    let signature = signature.normalize_s().unwrap_or(signature);
    let mut signed = auth_data.to_vec();
    signed.extend_from_slice(&Sha256::digest(client_data_json));
    key.verify(&signed, &signature).is_ok()
}

/// The checks shared by both ceremonies: clientDataJSON type, challenge and origin, then
/// rpIdHash and the UP / UV flags.
fn common_checks(
    client_data_json: &[u8],
    auth: &AuthData,
    kind: &str,
    expected: &Expected<'_>,
) -> Result<(), Failure> {
    let client = client_data(client_data_json)?;
    if client.kind != kind {
        return Err(Failure::Malformed(format!(
            "clientDataJSON.type is {:?}, not {kind}.",
            client.kind
        )));
    }
    if client.challenge != expected.challenge {
        return Err(Failure::ChallengeMismatch);
    }
    if !origin_allowed(&client.origin, expected.rp_id, expected.allowed_origins) {
        return Err(Failure::OriginNotAllowed(client.origin));
    }
    if auth.rp_id_hash[..] != Sha256::digest(expected.rp_id.as_bytes())[..] {
        return Err(Failure::RelyingPartyMismatch);
    }
    if auth.flags & USER_PRESENT == 0 {
        return Err(Failure::Unsupported(
            "The authenticator did not report user presence (UP).".into(),
        ));
    }
    if expected.user_verification == UserVerification::Required && auth.flags & USER_VERIFIED == 0 {
        return Err(Failure::Unsupported(
            "The user pool requires user verification (UV) and the authenticator did not verify the user.".into(),
        ));
    }
    Ok(())
}

/// Registration (§7.1): the new credential, from clientDataJSON and attestationObject.
pub fn verify_registration(
    client_data_json: &[u8],
    attestation_object: &[u8],
    expected: &Expected<'_>,
) -> Result<NewCredential, Failure> {
    let object: Cbor = ciborium::de::from_reader(attestation_object)
        .map_err(|_| Failure::Malformed("attestationObject is not CBOR.".into()))?;
    let malformed =
        || Failure::Malformed("attestationObject needs fmt, attStmt and authData.".into());
    let map = object.as_map().ok_or_else(malformed)?;
    let fmt = text_entry(map, "fmt")
        .and_then(Cbor::as_text)
        .ok_or_else(malformed)?;
    let statement = text_entry(map, "attStmt")
        .and_then(Cbor::as_map)
        .ok_or_else(malformed)?;
    let raw_auth = text_entry(map, "authData")
        .and_then(Cbor::as_bytes)
        .ok_or_else(malformed)?;
    let auth = auth_data(raw_auth)?;
    common_checks(client_data_json, &auth, "webauthn.create", expected)?;
    let (credential_id, cose) = auth.attested.as_ref().ok_or_else(|| {
        Failure::Malformed("authenticatorData has no attested credential data.".into())
    })?;
    let public_key = cose_es256_key(cose)?;
    match fmt {
        "none" if statement.is_empty() => {}
        "none" => {
            return Err(Failure::Malformed(
                "attStmt of fmt none must be empty.".into(),
            ))
        }
        "packed" if text_entry(statement, "x5c").is_none() => {
            // Self attestation (§8.2): signed by the credential key itself.
            if text_entry(statement, "alg").and_then(cbor_int) != Some(i128::from(ES256)) {
                return Err(Failure::Unsupported(
                    "packed self attestation must use ES256.".into(),
                ));
            }
            let signature = text_entry(statement, "sig").and_then(Cbor::as_bytes);
            if !signature
                .is_some_and(|sig| signature_valid(&public_key, raw_auth, client_data_json, sig))
            {
                return Err(Failure::BadSignature);
            }
        }
        other => {
            return Err(Failure::Unsupported(format!(
            "Attestation format {other:?} is not supported: use none (or packed self attestation)."
        )))
        }
    }
    Ok(NewCredential {
        credential_id: credential_id.clone(),
        public_key,
        sign_count: auth.sign_count,
    })
}

/// Assertion (§7.2) by `passkey`: its new signature counter.
pub fn verify_assertion(
    client_data_json: &[u8],
    authenticator_data: &[u8],
    signature: &[u8],
    passkey: &Passkey,
    expected: &Expected<'_>,
) -> Result<u32, Failure> {
    let auth = auth_data(authenticator_data)?;
    common_checks(client_data_json, &auth, "webauthn.get", expected)?;
    if !signature_valid(
        &passkey.public_key,
        authenticator_data,
        client_data_json,
        signature,
    ) {
        return Err(Failure::BadSignature);
    }
    let (stored, new) = (passkey.sign_count, auth.sign_count);
    if (stored != 0 || new != 0) && new <= stored {
        return Err(Failure::CounterRegressed);
    }
    Ok(new)
}

#[cfg(test)]
mod tests;
