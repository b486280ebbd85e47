//! Splitting text at an ASCII separator by byte position, without `str`'s pattern searchers
//! (smaller wasm; an ASCII byte is always a char boundary, so `get` never fails there).

/// `text.split_once(sep)` for an ASCII `sep`.
pub fn split_once(text: &str, sep: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == sep)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// Whether `needle` occurs in `text`: a byte search, since `str::contains` with a `&str` needle
/// links core's two-way searcher and its slicing panics (about 2 KB of wasm).
pub fn contains(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len().max(1))
        .any(|window| window == needle.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_str_split_once() {
        for text in [
            "",
            "_",
            "a_",
            "_b",
            "us-east-1_AbC",
            "a_b_c",
            "no separator",
            "é_ü",
        ] {
            assert_eq!(split_once(text, b'_'), text.split_once('_'), "{text:?}");
            assert_eq!(contains(text, "_b"), text.contains("_b"), "{text:?}");
        }
    }
}
