//! JSON text written straight into a `String`: request bodies and the engine's actions are
//! built this way, without a [`super::Json`] tree in between (less code in the wasm, and no
//! second copy of a password or a token in a tree).

use alloc::string::String;

/// Writes one JSON object member by member: `{"a":"x","b":{…}}`.
#[derive(Debug)]
pub struct ObjectWriter {
    out: String,
}

impl Default for ObjectWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ObjectWriter {
    /// An empty object.
    pub fn new() -> Self {
        Self { out: "{".into() }
    }

    /// `"key":` after a comma when needed.
    fn key(&mut self, key: &str) -> &mut String {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        push_string(&mut self.out, key);
        self.out.push(':');
        &mut self.out
    }

    /// A string member.
    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        push_string(self.key(key), value);
        self
    }

    /// A string member, when there is a value.
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.str(key, value);
        }
        self
    }

    /// A member whose value is JSON text already (an object, array, number or literal).
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key).push_str(json);
        self
    }

    /// A non-negative integer member.
    pub fn num(&mut self, key: &str, value: u64) -> &mut Self {
        push_decimal(self.key(key), value);
        self
    }

    /// A `true`/`false` member.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.raw(key, if value { "true" } else { "false" })
    }

    /// A `{string: string}` member.
    pub fn map(&mut self, key: &str, pairs: &[(String, String)]) -> &mut Self {
        let mut map = ObjectWriter::new();
        for (name, value) in pairs {
            map.str(name, value);
        }
        self.raw(key, &map.finish())
    }

    /// The object's text.
    pub fn finish(&mut self) -> String {
        let mut out = core::mem::take(&mut self.out);
        out.push('}');
        out
    }
}

/// `object` (the text of a JSON object) with one more member, `key` with the JSON `raw`.
pub fn append_member(mut object: String, key: &str, raw: &str) -> String {
    if !object.ends_with('}') {
        return object;
    }
    object.pop();
    if object.len() > 1 {
        object.push(',');
    }
    push_string(&mut object, key);
    object.push(':');
    object.push_str(raw);
    object.push('}');
    object
}

/// `["a","b"]`.
pub fn string_array<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for item in items {
        if out.len() > 1 {
            out.push(',');
        }
        push_string(&mut out, item);
    }
    out.push(']');
    out
}

/// `[a,b]` from JSON texts.
pub fn raw_array<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::from("[");
    for item in items {
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(item.as_ref());
    }
    out.push(']');
    out
}

/// A JSON string literal of `s`.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string(&mut out, s);
    out
}

/// Appends `s` as a JSON string literal (quotes, backslashes and control characters escaped).
pub fn push_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `value` in decimal (no `core::fmt`, which the wasm build leaves out).
pub fn push_decimal(out: &mut String, value: u64) {
    let mut digits = [0u8; 20];
    let mut rest = value;
    let mut start = digits.len();
    loop {
        start -= 1;
        if let Some(digit) = digits.get_mut(start) {
            *digit = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || start == 0 {
            break;
        }
    }
    for &digit in digits.get(start..).unwrap_or_default() {
        out.push(char::from(digit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Json;

    #[test]
    fn writes_what_the_parser_reads_back() {
        let mut inner = ObjectWriter::new();
        inner.str("k", "v");
        let mut writer = ObjectWriter::new();
        writer
            .str("a", "q\"\\\n\u{1}\té")
            .opt_str("missing", None)
            .num("n", 18_446_744_073_709_551_615)
            .num("zero", 0)
            .bool("t", true)
            .raw("o", &inner.finish())
            .map("m", &[("x".into(), "y".into())])
            .raw("arr", &string_array(["1", "2"]));
        let text = writer.finish();
        assert_eq!(
            text,
            r#"{"a":"q\"\\\n\u0001\u0009é","n":18446744073709551615,"zero":0,"t":true,"o":{"k":"v"},"m":{"x":"y"},"arr":["1","2"]}"#
        );
        let json = Json::parse(&text).unwrap();
        assert_eq!(
            json.get("a").and_then(Json::as_str),
            Some("q\"\\\n\u{1}\té")
        );
        assert_eq!(ObjectWriter::new().finish(), "{}");
        assert_eq!(raw_array(&["1", "{}"]), "[1,{}]");
        assert_eq!(append_member("{}".into(), "k", "1"), r#"{"k":1}"#);
        assert_eq!(
            append_member(r#"{"a":2}"#.into(), "k", "[]"),
            r#"{"a":2,"k":[]}"#
        );
    }
}
