//! The server half, used by the emulator and by tests as an independent check of the client:
//! B = (k·v + g^b) mod N, then S = (A·v^u)^b mod N.

use crypto_bigint::U3072;

use super::client::{EphemeralSecret, SessionKey};
use super::group::{
    check_public, multiplier, parse_public, scrambler, to_min_hex, uint_from_be, Element,
};
use crate::error::SrpError;

/// A server-side SRP session for one user (or device), holding `b` and the verifier.
#[derive(Debug)]
pub struct SrpServer {
    b: EphemeralSecret,
    b_pub: U3072,
    verifier: Element,
}

impl SrpServer {
    /// B = (k·v + g^b) mod N from the stored verifier `v` (big-endian bytes).
    pub fn new(verifier_be: &[u8], b: EphemeralSecret) -> Result<Self, SrpError> {
        let v = uint_from_be(verifier_be).ok_or(SrpError::OutOfRange { field: "verifier" })?;
        let verifier = Element::new(&v);
        let b_pub = multiplier()
            .mul(&verifier)
            .add(&Element::new(&b.public()))
            .retrieve();
        check_public(&b_pub, "SRP_B")?;
        Ok(Self { b, b_pub, verifier })
    }

    /// `SRP_B` as sent in PASSWORD_VERIFIER: lowercase hex without leading zeros.
    pub fn srp_b(&self) -> String {
        to_min_hex(&self.b_pub.to_be_bytes())
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
            .mul(&self.verifier.pow_vartime(&u))
            .pow(self.b.exponent())
            .retrieve();
        Ok(SessionKey::derive(s, &u, realm, user_id))
    }
}
