//! Known answers from the reference (§B.5) and the bad inputs the client must refuse.
//!
//! Runs natively (`cargo test`) and, unchanged, in headless Chromium (`tests/wasm/run.sh`): on
//! wasm32 the `#[test]` below is `wasm_bindgen_test`, imported under that name.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use cognito_wasm::secret_hash::secret_hash;
use cognito_wasm::srp::server::SrpServer;
use cognito_wasm::srp::{password_verifier, Credentials, EphemeralSecret, SrpClient};
use cognito_wasm::timestamp::{format_timestamp, parse_timestamp};
use cognito_wasm::SrpError;

const POOL_NAME: &str = "ABCdef123";
const USER_ID: &str = "alice-internal-id";
const PASSWORD: &str = "Passw0rd!";
const SALT: &str = "9c8f1a2b3c4d5e6f708192a3b4c5d6e7";
const TIMESTAMP: &str = "Tue Sep 3 07:05:09 UTC 2024";
/// Base64 of the bytes 0x00..=0x3f.
const SECRET_BLOCK: &str =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";
/// N in hex, to build out-of-range B values.
const N_HEX: &str = "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff";

fn credentials() -> Credentials<'static> {
    Credentials {
        realm: POOL_NAME,
        user_id: USER_ID,
        password: PASSWORD,
    }
}

fn client() -> SrpClient {
    SrpClient::new(EphemeralSecret::from_be_slice(&[0x1f; 128]).unwrap()).unwrap()
}

fn server() -> SrpServer {
    let salt = cognito_wasm::srp::parse_hex(SALT, "SALT").unwrap();
    let verifier = password_verifier(credentials(), &salt);
    SrpServer::new(
        &verifier,
        EphemeralSecret::from_be_slice(&[0x2e; 32]).unwrap(),
    )
    .unwrap()
}

#[test]
fn reference_vector() {
    let client = client();
    let srp_a = client.srp_a();
    assert_eq!(srp_a.len(), 768);
    assert!(srp_a.starts_with("3714ef8f70efe61f"), "{srp_a}");
    let server = server();
    let srp_b = server.srp_b();
    assert!(srp_b.starts_with("1b2620fbcfb4f335"), "{srp_b}");
    let u = cognito_wasm::srp::scrambler(&srp_a, &srp_b).unwrap();
    assert_eq!(
        hex(&u),
        "324f29ba613ec69ea5aae3045e85f627f474f91cd82675f75dc079d2a6f2b68d"
    );

    let key = client
        .process_challenge(credentials(), SALT, &srp_b)
        .unwrap();
    assert_eq!(hex(key.key_bytes()), "f3b11150fd194a8bfcb09ae5340b8fd2");
    let claim = key.sign(SECRET_BLOCK, TIMESTAMP).unwrap();
    assert_eq!(
        claim.signature,
        "dRy52NlSo9MZOyduwDnXGVdX80uDf1WEvnMP4wPO6j8="
    );
    assert_eq!(claim.timestamp, TIMESTAMP);

    let server_key = server.process_client(POOL_NAME, USER_ID, &srp_a).unwrap();
    assert_eq!(server_key.key_bytes(), key.key_bytes());
    assert!(server_key.verify(SECRET_BLOCK, TIMESTAMP, &claim.signature));
    assert!(!server_key.verify(
        SECRET_BLOCK,
        "Tue Sep 3 07:05:10 UTC 2024",
        &claim.signature
    ));
}

#[test]
fn reference_timestamp() {
    // 2024-09-03T07:05:09Z, the vector's signing time.
    assert_eq!(format_timestamp(1_725_347_109), TIMESTAMP);
    assert_eq!(parse_timestamp(TIMESTAMP), Some(1_725_347_109));
}

#[test]
fn wrong_password_gives_a_different_signature() {
    let server = server();
    let srp_b = server.srp_b();
    let client = client();
    let srp_a = client.srp_a();
    let wrong = Credentials {
        password: "Passw0rd?",
        ..credentials()
    };
    let key = client.process_challenge(wrong, SALT, &srp_b).unwrap();
    let claim = key.sign(SECRET_BLOCK, TIMESTAMP).unwrap();
    let server_key = server.process_client(POOL_NAME, USER_ID, &srp_a).unwrap();
    assert!(!server_key.verify(SECRET_BLOCK, TIMESTAMP, &claim.signature));
}

