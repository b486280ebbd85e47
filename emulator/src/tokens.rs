//! RS256 JWTs with Cognito's claims, signed by a key generated at start, and their JWKS.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{Keypair, SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult, ErrorKind};

/// Key size of the signing key (Cognito uses RSA-2048).
pub const KEY_BITS: usize = 2048;

/// Signs and verifies the pool's tokens.
pub struct TokenSigner {
    signing: SigningKey<Sha256>,
    verifying: VerifyingKey<Sha256>,
    kid: String,
    jwk: Value,
    issuer: String,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner")
            .field("kid", &self.kid)
            .field("issuer", &self.issuer)
            .finish()
    }
}

/// What one sign-in (or refresh) puts into its tokens.
#[derive(Debug)]
pub struct Grant<'a> {
    pub username: &'a str,
    pub sub: &'a str,
    pub client_id: &'a str,
    pub attributes: &'a BTreeMap<String, String>,
    /// The sign-in this token descends from (shared by refreshes; what revocation targets).
    pub origin_jti: &'a str,
    pub auth_time: u64,
    pub device_key: Option<&'a str>,
    pub access_ttl: u64,
    pub id_ttl: u64,
    /// PreTokenGeneration's `claimsToAddOrOverride` (ID token).
    pub extra_id_claims: &'a Map<String, Value>,
    /// PreTokenGeneration's `claimsToSuppress` (ID token).
    pub suppressed_id_claims: &'a [String],
}

/// The claims of a valid access token that the API needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    pub username: String,
    pub sub: String,
    pub client_id: String,
    pub origin_jti: String,
}

impl TokenSigner {
    /// Generates a fresh key; `issuer` is `http://127.0.0.1:PORT/<poolId>`.
    pub fn generate(bits: usize, issuer: String) -> Result<Self, String> {
        let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, bits).map_err(|e| e.to_string())?;
        let n = key.n().to_bytes_be();
        let e = key.e().to_bytes_be();
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(&n)[..16]);
        let jwk = json!({
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(e),
            "kid": kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(n),
            "use": "sig",
        });
        let signing = SigningKey::<Sha256>::new(key);
        Ok(Self {
            verifying: signing.verifying_key(),
            signing,
            kid,
            jwk,
            issuer,
        })
    }

    /// `{"keys": [...]}` as served at `/<poolId>/.well-known/jwks.json`.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk] })
    }

    /// header.payload.signature with `{"kid", "alg": "RS256"}`.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({ "kid": self.kid, "alg": "RS256" });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.signing.sign(signing_input.as_bytes()).to_bytes();
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// The claims of a token this signer made; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<Map<String, Value>> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        if header.get("alg")? != "RS256" || header.get("kid")? != self.kid.as_str() {
            return None;
        }
        let signature =
            Signature::try_from(URL_SAFE_NO_PAD.decode(signature).ok()?.as_slice()).ok()?;
        let signed = token.rsplit_once('.')?.0;
        self.verifying.verify(signed.as_bytes(), &signature).ok()?;
        match serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()? {
            Value::Object(claims) => Some(claims),
            _ => None,
        }
    }

    /// (AccessToken, IdToken) for a grant at time `now`.
    pub fn issue(&self, grant: &Grant<'_>, now: u64) -> (String, String) {
        let event_id = crate::ids::uuid();
        let mut access = json!({
            "sub": grant.sub,
            "iss": self.issuer,
            "client_id": grant.client_id,
            "origin_jti": grant.origin_jti,
            "event_id": event_id,
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin",
            "auth_time": grant.auth_time,
            "exp": now + grant.access_ttl,
            "iat": now,
            "jti": crate::ids::uuid(),
            "username": grant.username,
        });
        if let (Some(device_key), Some(map)) = (grant.device_key, access.as_object_mut()) {
            map.insert("device_key".into(), device_key.into());
        }
        let mut id = Map::new();
        for (name, value) in grant.attributes {
            id.insert(name.clone(), attribute_claim(name, value));
        }
        id.extend(grant.extra_id_claims.clone());
        for name in grant.suppressed_id_claims {
            id.remove(name);
        }
        let standard = json!({
            "sub": grant.sub,
            "iss": self.issuer,
            "cognito:username": grant.username,
            "origin_jti": grant.origin_jti,
            "aud": grant.client_id,
            "event_id": event_id,
            "token_use": "id",
            "auth_time": grant.auth_time,
            "exp": now + grant.id_ttl,
            "iat": now,
            "jti": crate::ids::uuid(),
        });
        if let Value::Object(standard) = standard {
            id.extend(standard);
        }
        (self.sign(&access), self.sign(&Value::Object(id)))
    }

    /// Checks an AccessToken's signature, issuer, use and expiry (revocation is the store's job).
    pub fn verify_access(&self, token: &str, now: u64) -> ApiResult<AccessClaims> {
        let invalid = || ApiError::new(ErrorKind::NotAuthorized, "Invalid Access Token");
        let claims = self.verify(token).ok_or_else(invalid)?;
        let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
        let number = |name: &str| claims.get(name).and_then(Value::as_u64);
        if text("token_use").as_deref() != Some("access")
            || text("iss").as_deref() != Some(&self.issuer)
        {
            return Err(invalid());
        }
        if number("exp").ok_or_else(invalid)? <= now {
            return Err(ApiError::new(
                ErrorKind::NotAuthorized,
                "Access Token has expired",
            ));
        }
        Ok(AccessClaims {
            username: text("username").ok_or_else(invalid)?,
            sub: text("sub").ok_or_else(invalid)?,
            client_id: text("client_id").ok_or_else(invalid)?,
            origin_jti: text("origin_jti").ok_or_else(invalid)?,
        })
    }
}

