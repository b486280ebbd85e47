//! The fuzz entry points, shared by the cargo-fuzz targets (`fuzz/fuzz_targets/*.rs`, nightly,
//! `make fuzz`) and by the corpus replay on stable (`tests/fuzz_corpus.rs`, `make test`).
//!
//! Each entry takes arbitrary bytes and panics only when an invariant breaks: outside data must
//! come back as a value or a typed error, never as a panic, and what parses must round-trip.
//! To add a target: an entry function here (or in a file `mod`-ed in here), its line in
//! [`ENTRIES`], the one-line `fuzz_targets/<name>.rs` and its `[[bin]]` in `fuzz/Cargo.toml`;
//! the corpus replay fails until all four and `fuzz/corpus/<name>/` exist.

use std::sync::OnceLock;

#[path = "../tests/common/env.rs"]
mod env;

use env::TestEnv;

use cognito_wasm::engine::Engine;
use cognito_wasm::json::Json;
use cognito_wasm::srp::{
    pad_hex_bytes, parse_hex, scrambler, Credentials, EphemeralSecret, SessionKey, SrpClient,
};
use cognito_wasm::timestamp::{format_timestamp, parse_timestamp};
use cognito_wasm::wire::{AuthReply, HttpReply};
use cognito_wasm::{base64, SrpError};

/// A fuzz entry: arbitrary bytes in, a panic only when an invariant breaks.
pub type Entry = fn(&[u8]);

/// Every target: its name (the binary, and the folder under `fuzz/corpus/`) and its entry.
pub const ENTRIES: &[(&str, Entry)] = &[
    ("json", json),
    ("wire", wire),
    ("srp_inputs", srp_inputs),
    ("srp_challenge", srp_challenge),
    ("timestamp", timestamp),
    ("encodings", encodings),
    ("engine", engine),
    ("stored", stored),
];

/// Runs the entry named `name` (how each fuzz target binary, named after it, finds its own).
pub fn run(name: &str, data: &[u8]) {
    match ENTRIES.iter().find(|(entry, _)| *entry == name) {
        Some((_, entry)) => entry(data),
        None => panic!("no fuzz entry named {name}"),
    }
}

/// `Json::parse`: a value re-encodes to text that parses to the same value; an error points
/// inside the text.
pub fn json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Json::parse(text) {
        Ok(value) => assert_eq!(Json::parse(&value.encode()), Ok(value)),
        Err(error) => assert!(
            error.at <= text.len(),
            "error offset {} past the end",
            error.at
        ),
    }
}

/// A reply as the transport hands it over: the first byte picks the status (2xx, 4xx or 5xx)
/// and whether an `x-amzn-ErrorType` header came, the rest is the body. `into_json` and
/// `AuthReply::parse` return values or typed errors.
pub fn wire(data: &[u8]) {
    let Some((&head, body)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    let status = [200, 400, 500, 204][usize::from(head & 3)];
    let parsed = Json::parse(text).ok();
    let header: String = text.chars().take(64).collect();
    let reply = HttpReply {
        status,
        body: text,
        error_type: (head & 4 != 0).then_some(header.as_str()),
        request_id: Some("fuzz-request"),
    };
    match reply.into_json() {
        Ok(json) => {
            assert!((200..300).contains(&status));
            assert_eq!(Some(&json), parsed.as_ref());
            if let Ok(AuthReply::Challenge(challenge)) = AuthReply::parse(&json) {
                assert!(!challenge.name.is_empty());
            }
        }
        Err(error) => assert!(!error.name().is_empty()),
    }
}

/// The fields of an SRP input, one per line (lines past the last are empty).
fn fields<const N: usize>(data: &[u8]) -> Option<[&str; N]> {
    let text = std::str::from_utf8(data).ok()?;
    let mut lines = text.split('\n');
    Some(std::array::from_fn(|_| lines.next().unwrap_or("")))
}

/// A session key of the reference sign-in (§B.5), derived once per process.
fn reference_key() -> &'static SessionKey {
    static KEY: OnceLock<SessionKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let (client, srp_b) = reference_client();
        client
            .process_challenge(REFERENCE, REFERENCE_SALT, &srp_b)
            .expect("the reference vector's inputs are valid")
    })
}

