//! A small JSON value with a strict parser and a compact encoder.
//!
//! Cognito speaks JSON 1.1 with strings, small integers, booleans and string maps. A value type
//! of our own keeps `core::fmt`, float formatting and serde's visitors out of the wasm binary
//! (the size breakdown in the performance issue puts those at ~35 KB). Numbers keep their source
//! text; only integers are ever read from them. The wasm build parses with the browser's
//! `JSON.parse` instead (`Environment::parse_json`, the shell's transport and storage), so
//! [`Json::parse`] serves the native builds and tests and does not ship.

use alloc::string::String;
use alloc::vec::Vec;

mod writer;

pub use writer::{
    append_member, push_decimal, push_string, raw_array, string_array, string_literal, ObjectWriter,
};

/// Deepest nesting the parser accepts; Cognito replies nest three levels.
pub const MAX_DEPTH: usize = 32;

/// A JSON value. Object members keep their order; lookups take the first match. Replies hold
/// tokens and sessions, so `Debug` shows the shape with every string and number redacted.
#[derive(Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object.
    Object(Vec<(String, Json)>),
}

impl core::fmt::Debug for Json {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(flag) => write!(f, "{flag}"),
            Json::Number(_) | Json::String(_) => f.write_str("[redacted]"),
            Json::Array(items) => f.debug_list().entries(items).finish(),
            Json::Object(members) => f
                .debug_map()
                .entries(members.iter().map(|(k, v)| (k, v)))
                .finish(),
        }
    }
}

/// Why a text is not JSON; `at` is the byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset of the problem.
    pub at: usize,
}

impl Json {
    /// Parses a whole document (surrounding whitespace allowed).
    pub fn parse(text: &str) -> Result<Json, JsonError> {
        let mut parser = Parser {
            bytes: text.as_bytes(),
            pos: 0,
        };
        let value = parser.value(0)?;
        parser.skip_ws();
        if parser.pos != parser.bytes.len() {
            return Err(parser.error());
        }
        Ok(value)
    }

    /// An object from `(key, value)` pairs. A plain loop: `collect` here cost ~400 bytes of
    /// wasm for each array length it was called with (issue 6).
    pub fn object<K: Into<String>>(members: impl IntoIterator<Item = (K, Json)>) -> Json {
        let mut object = Vec::new();
        for (key, value) in members {
            object.push((key.into(), value));
        }
        Json::Object(object)
    }

    /// A string value.
    pub fn str(value: impl Into<String>) -> Json {
        Json::String(value.into())
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The value as a non-negative integer, if it is a number written as one.
    pub fn as_u64(&self) -> Option<u64> {
        let Json::Number(text) = self else {
            return None;
        };
        let digits = text.strip_suffix(".0").unwrap_or(text);
        if digits.is_empty() || digits.len() > 19 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.bytes().try_fold(0u64, |acc, b| {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        })
    }

    /// Inserts or replaces `key` in an object (no-op on other values).
    pub fn set(&mut self, key: &str, value: Json) {
        if let Json::Object(members) = self {
            match members.iter_mut().find(|(k, _)| k == key) {
                Some((_, slot)) => *slot = value,
                None => members.push((key.into(), value)),
            }
        }
    }

    /// Compact JSON text.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        self.encode_into(&mut out);
        out
    }

