//! Base64 (RFC 4648) for the few protocol values carried that way, small on purpose since the
//! wasm ships it: encoding in the standard alphabet with padding; decoding either alphabet,
//! with any trailing `=` ignored (as Amplify accepts SECRET_BLOCK, and as JWTs come).

use alloc::string::String;
use alloc::vec::Vec;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard Base64 with `=` padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let group = byte(0) << 16 | byte(1) << 8 | byte(2);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(ALPHABET[(group >> (18 - 6 * i) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}

/// Standard or URL-safe Base64, trailing `=` ignored; `None` for anything else, including a
/// lone last digit and set bits after the last whole byte.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let mut digits = text.as_bytes();
    while let [rest @ .., b'='] = digits {
        digits = rest;
    }
    if digits.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    let (mut pending, mut bits) = (0u32, 0);
    for &digit in digits {
        let value = match digit {
            b'A'..=b'Z' => digit - b'A',
            b'a'..=b'z' => digit - b'a' + 26,
            b'0'..=b'9' => digit - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        pending = pending << 6 | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((pending >> bits) as u8);
            pending &= (1 << bits) - 1;
        }
    }
    (pending == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use base64::Engine as _;

    #[test]
    fn matches_the_base64_crate() {
        let bytes: Vec<u8> = (0..=255u8).rev().chain(0..=255).collect();
        for len in 0..70 {
            let data = &bytes[len * 3..len * 4];
            let standard = STANDARD.encode(data);
            assert_eq!(encode(data), standard);
            assert_eq!(decode(&standard).as_deref(), Some(data));
            assert_eq!(decode(&URL_SAFE_NO_PAD.encode(data)).as_deref(), Some(data));
            assert_eq!(
                decode(standard.trim_end_matches('=')).as_deref(),
                Some(data)
            );
        }
    }

    #[test]
    fn refuses_what_is_not_base64() {
        for bad in ["A", "AAAAA", "A===", "AA=A", "AAA*", "AB==", "AAB=", "A*=="] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