/// `*_verified` attributes are booleans in the ID token, as Cognito emits them.
fn attribute_claim(name: &str, value: &str) -> Value {
    match (name.ends_with("_verified"), value) {
        (true, "true") => Value::Bool(true),
        (true, "false") => Value::Bool(false),
        _ => Value::String(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small key keeps the debug-build test fast; the server uses [`KEY_BITS`].
    fn signer() -> TokenSigner {
        TokenSigner::generate(1024, "http://127.0.0.1:1/us-east-1_T".into()).expect("key")
    }

    fn grant<'a>(
        attributes: &'a BTreeMap<String, String>,
        empty: &'a Map<String, Value>,
    ) -> Grant<'a> {
        Grant {
            username: "alice",
            sub: "sub-1",
            client_id: "client",
            attributes,
            origin_jti: "origin-1",
            auth_time: 1000,
            device_key: Some("us-east-1_dev"),
            access_ttl: 3600,
            id_ttl: 60,
            extra_id_claims: empty,
            suppressed_id_claims: &[],
        }
    }

    #[test]
    fn issue_then_verify_round_trip() {
        let signer = signer();
        let attributes = BTreeMap::from([
            ("email".to_owned(), "a@example.com".to_owned()),
            ("email_verified".to_owned(), "true".to_owned()),
        ]);
        let empty = Map::new();
        let (access, id) = signer.issue(&grant(&attributes, &empty), 1000);
        let claims = signer
            .verify_access(&access, 1001)
            .expect("valid access token");
        assert_eq!(claims.username, "alice");
        assert_eq!(claims.origin_jti, "origin-1");
        let id_claims = signer.verify(&id).expect("valid id token");
        assert_eq!(id_claims["aud"], "client");
        assert_eq!(id_claims["cognito:username"], "alice");
        assert_eq!(id_claims["email_verified"], true);
        assert_eq!(id_claims["exp"], 1060);
        assert_eq!(signer.jwks()["keys"][0]["kid"], signer.kid.as_str());
        // An ID token is not an access token.
        assert!(signer.verify_access(&id, 1001).is_err());
    }

    #[test]
    fn rejects_expired_tampered_and_foreign_tokens() {
        let signer = signer();
        let attributes = BTreeMap::new();
        let empty = Map::new();
        let (access, _) = signer.issue(&grant(&attributes, &empty), 1000);
        let expired = signer
            .verify_access(&access, 1000 + 3600)
            .expect_err("expired");
        assert_eq!(expired.message, "Access Token has expired");

        let (head, rest) = access.split_once('.').expect("jwt");
        let (_, signature) = rest.split_once('.').expect("jwt");
        let forged_claims =
            URL_SAFE_NO_PAD.encode(r#"{"token_use":"access","username":"mallory"}"#);
        assert!(signer
            .verify(&format!("{head}.{forged_claims}.{signature}"))
            .is_none());
        assert!(signer.verify("not.a.jwt").is_none());
        assert!(signer.verify("").is_none());

        let other = TokenSigner::generate(1024, signer.issuer.clone()).expect("key");
        assert!(other.verify(&access).is_none());
    }
}
