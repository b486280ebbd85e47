//! The group (N, g, k), Cognito's padHex encoding and the hashes built on it.

use alloc::string::String;
use alloc::vec::Vec;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

pub(crate) use super::field::{Element, Exponentiation};
use super::field::{BYTES, MODULUS};
use crate::error::SrpError;

/// A public value (A, B, S) as 384 big-endian bytes.
pub(crate) type Public = [u8; BYTES];

/// k = H(padHex(N) | padHex(g)): SHA-256 over `00 | N | 02`.
pub(crate) fn multiplier() -> Element {
    let mut k = [0u8; BYTES];
    k[BYTES - 32..].copy_from_slice(&sha256(&[&pad_hex_bytes(&MODULUS), &[2]]));
    Element::from_be_bytes(&k)
}

/// `padHex`: the minimal big-endian bytes of a non-negative integer, with a `00` byte in front
/// when the top bit is set (Java's `BigInteger.toByteArray()`); zero is `00`.
///
/// S goes through here, so the work is constant-time up to the output's length: every byte is
/// read by [`pad_hex_start`], then one copy. That length (384 bytes less S's leading zero
/// bytes, plus one when the first non-zero byte has its top bit set) is padHex's by
/// definition and is what leaks, here and in the SHA-256 blocks hashed over it.
pub fn pad_hex_bytes(be: &[u8]) -> Vec<u8> {
    let start = pad_hex_start(be);
    let mut out = Vec::with_capacity(be.len() + 1 - start);
    match start.checked_sub(1) {
        None => {
            out.push(0);
            out.extend_from_slice(be);
        }
        Some(skip) => out.extend_from_slice(be.get(skip..).unwrap_or_default()),
    }
    out
}

/// Where padHex starts in `00 | be`: the count of leading zero bytes, plus one when the first
/// non-zero byte's top bit is clear (its `00` is not needed). Masks over every byte, no branch
/// on a value (checked in the wasm by tests/ct/run.sh, hence never inlined).
#[inline(never)]
fn pad_hex_start(be: &[u8]) -> usize {
    // `seen` turns 1 at the first non-zero byte and stays 1.
    let (mut zeros, mut seen, mut top_clear) = (0usize, 0u32, 0u32);
    for &byte in be {
        let byte = u32::from(byte);
        let nonzero = (byte + 0xff) >> 8;
        top_clear |= nonzero & !seen & (1 ^ byte >> 7);
        seen |= nonzero;
        zeros += (1 ^ seen) as usize;
    }
    zeros + top_clear as usize
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
    let zeros = out.bytes().take_while(|&b| b == b'0').count();
    match out.get(zeros..) {
        Some(trimmed) if !trimmed.is_empty() => trimmed.into(),
        _ => "0".into(),
    }
}

/// Big-endian bytes into exactly `WIDTH` bytes (leading zeros dropped or added); `None` when
/// the value does not fit. `a` and the server's v pass through here (see [`fit_be`]).
pub(crate) fn fixed_be<const WIDTH: usize>(be: &[u8]) -> Option<[u8; WIDTH]> {
    let mut out = [0u8; WIDTH];
    (fit_be(be, &mut out) == 0).then_some(out)
}

/// Copies the last `out.len()` bytes of `be` right-aligned into `out` and returns the OR of
/// the bytes before them (non-zero: the value does not fit). Every byte is read whatever its
/// value, so the time depends on the lengths only (checked in the shipped wasm by
/// tests/ct/run.sh, hence never inlined).
#[inline(never)]
fn fit_be(be: &[u8], out: &mut [u8]) -> u8 {
    // The first `excess` bytes are OR-ed; the rest land from `start` on. Branches and
    // indices depend on the lengths and the position only (no `split_at`: at opt-level "z" it
    // is a call returning through memory).
    let excess = be.len().saturating_sub(out.len());
    let start = out.len() + excess - be.len();
    let mut overflow = 0;
    for (i, &byte) in be.iter().enumerate() {
        if i < excess {
            overflow |= byte;
        } else if let Some(slot) = out.get_mut(start + i - excess) {
            *slot = byte;
        }
    }
    overflow
}

