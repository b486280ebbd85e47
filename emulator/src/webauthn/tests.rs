use super::*;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::SigningKey;

const RP: &str = "localhost";
const ORIGIN: &str = "http://localhost:8080";

fn expected(challenge: &[u8]) -> Expected<'_> {
    Expected {
        challenge,
        rp_id: RP,
        user_verification: UserVerification::Required,
        allowed_origins: None,
    }
}

fn client_json(kind: &str, challenge: &[u8], origin: &str) -> Vec<u8> {
    serde_json::json!({"type": kind, "challenge": URL_SAFE_NO_PAD.encode(challenge), "origin": origin})
        .to_string()
        .into_bytes()
}

fn cose(key: &SigningKey, alg: i64) -> Cbor {
    let point = key.verifying_key().to_encoded_point(false);
    let coordinate =
        |b: Option<&p256::FieldBytes>| Cbor::Bytes(b.map(|b| b.to_vec()).unwrap_or_default());
    Cbor::Map(vec![
        (Cbor::from(1), Cbor::from(2)),
        (Cbor::from(3), Cbor::from(alg)),
        (Cbor::from(-1), Cbor::from(1)),
        (Cbor::from(-2), coordinate(point.x())),
        (Cbor::from(-3), coordinate(point.y())),
    ])
}

fn auth_bytes(rp: &str, flags: u8, count: u32, attested: Option<(&[u8], &Cbor)>) -> Vec<u8> {
    let mut out = Sha256::digest(rp.as_bytes()).to_vec();
    out.push(flags);
    out.extend_from_slice(&count.to_be_bytes());
    if let Some((id, key)) = attested {
        out.extend_from_slice(&[0; 16]);
        out.extend_from_slice(&u16::try_from(id.len()).unwrap_or(0).to_be_bytes());
        out.extend_from_slice(id);
        ciborium::ser::into_writer(key, &mut out).expect("cbor");
    }
    out
}

fn attestation(fmt: &str, statement: Vec<(Cbor, Cbor)>, auth: Vec<u8>) -> Vec<u8> {
    let object = Cbor::Map(vec![
        (Cbor::from("fmt"), Cbor::from(fmt)),
        (Cbor::from("attStmt"), Cbor::Map(statement)),
        (Cbor::from("authData"), Cbor::Bytes(auth)),
    ]);
    let mut out = Vec::new();
    ciborium::ser::into_writer(&object, &mut out).expect("cbor");
    out
}

fn register(key: &SigningKey, challenge: &[u8]) -> NewCredential {
    let auth = auth_bytes(RP, 0x45, 0, Some((b"cred-1", &cose(key, ES256))));
    let object = attestation("none", vec![], auth);
    verify_registration(
        &client_json("webauthn.create", challenge, ORIGIN),
        &object,
        &expected(challenge),
    )
    .expect("registration")
}

fn passkey(key: &SigningKey, count: u32) -> Passkey {
    Passkey {
        credential_id: b"cred-1".to_vec(),
        public_key: *key.verifying_key(),
        sign_count: count,
        relying_party_id: RP.into(),
        transports: vec![],
        attachment: None,
        created_at: 0,
        friendly_name: String::new(),
    }
}

fn sign(key: &SigningKey, auth: &[u8], client: &[u8]) -> Vec<u8> {
    let mut signed = auth.to_vec();
    signed.extend_from_slice(&Sha256::digest(client));
    let signature: Signature = key.sign(&signed);
    signature.to_der().as_bytes().to_vec()
}

#[test]
fn registration_reads_the_es256_key() {
    let key = SigningKey::random(&mut rand::rngs::OsRng);
    let credential = register(&key, b"challenge-1");
    assert_eq!(credential.credential_id, b"cred-1");
    assert_eq!(&credential.public_key, key.verifying_key());
}

#[test]
fn registration_refusals() {
    let key = SigningKey::random(&mut rand::rngs::OsRng);
    let challenge = b"challenge-1";
    let good_auth = auth_bytes(RP, 0x45, 0, Some((b"c", &cose(&key, ES256))));
    let client = client_json("webauthn.create", challenge, ORIGIN);
    let check =
        |client: &[u8], object: &[u8]| verify_registration(client, object, &expected(challenge));
    let none = attestation("none", vec![], good_auth.clone());
    assert!(check(&client, &none).is_ok());
    assert_eq!(
        check(&client_json("webauthn.create", b"other", ORIGIN), &none).err(),
        Some(Failure::ChallengeMismatch)
    );
    assert!(matches!(
        check(&client_json("webauthn.get", challenge, ORIGIN), &none),
        Err(Failure::Malformed(_))
    ));
    assert!(matches!(
        check(
            &client_json("webauthn.create", challenge, "https://evil.example"),
            &none
        ),
        Err(Failure::OriginNotAllowed(_))
    ));
    let other_rp = attestation(
        "none",
        vec![],
        auth_bytes("example.com", 0x45, 0, Some((b"c", &cose(&key, ES256)))),
    );
    assert_eq!(
        check(&client, &other_rp).err(),
        Some(Failure::RelyingPartyMismatch)
    );
    let no_uv = attestation(
        "none",
        vec![],
        auth_bytes(RP, 0x41, 0, Some((b"c", &cose(&key, ES256)))),
    );
    assert!(matches!(
        check(&client, &no_uv),
        Err(Failure::Unsupported(_))
    ));
    let rs256 = attestation(
        "none",
        vec![],
        auth_bytes(RP, 0x45, 0, Some((b"c", &cose(&key, -257)))),
    );
    assert!(matches!(check(&client, &rs256), Err(Failure::Unsupported(m)) if m.contains("-257")));
    let tpm = attestation("tpm", vec![], good_auth.clone());
    assert!(matches!(check(&client, &tpm), Err(Failure::Unsupported(_))));
    assert!(matches!(
        check(&client, b"\xff\x00"),
        Err(Failure::Malformed(_))
    ));
    let no_key = attestation("none", vec![], auth_bytes(RP, 0x05, 0, None));
    assert!(matches!(
        check(&client, &no_key),
        Err(Failure::Malformed(_))
    ));
    let mut truncated = good_auth;
    truncated.truncate(50);
    assert!(matches!(
        check(&client, &attestation("none", vec![], truncated)),
        Err(Failure::Malformed(_))
    ));
}