const REFERENCE: Credentials<'static> = Credentials {
    realm: "ABCdef123",
    user_id: "alice-internal-id",
    password: "Passw0rd!",
};
const REFERENCE_SALT: &str = "9c8f1a2b3c4d5e6f708192a3b4c5d6e7";

/// The reference vector's client (a = 0x1f × 128) and its SRP_B (server b = 0x2e × 32).
fn reference_client() -> (SrpClient, String) {
    static SRP_B: OnceLock<String> = OnceLock::new();
    let srp_b = SRP_B.get_or_init(|| {
        let salt = parse_hex(REFERENCE_SALT, "SALT").expect("hex");
        let verifier = cognito_wasm::srp::password_verifier(REFERENCE, &salt);
        let b = EphemeralSecret::from_be_slice(&[0x2e; 32]).expect("32 bytes fit");
        cognito_wasm::srp::server::SrpServer::new(&verifier, b)
            .expect("B is not 0 mod N")
            .srp_b()
    });
    let a = EphemeralSecret::from_be_slice(&[0x1f; 128]).expect("128 bytes fit");
    (SrpClient::new(a).expect("A is not 0 mod N"), srp_b.clone())
}

/// The cheap SRP inputs, at volume: lines `SRP_A`, `SRP_B`, `SALT`, `SECRET_BLOCK`,
/// `TIMESTAMP`, a signature. The scrambler over A and B, SALT as hex and its padHex, the
/// ephemeral secret's range check, and the claim (sign, verify) over the block and
/// timestamp with the reference session key: no exponentiation per run.
pub fn srp_inputs(data: &[u8]) {
    let Some([srp_a, srp_b, salt, block, time, signature]) = fields(data) else {
        return;
    };
    match scrambler(srp_a, srp_b) {
        Ok(u) => assert_ne!(u, [0; 32]),
        Err(error) => assert_typed(&error),
    }
    match parse_hex(salt, "SALT") {
        Ok(bytes) => {
            check_hex(salt, &bytes);
            check_pad_hex(&bytes);
            let fits = bytes.iter().skip_while(|&&b| b == 0).count() <= 128;
            assert_eq!(EphemeralSecret::from_be_slice(&bytes).is_ok(), fits);
        }
        Err(error) => assert_typed(&error),
    }
    let key = reference_key();
    match key.sign(block, time) {
        Ok(claim) => {
            assert_eq!(claim.timestamp, time);
            assert!(key.verify(block, time, &claim.signature));
            assert_eq!(
                key.verify(block, time, signature),
                signature == claim.signature
            );
        }
        Err(error) => {
            assert_typed(&error);
            assert!(!key.verify(block, time, signature));
        }
    }
}

/// A PASSWORD_VERIFIER challenge as a server sends it, through the client: lines `SALT`,
/// `SRP_B`, `USER_ID_FOR_SRP`, password. The reference client (a fixed `a`) checks and takes
/// them (`begin_challenge`), then runs 3 exponentiation steps. Slow (A = g^a is computed
/// anew each run: the client is consumed), so run at low volume; the arithmetic has its own
/// randomized tests (src/srp/field/differential.rs).
pub fn srp_challenge(data: &[u8]) {
    let Some([salt, srp_b, user_id, password]) = fields(data) else {
        return;
    };
    let (client, _) = reference_client();
    let credentials = Credentials {
        user_id,
        password,
        ..REFERENCE
    };
    match client.begin_challenge(credentials, salt, srp_b) {
        Ok(mut work) => assert!(!work.advance(3)),
        Err(error) => assert_typed(&error),
    }
}

/// `parse_timestamp` accepts exactly what `format_timestamp` writes: text that parses formats
/// back to itself, and 8 bytes read as seconds format to text that parses back (up to the
/// end of year 9999, the parser's limit).
pub fn timestamp(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(seconds) = parse_timestamp(text) {
            assert_eq!(format_timestamp(seconds), text);
        }
    }
    if let Ok(bytes) = <[u8; 8]>::try_from(data.get(..8).unwrap_or_default()) {
        let seconds = u64::from_be_bytes(bytes);
        let parsed = parse_timestamp(&format_timestamp(seconds));
        assert_eq!(parsed, (seconds <= LAST_SECOND_OF_9999).then_some(seconds));
    }
}

