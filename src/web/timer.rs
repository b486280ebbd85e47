//! Timers over the global `setTimeout`, so they work in windows and workers alike.

use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use super::transport::check_abort;
use crate::error::Error;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Waits `ms`, or fails with AbortError as soon as `signal` fires.
pub async fn sleep(ms: u32, signal: Option<&AbortSignal>) -> Result<(), Error> {
    check_abort(signal)?;
    if ms > 0 {
        let waited = Promise::new(&mut |resolve, _| {
            set_timeout(&resolve, f64::from(ms));
        });
        let _ = until_aborted(waited, signal).await;
    }
    check_abort(signal)
}

/// Hands the main thread back to the page with the package's `yieldToPage` hook (its promise
/// settles in a later task), then fails with AbortError if `signal` fired meanwhile.
pub async fn yield_to_page(hook: &JsValue, signal: Option<&AbortSignal>) -> Result<(), Error> {
    if let Some(yielded) = hook
        .dyn_ref::<Function>()
        .and_then(|hook| hook.call0(&JsValue::UNDEFINED).ok())
    {
        let _ = JsFuture::from(Promise::resolve(&yielded)).await;
    }
    check_abort(signal)
}

/// `promise`, raced against `signal` when there is one (it then rejects once the signal
/// fires), as a future.
pub fn until_aborted(promise: Promise, signal: Option<&AbortSignal>) -> JsFuture {
    JsFuture::from(match signal {
        Some(signal) => Promise::race(&js_sys::Array::of2(&promise, &aborted(signal))),
        None => promise,
    })
}

/// A promise that rejects when `signal` fires (never settles otherwise).
fn aborted(signal: &AbortSignal) -> Promise {
    let signal = signal.clone();
    Promise::new(&mut |_, reject| {
        if signal.aborted() {
            let _ = reject.call0(&JsValue::UNDEFINED);
            return;
        }
        let options = js_sys::Object::new();
        super::js::set(&options, "once", true);
        let _ = js_sys::Reflect::get(&signal, &JsValue::from_str("addEventListener"))
            .ok()
            .and_then(|add| {
                add.dyn_ref::<Function>()?
                    .call3(&signal, &JsValue::from_str("abort"), &reject, &options)
                    .ok()
            });
    })
}

/// A pending `setTimeout`, cleared when dropped.
#[must_use = "the timeout is cleared when this is dropped"]
pub struct Timeout {
    id: JsValue,
}

impl Timeout {
    /// Runs `callback` once after `ms`.
    pub fn new(ms: f64, callback: impl FnOnce() + 'static) -> Self {
        let callback = Closure::once_into_js(callback);
        let id = match callback.dyn_ref::<Function>() {
            Some(f) => set_timeout(f, ms.clamp(0.0, 2_147_483_647.0)),
            None => JsValue::UNDEFINED,
        };
        Self { id }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}
