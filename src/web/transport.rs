//! One Cognito call over `fetch`: the configured function, or the global one.

use alloc::string::String;

use js_sys::{Function, Object};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Response};

use super::js::{resolve, set};
use super::timer::sleep;
use super::WebEnv;
use crate::client::{backoff_ms, Environment, MAX_RETRIES};
use crate::error::Error;
use crate::json::Json;
use crate::wire::{HttpReply, Request, CONTENT_TYPE};

/// Sent as `X-Amz-User-Agent` (browsers forbid setting `User-Agent`).
const USER_AGENT: &str = concat!("cognito-wasm/", env!("CARGO_PKG_VERSION"));

/// Where and how requests go.
pub struct Transport {
    endpoint: String,
    /// A `fetch`-compatible function, or `undefined` for the global `fetch`.
    fetch: JsValue,
}

impl Transport {
    /// A transport to `endpoint`, through `fetch` when it is a function.
    pub fn new(endpoint: String, fetch: JsValue) -> Result<Self, Error> {
        if !fetch.is_undefined() && !fetch.is_function() {
            return Err(Error::InvalidConfig("fetch must be a function.".into()));
        }
        Ok(Self { endpoint, fetch })
    }

    /// POSTs the request and interprets the reply.
    pub async fn send(
        &self,
        request: &Request,
        signal: Option<&AbortSignal>,
    ) -> Result<Json, Error> {
        check_abort(signal)?;
        let headers = Object::new();
        set(&headers, "Content-Type", CONTENT_TYPE);
        set(&headers, "X-Amz-Target", request.operation.target());
        set(&headers, "X-Amz-User-Agent", USER_AGENT);
        set(&headers, "Cache-Control", "no-store");
        let init = Object::new();
        set(&init, "method", "POST");
        set(&init, "mode", "cors");
        set(&init, "headers", headers);
        set(&init, "body", request.body_text());
        if let Some(signal) = signal {
            set(&init, "signal", signal.clone());
        }
        let global = js_sys::global();
        let fetch = if self.fetch.is_undefined() {
            super::js::get(&global, "fetch")
        } else {
            self.fetch.clone()
        };
        let fetch: Function = fetch
            .dyn_into()
            .map_err(|_| Error::InvalidConfig("No fetch function is available.".into()))?;
        let pending = fetch
            .call2(&global, &JsValue::from_str(&self.endpoint), &init)
            .map_err(|e| network_error(&e, signal))?;
        let response: Response = resolve(&pending)
            .await
            .map_err(|e| network_error(&e, signal))?
            .unchecked_into();
        let header = |name: &str| response.headers().get(name).ok().flatten();
        let reply = HttpReply {
            status: response.status(),
            error_type: header("x-amzn-ErrorType"),
            request_id: header("x-amzn-RequestId"),
            body: None,
        };
        let text = response.text().map_err(|e| network_error(&e, signal))?;
        let body = JsFuture::from(text)
            .await
            .map_err(|e| network_error(&e, signal))?
            .as_string()
            .and_then(|text| super::js::parse_json(&text));
        HttpReply { body, ..reply }.into_json()
    }

    /// [`Transport::send`] with retries for transient failures (for idempotent one-shot calls).
    pub async fn send_with_retry(
        &self,
        request: &Request,
        signal: Option<&AbortSignal>,
    ) -> Result<Json, Error> {
        let mut retry = 0;
        loop {
            match self.send(request, signal).await {
                Err(error) if error.retryable() && retry < MAX_RETRIES => {
                    let mut noise = [0u8; 2];
                    WebEnv.random(&mut noise)?;
                    sleep(backoff_ms(retry, u16::from_le_bytes(noise)), signal).await?;
                    retry += 1;
                }
                outcome => return outcome,
            }
        }
    }
}

/// Fails with AbortError once the signal has fired.
pub fn check_abort(signal: Option<&AbortSignal>) -> Result<(), Error> {
    match signal {
        Some(s) if s.aborted() => Err(Error::Abort),
        _ => Ok(()),
    }
}

/// A rejected fetch: an abort when the signal fired, else a network failure.
fn network_error(error: &JsValue, signal: Option<&AbortSignal>) -> Error {
    if check_abort(signal).is_err() {
        return Error::Abort;
    }
    let detail = super::js::get_string(error, "message").unwrap_or_default();
    Error::Network(["The request failed: ", &detail].concat())
}
