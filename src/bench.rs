//! The client-side SRP work of one USER_SRP_AUTH sign-in, exposed for `make bench` only
//! (feature `bench`, never part of the shipped package): the native bench loop and the
//! browser bench page time exactly this function.

use alloc::string::String;

use crate::error::SrpError;
use crate::srp::{parse_hex, Credentials, EphemeralSecret, SrpClient};

/// What one sign-in's SRP work takes: the client's secret `a` and the server's answer.
#[derive(Debug, Clone, Copy)]
pub struct SignInInputs<'a> {
    /// `a`, in hex (the SDK draws 128 random bytes).
    pub a_hex: &'a str,
    /// Pool name, USER_ID_FOR_SRP and password.
    pub credentials: Credentials<'a>,
    /// PASSWORD_VERIFIER's `SALT`, `SRP_B` and `SECRET_BLOCK`.
    pub salt_hex: &'a str,
    /// `SRP_B`.
    pub srp_b_hex: &'a str,
    /// `SECRET_BLOCK`.
    pub secret_block: &'a str,
    /// The TIMESTAMP to sign.
    pub timestamp: &'a str,
}

/// A = g^a (sent as `SRP_A`), then the session key and PASSWORD_CLAIM_SIGNATURE.
pub fn client_sign_in(inputs: &SignInInputs<'_>) -> Result<String, SrpError> {
    let a = EphemeralSecret::from_be_slice(&parse_hex(inputs.a_hex, "a")?)?;
    let client = SrpClient::new(a)?;
    core::hint::black_box(client.srp_a());
    let key = client.process_challenge(inputs.credentials, inputs.salt_hex, inputs.srp_b_hex)?;
    Ok(key.sign(inputs.secret_block, inputs.timestamp)?.signature)
}

/// The same, for the bench page: returns the signature, or the error message.
#[cfg(target_arch = "wasm32")]
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = benchSignIn)]
pub fn bench_sign_in(
    a_hex: &str,
    realm: &str,
    user_id: &str,
    password: &str,
    salt_hex: &str,
    srp_b_hex: &str,
    secret_block: &str,
    timestamp: &str,
) -> String {
    let inputs = SignInInputs {
        a_hex,
        credentials: Credentials {
            realm,
            user_id,
            password,
        },
        salt_hex,
        srp_b_hex,
        secret_block,
        timestamp,
    };
    client_sign_in(&inputs).unwrap_or_else(|error| error.message())
}
