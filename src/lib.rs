//! cognito-wasm: Amazon Cognito user-pool sign-in for the browser, in WebAssembly.
//!
//! The crate is a pure core that builds and tests natively — [`srp`] (Cognito's SRP-6a
//! variant), [`secret_hash`], [`timestamp`] and [`error`] — plus `web`, the thin wasm32-only
//! shell that talks to JavaScript.
#![forbid(unsafe_code)]
#![warn(
    missing_docs,
    missing_debug_implementations,
    clippy::unwrap_used,
    clippy::panic,
    unused_qualifications
)]

mod base64;
#[cfg(feature = "bench")]
pub mod bench;
pub mod client;
pub mod error;
pub mod flow;
pub mod json;
pub mod secret_hash;
pub mod srp;
mod text;
pub mod timestamp;
pub mod wire;

#[cfg(target_arch = "wasm32")]
mod web;

pub use error::{Error, ServiceError, SrpError};
