//! The group (N, g, k), Cognito's padHex encoding and the hashes built on it.

use crypto_bigint::modular::ConstMontyForm;
use crypto_bigint::{const_monty_params, Uint, U256, U3072};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::error::SrpError;

const_monty_params!(
    GroupPrime,
    U3072,
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    "N: the RFC 5054 / RFC 3526 3072-bit safe prime Cognito uses."
);

/// An integer modulo N, kept in Montgomery form.
pub(crate) type Element = ConstMontyForm<GroupPrime, { U3072::LIMBS }>;

/// N as a plain integer.
pub(crate) fn modulus() -> U3072 {
    *<GroupPrime as crypto_bigint::modular::ConstMontyParams<{ U3072::LIMBS }>>::PARAMS
        .modulus()
        .as_ref()
}

/// g = 2.
pub(crate) fn generator() -> Element {
    Element::new(&U3072::from_u8(2))
}

/// k = H(padHex(N) | padHex(g)): SHA-256 over `00 | N | 02`.
pub(crate) fn multiplier() -> Element {
    let n = modulus().to_be_bytes();
    let k = sha256(&[&pad_hex_bytes(&n), &[2]]);
    Element::new(&uint_from_be(&k).unwrap_or(U3072::ZERO))
}

/// `padHex`: the minimal big-endian bytes of a non-negative integer, with a `00` byte in front
/// when the top bit is set (Java's `BigInteger.toByteArray()`); zero is `00`.
pub fn pad_hex_bytes(be: &[u8]) -> Vec<u8> {
    let start = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    let digits = &be[start..];
    let mut out = Vec::with_capacity(digits.len() + 1);
    if digits.first().is_none_or(|&b| b >= 0x80) {
        out.push(0);
    }
    out.extend_from_slice(digits);
    out
}

/// Parses hex (either case, odd length allowed) into big-endian bytes.
pub fn parse_hex(hex: &str, field: &'static str) -> Result<Vec<u8>, SrpError> {
    let digits = hex.as_bytes();
    if digits.is_empty() {
        return Err(SrpError::Empty { field });
    }
    let mut out = Vec::with_capacity(digits.len().div_ceil(2));
    let (head, rest) = digits.split_at(digits.len() % 2);
    if let Some(&d) = head.first() {
        out.push(nibble(d).ok_or(SrpError::InvalidHex { field })?);
    }
    for pair in rest.chunks_exact(2) {
        let hi = nibble(pair[0]).ok_or(SrpError::InvalidHex { field })?;
        let lo = nibble(pair[1]).ok_or(SrpError::InvalidHex { field })?;
        out.push(hi << 4 | lo);
    }
    Ok(out)
}

fn nibble(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Lowercase hex without leading zeros (how Cognito's clients print `SRP_A`).
pub(crate) fn to_min_hex(be: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(be.len() * 2);
    for &b in be {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    let trimmed = out.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".into()
    } else {
        trimmed.into()
    }
}

/// Big-endian bytes into an integer of `LIMBS` limbs; `None` when it does not fit.
pub(crate) fn uint_from_be<const LIMBS: usize>(be: &[u8]) -> Option<Uint<LIMBS>> {
    let start = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    let digits = &be[start..];
    let width = Uint::<LIMBS>::BYTES;
    if digits.len() > width {
        return None;
    }
    let mut padded = vec![0u8; width];
    padded[width - digits.len()..].copy_from_slice(digits);
    Some(Uint::from_be_slice(&padded))
}

/// Parses a public value (SRP_A, SRP_B) sent as hex; it must be below 2^3072.
pub(crate) fn parse_public(hex: &str, field: &'static str) -> Result<U3072, SrpError> {
    uint_from_be(&parse_hex(hex, field)?).ok_or(SrpError::OutOfRange { field })
}

/// SHA-256 over the concatenated parts.
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// HMAC-SHA256 over the concatenated parts. A key longer than a block is hashed first and a
/// shorter one zero-padded (RFC 2104), so any key is accepted.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > block.len() {
        block[..32].copy_from_slice(&sha256(&[key]));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut mac = Hmac::<Sha256>::new(&block.into());
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// u = H(padHex(A) | padHex(B)), refused when zero (S would not depend on the password).
pub(crate) fn scrambler(a_pub: &U3072, b_pub: &U3072) -> Result<U256, SrpError> {
    let a = pad_hex_bytes(&a_pub.to_be_bytes());
    let b = pad_hex_bytes(&b_pub.to_be_bytes());
    nonzero_scrambler(U256::from_be_slice(&sha256(&[&a, &b])))
}

fn nonzero_scrambler(u: U256) -> Result<U256, SrpError> {
    if u.is_zero_vartime() {
        return Err(SrpError::ZeroScrambler);
    }
    Ok(u)
}

/// x = H(padHex(salt) | H(realm | user_id | ":" | password)).
pub(crate) fn private_key(realm: &str, user_id: &str, password: &str, salt: &[u8]) -> U256 {
    let mut inner = sha256(&[
        realm.as_bytes(),
        user_id.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    let x = sha256(&[&pad_hex_bytes(salt), &inner]);
    zeroize::Zeroize::zeroize(&mut inner);
    U256::from_be_slice(&x)
}

/// `B mod N`, rejecting zero (a malicious or broken peer could force S = 0 otherwise).
pub(crate) fn check_public(value: &U3072, field: &'static str) -> Result<Element, SrpError> {
    let element = Element::new(value);
    if element.retrieve().is_zero_vartime() {
        return Err(SrpError::IllegalPublicValue { field });
    }
    Ok(element)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_scrambler_is_refused() {
        assert_eq!(nonzero_scrambler(U256::ZERO), Err(SrpError::ZeroScrambler));
        assert_eq!(nonzero_scrambler(U256::ONE), Ok(U256::ONE));
    }

    #[test]
    fn pad_hex_follows_java_sign_rule() {
        assert_eq!(pad_hex_bytes(&[0xec]), [0x00, 0xec]);
        assert_eq!(pad_hex_bytes(&[0x00, 0x14]), [0x14]);
        assert_eq!(pad_hex_bytes(&[]), [0x00]);
        assert_eq!(pad_hex_bytes(&[0, 0]), [0x00]);
    }

    #[test]
    fn multiplier_matches_reference() {
        let k = multiplier().retrieve().to_be_bytes();
        assert_eq!(
            to_min_hex(&k),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
    }
}
