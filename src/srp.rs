//! Cognito's SRP-6a variant (RFC 5054 3072-bit group, SHA-256, Java-style "padHex" encodings).
//!
//! | Client                                   | Data transfer         | Server                          |
//! |------------------------------------------|-----------------------|---------------------------------|
//! | `a` random, `A = g^a`                    | `USERNAME`, `SRP_A` → |                                 |
//! |                                          | ← `SALT`, `SRP_B`, `SECRET_BLOCK`, `USER_ID_FOR_SRP` | `B = k·v + g^b` |
//! | `u = H(A ǀ B)`, `x`, `S`, `K = HKDF(S, u)` |                     |                                 |
//! | signature `= HMAC(K, realm ǀ user ǀ block ǀ time)` | `PASSWORD_CLAIM_SIGNATURE` → | `S = (A·v^u)^b`, same `K`, compare |
//!
//! Glossary: `N` the group prime, `g = 2`, `k = H(padHex(N) ǀ padHex(g))`, `x` the private key
//! derived from salt, realm, user id and password, `v = g^x` the verifier, `u` the scrambler,
//! `S` the premaster secret and `K` the 16-byte session key. The *realm* is the user-pool name
//! (the part of the pool id after `_`) for users, and the DeviceGroupKey for remembered devices.
//!
//! Every exponentiation whose exponent is secret (`a`, `x`, `a + u·x`, `b`) is constant-time.

mod client;
mod field;
mod group;
pub mod server;
mod verifier;

pub use client::{
    ClientWork, EphemeralSecret, KeyWork, PasswordClaim, SessionKey, SrpClient,
    EPHEMERAL_SECRET_LEN,
};
pub use verifier::{password_verifier, DeviceVerifier, DEVICE_PASSWORD_LEN, DEVICE_SALT_LEN};

use crate::error::SrpError;

/// What SRP authenticates: `realm` is the pool name or DeviceGroupKey, `user_id` is
/// USER_ID_FOR_SRP or the DeviceKey, `password` the user's or the device's password.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    /// Pool name (after `_` in the pool id) for users; DeviceGroupKey for devices.
    pub realm: &'a str,
    /// USER_ID_FOR_SRP for users; DeviceKey for devices.
    pub user_id: &'a str,
    /// The password; never logged.
    pub password: &'a str,
}

impl core::fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Credentials")
            .field("realm", &self.realm)
            .field("user_id", &self.user_id)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// The pool name Cognito hashes into `x`: the part of the user-pool id after `_`
/// (`us-east-1_AbC123` → `AbC123`).
pub fn pool_name(user_pool_id: &str) -> Result<&str, SrpError> {
    match crate::text::split_once(user_pool_id, b'_') {
        Some((region, name)) if !region.is_empty() && !name.is_empty() => Ok(name),
        _ => Err(SrpError::InvalidPoolId),
    }
}

/// The scrambler `u = H(padHex(A) | padHex(B))` of an exchange, from the `SRP_A` and `SRP_B` both
/// sides sent, as 32 big-endian bytes: the value the client and the server mix into `S`.
/// Exposed so known-answer and interop tests can compare it with other implementations.
pub fn scrambler(srp_a_hex: &str, srp_b_hex: &str) -> Result<[u8; 32], SrpError> {
    let a_pub = group::parse_public(srp_a_hex, "SRP_A")?;
    let b_pub = group::parse_public(srp_b_hex, "SRP_B")?;
    group::scrambler(&a_pub, &b_pub)
}

pub(crate) use group::hmac_sha256 as group_hmac;
pub use group::{pad_hex_bytes, parse_hex};
