//! The wasm32 shell: the only code that talks to JavaScript.

use wasm_bindgen::prelude::*;
