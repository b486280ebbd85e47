//! The wasm32 shell: the only code that talks to JavaScript. It performs what the core
//! decides — fetch, storage, timers and the app's challenge handlers — and nothing else.

mod auth;
mod handlers;
mod js;
mod storage;
mod timer;
mod transport;

use wasm_bindgen::JsValue;

use crate::client::Environment;
use crate::error::Error;
use crate::json::Json;

/// Randomness from `crypto.getRandomValues`, time from `Date.now()`, JSON from `JSON.parse`.
pub struct WebEnv;

impl Environment for WebEnv {
    fn random(&mut self, buf: &mut [u8]) -> Result<(), Error> {
        let crypto = js::get(&js_sys::global(), "crypto");
        let get_random_values = js::get(&crypto, "getRandomValues");
        let unavailable =
            || Error::InvalidConfig("crypto.getRandomValues is not available here.".into());
        if !get_random_values.is_function() {
            return Err(unavailable());
        }
        // getRandomValues fills at most 65536 bytes per call.
        for chunk in buf.chunks_mut(65_536) {
            let array = js_sys::Uint8Array::new_with_length(chunk.len() as u32);
            js::call(&get_random_values, &crypto, &[&array]).map_err(|_| unavailable())?;
            // Byte by byte: `copy_to`'s length assert would link a formatted panic.
            for (i, byte) in (0u32..).zip(chunk.iter_mut()) {
                *byte = array.get_index(i);
            }
        }
        Ok(())
    }

    fn now(&self) -> u64 {
        (js_sys::Date::now() / 1000.0) as u64
    }

    fn parse_json(&self, text: &str) -> Option<Json> {
        js::parse_json(text)
    }
}

/// A failure on its way to JS.
pub enum Failure {
    /// An SDK or service error, with the thrown value that caused it (or `undefined`).
    Error {
        /// What failed.
        error: Error,
        /// A handler's exception, kept as the JS error's `cause`.
        cause: JsValue,
    },
    /// A JS error already made (e.g. by a refresh another caller started).
    Thrown(JsValue),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::Error {
            error,
            cause: JsValue::UNDEFINED,
        }
    }
}