#[test]
fn salt_and_b_are_canonicalised_as_integers() {
    let srp_b = server().srp_b();
    let plain = client()
        .process_challenge(credentials(), SALT, &srp_b)
        .unwrap();
    let padded_salt = format!("0000{SALT}");
    let padded_b = format!("00{}", srp_b.to_uppercase());
    let padded = client()
        .process_challenge(credentials(), &padded_salt, &padded_b)
        .unwrap();
    assert_eq!(plain.key_bytes(), padded.key_bytes());
}

#[test]
fn secret_hash_vector() {
    assert_eq!(
        secret_hash("secretXYZ", "alice", "clientid123"),
        "/hgJmhBZI7KUrkWNCe+PeCu4RTlYu+8q5Rs3h3WZ6qc="
    );
}

fn challenge(salt: &str, srp_b: &str) -> SrpError {
    client()
        .process_challenge(credentials(), salt, srp_b)
        .unwrap_err()
}

#[test]
fn bad_server_values_are_typed_errors() {
    let srp_b = server().srp_b();
    assert_eq!(
        challenge(SALT, "0"),
        SrpError::IllegalPublicValue { field: "SRP_B" }
    );
    assert_eq!(
        challenge(SALT, "000"),
        SrpError::IllegalPublicValue { field: "SRP_B" }
    );
    assert_eq!(
        challenge(SALT, N_HEX),
        SrpError::IllegalPublicValue { field: "SRP_B" }
    );
    assert_eq!(
        challenge(SALT, "xyz"),
        SrpError::InvalidHex { field: "SRP_B" }
    );
    assert_eq!(challenge(SALT, ""), SrpError::Empty { field: "SRP_B" });
    assert_eq!(
        challenge(&format!("{SALT}g"), &srp_b),
        SrpError::InvalidHex { field: "SALT" }
    );
    assert_eq!(challenge("", &srp_b), SrpError::Empty { field: "SALT" });
    let too_big = format!("1{N_HEX}");
    assert_eq!(
        challenge(SALT, &too_big),
        SrpError::OutOfRange { field: "SRP_B" }
    );
}

#[test]
fn b_above_n_is_reduced_not_refused() {
    // N + 1 ≡ 1 (mod N): a legal, if useless, B. It must not be mistaken for zero.
    let n_plus_one = N_HEX.replace("caffffffffffffffff", "cb0000000000000000");
    assert!(client()
        .process_challenge(credentials(), SALT, &n_plus_one)
        .is_ok());
}

#[test]
fn bad_secret_block_is_a_typed_error() {
    let key = client()
        .process_challenge(credentials(), SALT, &server().srp_b())
        .unwrap();
    for bad in ["", "***", "AAAA*AAA"] {
        assert_eq!(
            key.sign(bad, TIMESTAMP).unwrap_err(),
            SrpError::InvalidBase64 {
                field: "SECRET_BLOCK"
            }
        );
    }
    // URL-safe and unpadded Base64 are accepted, as Amplify does.
    let standard = key.sign(SECRET_BLOCK, TIMESTAMP).unwrap();
    let url_safe = SECRET_BLOCK.replace('+', "-").replace('/', "_");
    assert_eq!(
        key.sign(url_safe.trim_end_matches('='), TIMESTAMP).unwrap(),
        standard
    );
}

#[test]
fn server_refuses_a_zero_mod_n() {
    let err = server()
        .process_client(POOL_NAME, USER_ID, N_HEX)
        .unwrap_err();
    assert_eq!(err, SrpError::IllegalPublicValue { field: "SRP_A" });
}

#[test]
fn secrets_print_redacted() {
    let secret = EphemeralSecret::from_be_slice(&[0x1f; 128]).unwrap();
    assert_eq!(format!("{secret:?}"), "EphemeralSecret([redacted])");
    let key = client()
        .process_challenge(credentials(), SALT, &server().srp_b())
        .unwrap();
    assert_eq!(format!("{key:?}"), "SessionKey([redacted])");
    let shown = format!("{:?}", credentials());
    assert!(!shown.contains(PASSWORD), "{shown}");
    let device = cognito_wasm::srp::DeviceVerifier::generate("g", "d", &[7; 40], &[9; 16]);
    assert!(!format!("{device:?}").contains(&device.device_password));
}

#[test]
fn pool_name_is_after_the_underscore() {
    assert_eq!(
        cognito_wasm::srp::pool_name("us-east-1_AbC123"),
        Ok("AbC123")
    );
    assert_eq!(
        cognito_wasm::srp::pool_name("nounderscore"),
        Err(SrpError::InvalidPoolId)
    );
    assert_eq!(
        cognito_wasm::srp::pool_name("us-east-1_"),
        Err(SrpError::InvalidPoolId)
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
