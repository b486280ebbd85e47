//! The deterministic environment every native test and the fuzz entries run in (`fuzz/entries.rs`
//! includes this file by path).

use cognito_wasm::client::Environment;
use cognito_wasm::Error;

/// The fixed clock, in seconds since the Unix epoch ("Tue Sep 3 07:05:09 UTC 2024").
pub const NOW: u64 = 1_725_347_109;

/// Deterministic "randomness" (xorshift) and a fixed clock.
pub struct TestEnv(pub u64);

impl Environment for TestEnv {
    fn random(&mut self, buf: &mut [u8]) -> Result<(), Error> {
        for byte in buf {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *byte = self.0 as u8;
        }
        Ok(())
    }
    fn now_ms(&self) -> u64 {
        NOW * 1000
    }
}
