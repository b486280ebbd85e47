//! The wasm interface: the [`crate::engine::Engine`] behind one class with two methods, and
//! the platform's randomness and clock as two imports. No closures, no futures, no JS objects
//! cross the boundary: events and actions are JSON text (see [`crate::engine::action`]).

use alloc::string::String;

use wasm_bindgen::prelude::*;
use zeroize::Zeroize;

use crate::client::Environment;
use crate::error::Error;

#[wasm_bindgen]
extern "C" {
    /// Fills the slice, in wasm memory itself, from the platform's CSPRNG.
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

/// Randomness from `crypto.getRandomValues`, time from `Date.now()`.
struct WebEnv;

impl Environment for WebEnv {
    fn random(&mut self, buf: &mut [u8]) -> Result<(), Error> {
        // getRandomValues fills at most 65536 bytes per call.
        for chunk in buf.chunks_mut(65_536) {
            get_random_values(chunk).map_err(|_| {
                Error::InvalidConfig("crypto.getRandomValues is not available here.".into())
            })?;
        }
        Ok(())
    }

    fn now_ms(&self) -> u64 {
        date_now() as u64
    }
}

/// The engine, as the package's JS driver sees it.
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct Engine(crate::engine::Engine);

#[wasm_bindgen]
impl Engine {
    /// An engine waiting for `{"start":"create","options":config}`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles one event (`data`: a reply's body) and returns the action. Both inputs may hold
    /// a password or tokens, so they are wiped once read.
    pub fn next(&mut self, mut event: String, mut data: String) -> String {
        let action = self.0.handle(&mut WebEnv, &event, &data);
        event.zeroize();
        data.zeroize();
        action
    }

    /// One step of operation `op`'s SRP math; true while more remain.
    pub fn work(&mut self, op: u32) -> bool {
        self.0.work(&mut WebEnv, op)
    }
}
