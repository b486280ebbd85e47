//! The server half, used by the emulator and by tests as an independent check of the client:
//! B = (k·v + g^b) mod N, then S = (A·v^u)^b mod N.

use alloc::string::String;

use super::client::{EphemeralSecret, SessionKey};
use super::group::{
    check_public, fixed_be, multiplier, parse_public, scrambler, to_min_hex, Element, Public,
};
use crate::error::SrpError;

/// A server-side SRP session for one user (or device), holding `b` and the verifier.
#[derive(Debug)]
pub struct SrpServer {
    b: EphemeralSecret,
    b_pub: Public,
    verifier: Element,
}

impl SrpServer {
    /// B = (k·v + g^b) mod N from the stored verifier `v` (big-endian bytes).
    pub fn new(verifier_be: &[u8], b: EphemeralSecret) -> Result<Self, SrpError> {
        let v = fixed_be(verifier_be).ok_or(SrpError::OutOfRange { field: "verifier" })?;
        let verifier = Element::from_be_bytes(&v);
        let b_pub = multiplier()
            .mul(&verifier)
            .add(&Element::generator_pow(b.exponent()))
            .to_be_bytes();
        check_public(&b_pub, "SRP_B")?;
        Ok(Self { b, b_pub, verifier })
    }

    /// `SRP_B` as sent in PASSWORD_VERIFIER: lowercase hex without leading zeros.
    pub fn srp_b(&self) -> String {
        to_min_hex(&self.b_pub)
    }

    /// From the client's `SRP_A`: checks A mod N != 0 and u != 0, then S = (A·v^u)^b mod N and
    /// the same K the client derives.
    pub fn process_client(
        self,
        realm: &str,
        user_id: &str,
        srp_a_hex: &str,
    ) -> Result<SessionKey, SrpError> {
        let a_pub = parse_public(srp_a_hex, "SRP_A")?;
        let a = check_public(&a_pub, "SRP_A")?;
        let u = scrambler(&a_pub, &self.b_pub)?;
        let s = a
            .mul(&self.verifier.pow(&u))
            .pow(self.b.exponent())
            .to_be_bytes();
        Ok(SessionKey::derive(s, &u, realm, user_id))
    }
}
