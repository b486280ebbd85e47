//! Where tokens and remembered devices live: memory (the default), the browser's Web Storage,
//! or any object with `getItem` / `setItem` / `removeItem` (sync or async).

use std::cell::RefCell;

use wasm_bindgen::JsValue;

use super::js::{call, get, resolve};
use crate::error::Error;

/// A key-value store for the SDK's state.
pub enum Storage {
    /// Gone on reload (the default: nothing outlives the page).
    Memory(RefCell<Vec<(String, String)>>),
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
            return Ok(Self::Memory(RefCell::new(Vec::new())));
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
    pub async fn get(&self, key: &str) -> Result<Option<String>, Error> {
        match self {
            Self::Memory(items) => Ok(items
                .borrow()
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())),
            Self::Js(object) => Ok(self.invoke(object, "getItem", key, None).await?.as_string()),
        }
    }

    /// Stores `value` under `key`.
    pub async fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        match self {
            Self::Memory(items) => {
                let mut items = items.borrow_mut();
                items.retain(|(k, _)| k != key);
                items.push((key.into(), value.into()));
                Ok(())
            }
            Self::Js(object) => self
                .invoke(object, "setItem", key, Some(value))
                .await
                .map(drop),
        }
    }

    /// Removes `key`.
    pub async fn remove(&self, key: &str) -> Result<(), Error> {
        match self {
            Self::Memory(items) => {
                items.borrow_mut().retain(|(k, _)| k != key);
                Ok(())
            }
            Self::Js(object) => self.invoke(object, "removeItem", key, None).await.map(drop),
        }
    }

    async fn invoke(
        &self,
        object: &JsValue,
        method: &str,
        key: &str,
        value: Option<&str>,
    ) -> Result<JsValue, Error> {
        let function = get(object, method);
        let key = JsValue::from_str(key);
        let result = match value {
            None => call(&function, object, &[&key]),
            Some(value) => call(&function, object, &[&key, &JsValue::from_str(value)]),
        };
        let failed = |_| Error::InvalidConfig(["storage.", method, " failed."].concat());
        resolve(result.map_err(failed)?).await.map_err(failed)
    }
}