/// Parses a public value (SRP_A, SRP_B) sent as hex; it must be below 2^3072.
pub(crate) fn parse_public(hex: &str, field: &'static str) -> Result<Public, SrpError> {
    fixed_be(&parse_hex(hex, field)?).ok_or(SrpError::OutOfRange { field })
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
pub(crate) fn scrambler(a_pub: &Public, b_pub: &Public) -> Result<[u8; 32], SrpError> {
    nonzero_scrambler(sha256(&[&pad_hex_bytes(a_pub), &pad_hex_bytes(b_pub)]))
}

fn nonzero_scrambler(u: [u8; 32]) -> Result<[u8; 32], SrpError> {
    if u == [0; 32] {
        return Err(SrpError::ZeroScrambler);
    }
    Ok(u)
}

/// x = H(padHex(salt) | H(realm | user_id | ":" | password)), big-endian.
pub(crate) fn private_key(realm: &str, user_id: &str, password: &str, salt: &[u8]) -> [u8; 32] {
    let mut inner = sha256(&[
        realm.as_bytes(),
        user_id.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    let x = sha256(&[&pad_hex_bytes(salt), &inner]);
    zeroize::Zeroize::zeroize(&mut inner);
    x
}

/// `value mod N` as an element, rejecting zero (a malicious or broken peer could force S = 0
/// otherwise).
pub(crate) fn check_public(value: &Public, field: &'static str) -> Result<Element, SrpError> {
    let element = Element::from_be_bytes(value);
    if element.is_zero() {
        return Err(SrpError::IllegalPublicValue { field });
    }
    Ok(element)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_scrambler_is_refused() {
        assert_eq!(nonzero_scrambler([0; 32]), Err(SrpError::ZeroScrambler));
        let mut one = [0; 32];
        one[31] = 1;
        assert_eq!(nonzero_scrambler(one), Ok(one));
    }

    #[test]
    fn pad_hex_follows_java_sign_rule() {
        assert_eq!(pad_hex_bytes(&[0xec]), [0x00, 0xec]);
        assert_eq!(pad_hex_bytes(&[0x00, 0x14]), [0x14]);
        assert_eq!(pad_hex_bytes(&[]), [0x00]);
        assert_eq!(pad_hex_bytes(&[0, 0]), [0x00]);
    }

    /// padHex as the reference (B.2) words it, on hex text: minimal lowercase hex, a `0` in
    /// front when odd, `00` in front when the first digit is 8-f.
    fn pad_hex_as_text(be: &[u8]) -> Vec<u8> {
        let digits: String = be.iter().map(|b| format!("{b:02x}")).collect();
        let mut hex = digits.trim_start_matches('0').to_string();
        if hex.is_empty() {
            hex = "0".into();
        }
        if hex.len() % 2 == 1 {
            hex.insert(0, '0');
        }
        if hex.starts_with(['8', '9', 'a', 'b', 'c', 'd', 'e', 'f']) {
            hex.insert_str(0, "00");
        }
        parse_hex(&hex, "test").unwrap()
    }

    #[test]
    fn pad_hex_matches_the_text_definition() {
        // Every 0-3 byte value built from the bytes where the rules turn (plus 4-byte ones).
        let interesting = [0x00, 0x01, 0x7f, 0x80, 0xff];
        let mut inputs: Vec<Vec<u8>> = vec![vec![]];
        for len in 1..=4 {
            let mut grown = Vec::new();
            for prefix in inputs.iter().filter(|p| p.len() == len - 1) {
                for &b in &interesting {
                    grown.push([prefix.as_slice(), &[b]].concat());
                }
            }
            inputs.extend(grown);
        }
        for be in &inputs {
            assert_eq!(pad_hex_bytes(be), pad_hex_as_text(be), "{be:02x?}");
        }
    }

    #[test]
    fn fixed_be_keeps_the_value() {
        assert_eq!(fixed_be::<2>(&[]), Some([0, 0]));
        assert_eq!(fixed_be::<2>(&[7]), Some([0, 7]));
        assert_eq!(fixed_be::<2>(&[0, 0, 0, 1, 2]), Some([1, 2]));
        assert_eq!(fixed_be::<2>(&[0, 1, 0, 0]), None);
        assert_eq!(fixed_be::<2>(&[1, 0, 0]), None);
        assert_eq!(fixed_be::<2>(&[0x80, 0]), Some([0x80, 0]));
    }

    #[test]
    fn multiplier_matches_reference() {
        let k = multiplier().to_be_bytes();
        assert_eq!(
            to_min_hex(&k),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
    }
}