    fn encode_into(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(true) => out.push_str("true"),
            Json::Bool(false) => out.push_str("false"),
            Json::Number(text) => out.push_str(text),
            Json::String(s) => push_string(out, s),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.encode_into(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_string(out, key);
                    out.push(':');
                    value.encode_into(out);
                }
                out.push('}');
            }
        }
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self) -> JsonError {
        JsonError { at: self.pos }
    }

    /// The UTF-8 text from `start` to the current position (`get`, not indexing: no panic path).
    fn text(&self, start: usize) -> Result<&str, JsonError> {
        let bytes = self
            .bytes
            .get(start..self.pos)
            .ok_or_else(|| self.error())?;
        core::str::from_utf8(bytes).map_err(|_| self.error())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), JsonError> {
        if self.peek() != Some(byte) {
            return Err(self.error());
        }
        self.pos += 1;
        Ok(())
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, JsonError> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        if !rest.starts_with(word.as_bytes()) {
            return Err(self.error());
        }
        self.pos += word.len();
        Ok(value)
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error());
        }
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error()),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.expect(b'{')?;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_ws();
            let key = self.string()?;
            self.skip_ws();
            self.expect(b':')?;
            members.push((key, self.value(depth + 1)?));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.error()),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error()),
            }
        }
    }

    /// RFC 8259 number grammar; the text is kept as written.
    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error()),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.require_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.require_digits()?;
        }
        let text = self.text(start)?;
        Ok(Json::Number(text.into()))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn require_digits(&mut self) -> Result<(), JsonError> {
        let start = self.pos;
        self.digits();
        if self.pos == start {
            return Err(self.error());
        }
        Ok(())
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.pos += 1;
            }
            let run = self.text(start)?;
            out.push_str(run);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    out.push(self.escape()?);
                }
                _ => return Err(self.error()),
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        let byte = self.peek().ok_or(self.error())?;
        self.pos += 1;
        Ok(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                if (0xd800..0xdc00).contains(&high) {
                    self.expect(b'\\')?;
                    self.expect(b'u')?;
                    let low = self.hex4()?;
                    if !(0xdc00..0xe000).contains(&low) {
                        return Err(self.error());
                    }
                    let code = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
                    char::from_u32(code).ok_or(self.error())?
                } else {
                    char::from_u32(high).ok_or(self.error())?
                }
            }
            _ => return Err(self.error()),
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.bytes.get(self.pos..self.pos + 4).ok_or(self.error())?;
        let mut value = 0u32;
        for &d in digits {
            let nibble = char::from(d).to_digit(16).ok_or(self.error())?;
            value = value << 4 | nibble;
        }
        self.pos += 4;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_cognito_reply() {
        let text = r#" {"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"SALT":"ab","USER_ID_FOR_SRP":"al\u00e9\ud83d\ude00"},"AuthenticationResult":{"ExpiresIn":3600,"X":[1.5e3,-0,true,false,null]}} "#;
        let json = Json::parse(text).unwrap();
        assert_eq!(
            json.get("ChallengeName").and_then(Json::as_str),
            Some("PASSWORD_VERIFIER")
        );
        let params = json.get("ChallengeParameters").unwrap();
        assert_eq!(
            params.get("USER_ID_FOR_SRP").and_then(Json::as_str),
            Some("alé😀")
        );
        let result = json.get("AuthenticationResult").unwrap();
        assert_eq!(result.get("ExpiresIn").and_then(Json::as_u64), Some(3600));
    }

    #[test]
    fn encodes_and_round_trips() {
        let value = Json::object([
            ("a", Json::str("q\"\\\n\u{1}é")),
            ("b", Json::Array(vec![Json::Null, Json::Bool(true)])),
            ("c", Json::object::<&str>([])),
        ]);
        let text = value.encode();
        assert_eq!(text, r#"{"a":"q\"\\\n\u0001é","b":[null,true],"c":{}}"#);
        assert_eq!(Json::parse(&text).unwrap(), value);
    }

    #[test]
    fn rejects_malformed_text_without_panicking() {
        let deep = "[".repeat(10_000);
        for bad in [
            "",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "[1,]",
            "01",
            "1.",
            "-",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"abc",
            "tru",
            "nul",
            "{} x",
            "\"\u{1}\"",
            "\"\\u12\"",
            &deep,
        ] {
            assert!(Json::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn integers_only_from_numbers() {
        let n = |t: &str| Json::parse(t).unwrap().as_u64();
        assert_eq!(n("42"), Some(42));
        assert_eq!(n("3600.0"), Some(3600));
        assert_eq!(n("-1"), None);
        assert_eq!(n("1e3"), None);
        assert_eq!(n("99999999999999999999"), None);
        assert_eq!(n("\"42\""), None);
    }
}