/// 9999-12-31T23:59:59Z.
const LAST_SECOND_OF_9999: u64 = 253_402_300_799;

/// Base64 (SECRET_BLOCK, JWT parts) and hex (SRP values): what decodes re-encodes to the
/// same text up to alphabet and padding, and any bytes encode to text that decodes back.
pub fn encodings(data: &[u8]) {
    let encoded = base64::encode(data);
    assert_eq!(base64::decode(&encoded).as_deref(), Some(data));
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(bytes) = base64::decode(text) {
        let standard: String = text
            .trim_end_matches('=')
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect();
        assert_eq!(base64::encode(&bytes).trim_end_matches('='), standard);
    }
    match parse_hex(text, "hex") {
        Ok(bytes) => check_hex(text, &bytes),
        Err(error) => assert_typed(&error),
    }
}

/// `bytes` is what the hex `text` denotes: the same digits, lowercased, left-padded to even.
fn check_hex(text: &str, bytes: &[u8]) {
    let digits: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let expected = format!(
        "{}{}",
        "0".repeat(text.len() % 2),
        text.to_ascii_lowercase()
    );
    assert_eq!(digits, expected);
}

/// padHex (§B.2): the value's minimal bytes, `00` in front when the top bit is set.
fn check_pad_hex(be: &[u8]) {
    let padded = pad_hex_bytes(be);
    let minimal: Vec<u8> = be.iter().copied().skip_while(|&b| b == 0).collect();
    match minimal.first() {
        Some(&top) if top < 0x80 => assert_eq!(padded, minimal),
        _ => assert_eq!(padded, [&[0][..], &minimal].concat()),
    }
}

/// An error names its field and says what is wrong.
fn assert_typed(error: &SrpError) {
    assert!(!error.message().is_empty());
}

/// Most events one engine run takes, and most SRP steps per `work` burst: bounded runs.
const MAX_EVENTS: usize = 48;
const MAX_STEPS: usize = 600;

/// The config every engine run starts from: shared storage, remembered devices, a secret.
const FUZZ_CONFIG: &str = r#"{"userPoolId":"us-east-1_Fuzz","clientId":"c","clientSecret":"s","endpoint":"http://127.0.0.1:9/","storage":"localStorage","rememberDevices":true,"autoRefresh":true}"#;

