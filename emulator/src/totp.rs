//! RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits) and the RFC 4648 base32 its secrets use.

use hmac::{Hmac, Mac};
use sha1::Sha1;

const STEP_SECONDS: u64 = 30;
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The code for `unix_seconds`: HOTP(secret, floor(t / 30)) truncated to `digits` (RFC 4226 §5.3).
pub fn code_at(secret: &[u8], unix_seconds: u64, digits: u32) -> String {
    let counter = unix_seconds / STEP_SECONDS;
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        unreachable!("HMAC-SHA1 takes keys of any length")
    };
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[19] & 0x0f);
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    let value = u64::from(binary) % 10u64.pow(digits);
    format!("{value:0width$}", width = digits as usize)
}

/// Whether `code` is the 6-digit code of the current step or of one step either side.
pub fn verify(secret: &[u8], code: &str, unix_seconds: u64) -> bool {
    let code = code.trim();
    code.len() == 6
        && [-1i64, 0, 1].iter().any(|&step| {
            let t = unix_seconds.saturating_add_signed(step * STEP_SECONDS as i64);
            code_at(secret, t, 6) == code
        })
}

/// Decodes base32 (case-insensitive, `=` padding and spaces ignored); `None` on other characters.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|&c| c != b'=' && c != b' ') {
        let upper = c.to_ascii_uppercase();
        let value = ALPHABET.iter().position(|&a| a == upper)? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
        buffer &= (1 << bits) - 1;
    }
    (!out.is_empty()).then_some(out)
}

/// Encodes bytes as unpadded base32 (what AssociateSoftwareToken returns as `SecretCode`).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows: secret "12345678901234567890", 8 digits.
    #[test]
    fn rfc6238_vectors() {
        let secret = b"12345678901234567890";
        for (t, expected) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code_at(secret, t, 8), expected, "t={t}");
        }
    }

    #[test]
    fn verify_allows_one_step_of_drift() {
        let secret = b"12345678901234567890";
        let code = code_at(secret, 1_111_111_109, 6);
        assert!(verify(secret, &code, 1_111_111_109));
        assert!(verify(secret, &code, 1_111_111_109 + 30));
        assert!(verify(secret, &code, 1_111_111_109 - 30));
        assert!(!verify(secret, &code, 1_111_111_109 + 90));
        assert!(!verify(secret, "12345", 1_111_111_109));
    }

    #[test]
    fn base32_round_trip() {
        let secret = b"12345678901234567890";
        let encoded = base32_encode(secret);
        assert_eq!(encoded, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32_decode(&encoded).as_deref(), Some(&secret[..]));
        assert_eq!(base32_decode("gezdgnbv").as_deref(), Some(&b"12345"[..]));
        assert_eq!(base32_encode(b"f"), "MY");
        assert_eq!(base32_decode("MY======").as_deref(), Some(&b"f"[..]));
        assert_eq!(base32_decode("not base32!"), None);
        assert_eq!(base32_decode(""), None);
    }
}
