//! The interop harness's Rust side (`tests/interop/run.sh`): reads the cases of
//! `tests/interop/cases.py` as JSON lines on stdin and prints, one JSON line per case, what this
//! crate computes, playing both the simulated Cognito server and the client.
//!
//! * user case: the server stores `v = password_verifier(realm, user_id, password, SALT)`;
//! * device case: `DeviceVerifier::generate` turns the case's random bytes into the device
//!   password and the ConfirmDevice salt and verifier, which the server stores (realm =
//!   DeviceGroupKey, user = DeviceKey, password = the device password).
//!
//! Then, for both: `SrpServer` gives `SRP_B` from `b`, `SrpClient` gives `SRP_A` from `a` and the
//! key and claim signature for SALT and SRP_B, and the server derives its own key from `SRP_A`
//! and checks the claim (`server_accepts`).
//!
//! Output fields: `id`, `srp_a`, `srp_b`, `salt` (the SALT hex the server sends), `u`, `key`
//! (hex), `timestamp`, `signature`, `server_accepts`, and for devices `device_password`,
//! `device_salt`, `device_verifier` (ConfirmDevice's Base64 fields). The checkers next to
//! run.sh compare them with other implementations.

use std::io::{self, BufRead, Write};

use base64::Engine as _;
use cognito_wasm::json::Json;
use cognito_wasm::srp::server::SrpServer;
use cognito_wasm::srp::{
    parse_hex, password_verifier, scrambler, Credentials, DeviceVerifier, EphemeralSecret,
    SrpClient,
};
use cognito_wasm::timestamp::format_timestamp;

fn main() -> Result<(), String> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for line in io::stdin().lock().lines() {
        let line = line.map_err(|e| format!("reading stdin: {e}"))?;
        let case = Json::parse(&line).map_err(|e| format!("case is not JSON at byte {}", e.at))?;
        let id = case.get("id").and_then(Json::as_u64).unwrap_or_default();
        let result = run_case(&case).map_err(|e| format!("case {id}: {e}"))?;
        writeln!(out, "{}", result.encode()).map_err(|e| format!("writing stdout: {e}"))?;
    }
    Ok(())
}

/// One case: the server side, then the client side, then the server's check of the claim.
fn run_case(case: &Json) -> Result<Json, String> {
    let device = match text(case, "kind")? {
        "user" => None,
        "device" => Some(DeviceVerifier::generate(
            text(case, "device_group_key")?,
            text(case, "device_key")?,
            &fixed_bytes(case, "password_random")?,
            &fixed_bytes(case, "salt_random")?,
        )),
        other => return Err(format!("unknown kind {other:?}")),
    };
    let (credentials, salt, verifier) = match &device {
        None => {
            let credentials = Credentials {
                realm: text(case, "realm")?,
                user_id: text(case, "user_id")?,
                password: text(case, "password")?,
            };
            let salt = text(case, "salt")?.to_owned();
            let salt_bytes = parse_hex(&salt, "salt").map_err(|e| e.to_string())?;
            (
                credentials,
                salt,
                password_verifier(credentials, &salt_bytes),
            )
        }
        Some(device) => {
            let credentials = Credentials {
                realm: text(case, "device_group_key")?,
                user_id: text(case, "device_key")?,
                password: &device.device_password,
            };
            (
                credentials,
                hex(&base64_field(&device.salt)?),
                base64_field(&device.password_verifier)?,
            )
        }
    };

    let server = SrpServer::new(&verifier, secret(case, "b")?).map_err(|e| e.to_string())?;
    let srp_b = server.srp_b();
    let client = SrpClient::new(secret(case, "a")?).map_err(|e| e.to_string())?;
    let srp_a = client.srp_a();
    let u = scrambler(&srp_a, &srp_b).map_err(|e| e.to_string())?;
    let key = client
        .process_challenge(credentials, &salt, &srp_b)
        .map_err(|e| e.to_string())?;
    let unix = case
        .get("unix")
        .and_then(Json::as_u64)
        .ok_or("unix is not an integer")?;
    let secret_block = text(case, "secret_block")?;
    let claim = key
        .sign(secret_block, &format_timestamp(unix))
        .map_err(|e| e.to_string())?;
    let server_accepts = server
        .process_client(credentials.realm, credentials.user_id, &srp_a)
        .map_err(|e| e.to_string())?
        .verify(secret_block, &claim.timestamp, &claim.signature);

    let mut result = Json::object([
        ("id", case.get("id").cloned().unwrap_or(Json::Null)),
        ("srp_a", Json::str(srp_a)),
        ("srp_b", Json::str(srp_b)),
        ("salt", Json::str(salt)),
        ("u", Json::str(hex(&u))),
        ("key", Json::str(hex(key.key_bytes()))),
        ("timestamp", Json::str(claim.timestamp)),
        ("signature", Json::str(claim.signature)),
        ("server_accepts", Json::Bool(server_accepts)),
    ]);
    if let Some(device) = &device {
        result.set(
            "device_password",
            Json::str(device.device_password.as_str()),
        );
        result.set("device_salt", Json::str(device.salt.as_str()));
        result.set(
            "device_verifier",
            Json::str(device.password_verifier.as_str()),
        );
    }
    Ok(result)
}

/// The string member `key` of the case.
fn text<'a>(case: &'a Json, key: &str) -> Result<&'a str, String> {
    case.get(key)
        .and_then(Json::as_str)
        .ok_or_else(|| format!("{key} is missing or not a string"))
}

/// A hex member read as an SRP secret exponent.
fn secret(case: &Json, key: &'static str) -> Result<EphemeralSecret, String> {
    let bytes = parse_hex(text(case, key)?, key).map_err(|e| e.to_string())?;
    EphemeralSecret::from_be_slice(&bytes).map_err(|e| e.to_string())
}

/// A hex member of exactly `N` bytes.
fn fixed_bytes<const N: usize>(case: &Json, key: &'static str) -> Result<[u8; N], String> {
    let bytes = parse_hex(text(case, key)?, key).map_err(|e| e.to_string())?;
    bytes
        .try_into()
        .map_err(|_| format!("{key} is not {N} bytes"))
}

fn base64_field(b64: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| e.to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