/// The engine's JSON interface driven by arbitrary events, as a broken or hostile driver or
/// service would: chunks split at 0xff, each a kind byte (low nibble: which event; high
/// nibble: which operation) and a text (options, a reply body, an answer, a stored value).
/// Every action must be a JSON object with `op` and `do` (a failure with a typed error), and
/// nothing may panic or loop.
pub fn engine(data: &[u8]) {
    let mut engine = Engine::new();
    let mut env = TestEnv(0x9e37_79b9_7f4a_7c15);
    let mut ops = vec![check_action(&engine.handle(
        &mut env,
        &format!(r#"{{"start":"create","options":{FUZZ_CONFIG}}}"#),
        "",
    ))];
    for chunk in data.split(|&b| b == 0xff).take(MAX_EVENTS) {
        let Some((&kind, rest)) = chunk.split_first() else {
            continue;
        };
        let text = String::from_utf8_lossy(rest);
        let op = ops
            .get(usize::from(kind >> 4) % ops.len().max(1))
            .copied()
            .unwrap_or(0);
        let quoted = Json::String(text.to_string()).encode();
        let (event, body) = match kind & 15 {
            0 => (
                format!(r#"{{"start":"signIn","options":{text}}}"#),
                String::new(),
            ),
            1 => (
                format!(r#"{{"op":{op},"on":"reply","status":200,"headers":{{}}}}"#),
                text.to_string(),
            ),
            2 => (
                format!(
                    r#"{{"op":{op},"on":"reply","status":400,"headers":{{"x-amzn-errortype":{quoted}}}}}"#
                ),
                text.to_string(),
            ),
            3 => (
                format!(r#"{{"op":{op},"on":"answer","value":{text}}}"#),
                String::new(),
            ),
            4 => {
                for _ in 0..MAX_STEPS {
                    if !engine.work(&mut env, op) {
                        break;
                    }
                }
                (format!(r#"{{"op":{op},"on":"computed"}}"#), String::new())
            }
            5 => (
                format!(r#"{{"op":{op},"on":"loaded","values":[{quoted}]}}"#),
                String::new(),
            ),
            6 => (format!(r#"{{"op":{op},"on":"stored"}}"#), String::new()),
            7 => (format!(r#"{{"op":{op},"on":"settled"}}"#), String::new()),
            8 => (format!(r#"{{"op":{op},"on":"locked"}}"#), String::new()),
            9 => (
                format!(r#"{{"op":{op},"on":"passkey","credential":{text}}}"#),
                String::new(),
            ),
            10 => (
                format!(r#"{{"op":{op},"on":"abort","reason":{quoted}}}"#),
                String::new(),
            ),
            11 => (
                format!(r#"{{"start":{quoted},"options":{{}}}}"#),
                String::new(),
            ),
            12 => (
                format!(r#"{{"start":"sync","options":{{"record":{quoted}}}}}"#),
                String::new(),
            ),
            13 => (
                format!(r#"{{"op":{op},"on":"reply","failure":"timeout"}}"#),
                String::new(),
            ),
            14 => (
                r#"{"start":"getTokens","options":{"forceRefresh":true}}"#.to_string(),
                String::new(),
            ),
            _ => (text.to_string(), String::new()),
        };
        let action = check_action(&engine.handle(&mut env, &event, &body));
        if !ops.contains(&action) {
            ops.push(action);
        }
    }
}

/// Stored records as another version, another app or an attacker with storage access left
/// them: the first part (up to 0xff) as the session record `create` restores, the rest as the
/// device record a sign-in reads. Restored or dropped, never a panic.
pub fn stored(data: &[u8]) {
    let (session, device) = match data.iter().position(|&b| b == 0xff) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let mut engine = Engine::new();
    let mut env = TestEnv(7);
    let load = check_action(&engine.handle(
        &mut env,
        &format!(r#"{{"start":"create","options":{FUZZ_CONFIG}}}"#),
        "",
    ));
    let record = Json::String(String::from_utf8_lossy(session).into_owned()).encode();
    let created = engine.handle(
        &mut env,
        &format!(r#"{{"op":{load},"on":"loaded","values":[{record}]}}"#),
        "",
    );
    check_action(&created);
    let sign_in = check_action(&engine.handle(
        &mut env,
        r#"{"start":"signIn","options":{"username":"u","password":"p","authFlow":"USER_PASSWORD_AUTH"}}"#,
        "",
    ));
    let record = Json::String(String::from_utf8_lossy(device).into_owned()).encode();
    check_action(&engine.handle(
        &mut env,
        &format!(r#"{{"op":{sign_in},"on":"loaded","values":[{record}]}}"#),
        "",
    ));
    check_action(&engine.handle(&mut env, r#"{"start":"getTokens","options":{}}"#, ""));
}

/// An action is a JSON object with a numeric `op` and a `do`; a failure names a typed error.
/// Returns the op.
fn check_action(text: &str) -> u32 {
    let action = Json::parse(text).unwrap_or_else(|_| panic!("an action that is not JSON: {text}"));
    let op = action
        .get("op")
        .and_then(Json::as_u64)
        .expect("an action names its op");
    let effect = action
        .get("do")
        .and_then(Json::as_str)
        .expect("an action names its effect");
    if effect == "fail" {
        let error = action.get("error").expect("a failure carries its error");
        assert!(error
            .get("name")
            .and_then(Json::as_str)
            .is_some_and(|n| !n.is_empty()));
        assert!(error.get("message").and_then(Json::as_str).is_some());
    }
    u32::try_from(op).expect("op ids fit u32")
}
