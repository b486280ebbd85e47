//! Small conversions between JS values and the core's types. Nothing here panics on odd input.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::error::Error;
use crate::json::{Json, MAX_DEPTH};
use crate::wire::StringMap;

/// `object[key]`, or `undefined` when `object` is not an object or the getter throws.
pub fn get(object: &JsValue, key: &str) -> JsValue {
    if !object.is_object() && !object.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `object[key]` as a string, when it is one.
pub fn get_string(object: &JsValue, key: &str) -> Option<String> {
    get(object, key).as_string()
}

/// `object[key] = value` (ignoring frozen objects).
pub fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

/// A plain object from string pairs.
pub fn object_from_map(map: &[(String, String)]) -> Object {
    let object = Object::new();
    for (key, value) in map {
        set(&object, key, value.as_str());
    }
    object
}

/// A `Record<string, string>` from JS; `undefined`/`null` is empty. Numbers and booleans are
/// turned into strings; anything else is refused with `what` in the message.
pub fn map_from_object(value: &JsValue, what: &str) -> Result<StringMap, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    if !value.is_object() {
        return Err(Error::InvalidConfig(
            [what, " must be an object of strings."].concat(),
        ));
    }
    let mut map = Vec::new();
    for (key, value) in entries(value) {
        let text = match value.as_string() {
            Some(s) => s,
            None if value.as_bool().is_some() => {
                if value.is_truthy() { "true" } else { "false" }.into()
            }
            None if value.as_f64().is_some() => number_text(value.as_f64().unwrap_or_default()),
            None => {
                return Err(Error::InvalidConfig(
                    [what, ".", &key, " must be a string."].concat(),
                ))
            }
        };
        map.push((key, text));
    }
    Ok(map)
}

/// `Object.entries(object)` as (key, value) pairs.
fn entries(object: &JsValue) -> impl Iterator<Item = (String, JsValue)> {
    Object::entries(object.unchecked_ref())
        .into_iter()
        .map(|entry| {
            let pair: Array = entry.unchecked_into();
            (pair.get(0).as_string().unwrap_or_default(), pair.get(1))
        })
}

/// A number as JS prints it (`String(n)`), without `core::fmt`.
pub fn number_text(n: f64) -> String {
    js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

/// JSON text parsed by the browser's `JSON.parse` (no JSON parser ships in the wasm), or
/// `None` when it is not JSON or nests deeper than [`MAX_DEPTH`].
pub fn parse_json(text: &str) -> Option<Json> {
    json_from_js(&js_sys::JSON::parse(text).ok()?, 0)
}

/// The [`Json`] of a value `JSON.parse` made. Numbers keep `String(n)` as their text, which
/// is exact for the integers Cognito sends.
fn json_from_js(value: &JsValue, depth: usize) -> Option<Json> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(text) = value.as_string() {
        return Some(Json::String(text));
    }
    if let Some(number) = value.as_f64() {
        return Some(Json::Number(number_text(number)));
    }
    if let Some(flag) = value.as_bool() {
        return Some(Json::Bool(flag));
    }
    if let Some(array) = value.dyn_ref::<Array>() {
        let mut items = Vec::new();
        for item in array.iter() {
            items.push(json_from_js(&item, depth + 1)?);
        }
        return Some(Json::Array(items));
    }
    if !value.is_object() {
        return Some(Json::Null);
    }
    let mut members = Vec::new();
    for (key, member) in entries(value) {
        members.push((key, json_from_js(&member, depth + 1)?));
    }
    Some(Json::Object(members))
}

/// A future of `value`: what it settles to if it is a thenable, else the value itself.
pub fn resolve(value: &JsValue) -> JsFuture {
    JsFuture::from(Promise::resolve(value))
}

/// Calls `function(...args)` with `this` = `this`; a throw becomes `Err`.
pub fn call(function: &JsValue, this: &JsValue, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let Some(function) = function.dyn_ref::<js_sys::Function>() else {
        return Err(JsValue::from_str("not a function"));
    };
    match args {
        [] => function.call0(this),
        [a] => function.call1(this, a),
        [a, b] => function.call2(this, a, b),
        _ => function.apply(this, &args.iter().copied().collect()),
    }
}

/// The decoded payload (claims) of a JWT, parsed by the browser's JSON parser.
pub fn jwt_payload(token: &str) -> Result<JsValue, Error> {
    let invalid = || Error::InvalidServerResponse("A token is not a valid JWT.".into());
    // The second of the dot-separated parts (as `split('.').nth(1)`).
    let (_, rest) = crate::text::split_once(token, b'.').ok_or_else(invalid)?;
    let payload = crate::text::split_once(rest, b'.').map_or(rest, |(payload, _)| payload);
    let bytes = crate::base64::decode(payload).ok_or_else(invalid)?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let claims = js_sys::JSON::parse(&text).map_err(|_| invalid())?;
    if !claims.is_object() {
        return Err(invalid());
    }
    Ok(claims)
}

/// A numeric claim (`exp`, `iat`) of a parsed payload.
pub fn claim_seconds(claims: &JsValue, key: &str) -> Option<u64> {
    get(claims, key)
        .as_f64()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| v as u64)
}
