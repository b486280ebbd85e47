//! cognito-wasm: Amazon Cognito user-pool sign-in for the browser, in WebAssembly.
//!
//! The crate is a pure core that builds and tests natively — [`srp`] (Cognito's SRP-6a
//! variant), [`secret_hash`], [`timestamp`] and [`error`] — plus `web`, the thin wasm32-only
//! shell that talks to JavaScript.
// Without std on the wasm build: its formatting panic machinery and default allocator are most
// of what `core::fmt` costs in the binary (issue 6). Natively, and in the wasm tests (feature
// `std`, whose harness is std), std stays.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]
#![forbid(unsafe_code)]
#![warn(
    missing_docs,
    missing_debug_implementations,
    clippy::unwrap_used,
    clippy::panic,
    unused_qualifications
)]

extern crate alloc;

pub mod base64;
#[cfg(feature = "bench")]
pub mod bench;
pub mod client;
pub mod engine;
pub mod error;
pub mod flow;
pub mod json;
pub mod secret;
pub mod secret_hash;
pub mod srp;
mod text;
pub mod timestamp;
pub mod wire;

#[cfg(all(target_arch = "wasm32", not(feature = "srp-only")))]
mod wasm;

pub use error::{Error, ServiceError, SrpError};

/// A panic can only come from a bug (outside data goes through typed errors), and the release
/// build aborts anyway: trapping here keeps std's message formatting out of the wasm.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Talc, not the dlmalloc std would bring: 4.8 KB less wasm (2.2 KB gzip), and its safe
/// single-threaded-wasm constructor needs no `unsafe` here. Growing each heap anew and
/// reallocating by copy are its smallest settings; the SRP hot loops do not allocate.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[global_allocator]
static ALLOCATOR: talc::cell::TalcSyncCell<talc::wasm::WasmGrowAndClaim, talc::wasm::WasmBinning> =
    talc::cell::TalcSyncCell::new_wasm(talc::wasm::WasmGrowAndClaim);