#[test]
fn packed_self_attestation_is_verified() {
    let key = SigningKey::random(&mut rand::rngs::OsRng);
    let challenge = b"challenge-2";
    let auth = auth_bytes(RP, 0x45, 0, Some((b"c", &cose(&key, ES256))));
    let client = client_json("webauthn.create", challenge, ORIGIN);
    let statement = |sig: Vec<u8>| {
        vec![
            (Cbor::from("alg"), Cbor::from(ES256)),
            (Cbor::from("sig"), Cbor::Bytes(sig)),
        ]
    };
    let good = attestation(
        "packed",
        statement(sign(&key, &auth, &client)),
        auth.clone(),
    );
    assert!(verify_registration(&client, &good, &expected(challenge)).is_ok());
    let other = SigningKey::random(&mut rand::rngs::OsRng);
    let forged = attestation("packed", statement(sign(&other, &auth, &client)), auth);
    assert_eq!(
        verify_registration(&client, &forged, &expected(challenge)).err(),
        Some(Failure::BadSignature)
    );
}

#[test]
fn assertions_verify_and_counters_grow() {
    let key = SigningKey::random(&mut rand::rngs::OsRng);
    let challenge = b"sign-in-1";
    let client = client_json("webauthn.get", challenge, ORIGIN);
    let auth = auth_bytes(RP, 0x05, 7, None);
    let signature = sign(&key, &auth, &client);
    let check = |passkey: &Passkey, auth: &[u8], client: &[u8], sig: &[u8]| {
        verify_assertion(client, auth, sig, passkey, &expected(challenge))
    };
    assert_eq!(check(&passkey(&key, 3), &auth, &client, &signature), Ok(7));
    assert_eq!(
        check(&passkey(&key, 7), &auth, &client, &signature),
        Err(Failure::CounterRegressed)
    );
    let other = SigningKey::random(&mut rand::rngs::OsRng);
    assert_eq!(
        check(&passkey(&other, 0), &auth, &client, &signature),
        Err(Failure::BadSignature)
    );
    assert_eq!(
        check(&passkey(&key, 0), &auth, &client, b"\x30\x00"),
        Err(Failure::BadSignature)
    );
    let replayed = client_json("webauthn.get", b"old", ORIGIN);
    assert_eq!(
        check(
            &passkey(&key, 0),
            &auth,
            &replayed,
            &sign(&key, &auth, &replayed)
        ),
        Err(Failure::ChallengeMismatch)
    );
    // A counter of zero on both sides is an authenticator without counters.
    let zero = auth_bytes(RP, 0x05, 0, None);
    assert_eq!(
        check(
            &passkey(&key, 0),
            &zero,
            &client,
            &sign(&key, &zero, &client)
        ),
        Ok(0)
    );
    let no_uv = auth_bytes(RP, 0x01, 9, None);
    assert!(matches!(
        check(
            &passkey(&key, 0),
            &no_uv,
            &client,
            &sign(&key, &no_uv, &client)
        ),
        Err(Failure::Unsupported(_))
    ));
    let preferred = Expected {
        user_verification: UserVerification::Preferred,
        ..expected(challenge)
    };
    assert_eq!(
        verify_assertion(
            &client,
            &no_uv,
            &sign(&key, &no_uv, &client),
            &passkey(&key, 0),
            &preferred
        ),
        Ok(9)
    );
}

#[test]
fn origins() {
    for (origin, rp, ok) in [
        ("http://localhost:8080", "localhost", true),
        ("http://localhost", "localhost", true),
        ("http://127.0.0.1:5173", "127.0.0.1", true),
        ("https://app.example.com", "example.com", true),
        ("https://example.com:8443", "example.com", true),
        ("http://example.com", "example.com", false),
        ("https://badexample.com", "example.com", false),
        ("http://127.0.0.1:8080", "localhost", false),
        ("https://localhost:x", "localhost", false),
        ("null", "localhost", false),
    ] {
        assert_eq!(origin_allowed(origin, rp, None), ok, "{origin} for {rp}");
    }
    let list = vec!["http://127.0.0.1:9000".to_owned()];
    assert!(origin_allowed(
        "http://127.0.0.1:9000",
        "localhost",
        Some(&list)
    ));
    assert!(!origin_allowed(
        "http://localhost:9000",
        "localhost",
        Some(&list)
    ));
}
