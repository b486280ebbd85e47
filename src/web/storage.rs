//! Where tokens and remembered devices live: memory (the default), the browser's Web Storage,
//! or any object with `getItem` / `setItem` / `removeItem` (sync or async).

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::js::{call, get, resolve};
use crate::error::Error;

/// A key-value store for the SDK's state.
pub enum Storage {
    /// Gone on reload (the default: nothing outlives the page). A JS `Map`: less wasm than
    /// a Rust map of owned strings (issue 6).
    Memory(js_sys::Map),
    /// `localStorage`, `sessionStorage` or an app's `StorageLike` object.
    Js(JsValue),
}

impl Storage {
    /// From the `storage` option.
    pub fn from_option(option: &JsValue) -> Result<Self, Error> {
        if option.is_undefined()
            || option.is_null()
            || option.as_string().as_deref() == Some("memory")
        {
            return Ok(Self::Memory(js_sys::Map::new()));
        }
        let object = match option.as_string().as_deref() {
            Some(name @ ("localStorage" | "sessionStorage")) => {
                let store = get(&js_sys::global(), name);
                if !store.is_object() {
                    return Err(Error::InvalidConfig(
                        [name, " is not available here."].concat(),
                    ));
                }
                store
            }
            Some(_) => {
                return Err(Error::InvalidConfig(
                    "storage must be \"memory\", \"localStorage\", \"sessionStorage\" or an object with getItem, setItem and removeItem.".into(),
                ))
            }
            None => option.clone(),
        };
        if ["getItem", "setItem", "removeItem"]
            .iter()
            .any(|m| !get(&object, m).is_function())
        {
            return Err(Error::InvalidConfig(
                "storage needs getItem, setItem and removeItem.".into(),
            ));
        }
        Ok(Self::Js(object))
    }

    /// The value stored under `key`.
    pub fn get(&self, key: &str) -> Pending {
        match self {
            Self::Memory(items) => Pending::ready(items.get(&JsValue::from_str(key))),
            Self::Js(object) => Pending::call(object, "getItem", key, None),
        }
    }

    /// Stores `value` under `key`.
    pub fn set(&self, key: &str, value: &str) -> Pending {
        match self {
            Self::Memory(items) => {
                items.set(&JsValue::from_str(key), &JsValue::from_str(value));
                Pending::ready(JsValue::UNDEFINED)
            }
            Self::Js(object) => Pending::call(object, "setItem", key, Some(value)),
        }
    }

    /// Removes `key`.
    pub fn remove(&self, key: &str) -> Pending {
        match self {
            Self::Memory(items) => {
                items.delete(&JsValue::from_str(key));
                Pending::ready(JsValue::UNDEFINED)
            }
            Self::Js(object) => Pending::call(object, "removeItem", key, None),
        }
    }
}

/// A storage call in progress: one small future for every operation (not an `async fn`
/// state machine each). Resolves to what the call returned (a string or null for `getItem`);
/// the memory store's calls are ready at once, as before.
pub enum Pending {
    /// The memory store's answer.
    Ready(Option<JsValue>),
    /// A JS storage call's (possibly async) result.
    Waiting(JsFuture, &'static str),
    /// The JS storage call (the method named) threw.
    Failed(&'static str),
}

impl Pending {
    fn ready(value: JsValue) -> Self {
        Self::Ready(Some(value))
    }

    fn call(object: &JsValue, method: &'static str, key: &str, value: Option<&str>) -> Self {
        let function = get(object, method);
        let key = JsValue::from_str(key);
        let result = match value {
            None => call(&function, object, &[&key]),
            Some(value) => call(&function, object, &[&key, &JsValue::from_str(value)]),
        };
        match result {
            Ok(returned) => Self::Waiting(resolve(&returned), method),
            Err(_) => Self::Failed(method),
        }
    }
}

impl Future for Pending {
    type Output = Result<JsValue, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut *self {
            Self::Ready(value) => Poll::Ready(Ok(value.take().unwrap_or_default())),
            Self::Waiting(future, method) => {
                let method = *method;
                Pin::new(future).poll(cx).map_err(|_| failed(method))
            }
            Self::Failed(method) => Poll::Ready(Err(failed(method))),
        }
    }
}

fn failed(method: &str) -> Error {
    Error::InvalidConfig(["storage.", method, " failed."].concat())
}
