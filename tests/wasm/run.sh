#!/usr/bin/env bash
# Runs the cognito-wasm crate's tests (unit tests and tests/*.rs) as wasm32 in headless
# Chromium, without and with wasm SIMD, through Debian's chromedriver: with CHROMEDRIVER set,
# wasm-pack downloads none.
# Chromium's extra flags come from webdriver.json next to Cargo.toml.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
[ -x "$CHROMEDRIVER" ] || { echo "wasm: $CHROMEDRIVER missing; run make setup" >&2; exit 1; }
# wasm-pack builds the crate in the current directory only, so the emulator (a native
# workspace member) is not part of this run.
# The runner gives each test file 20 s by default; a loaded CI machine may need more.
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-180}
# Feature `std`: the test harness is std, so the crate links std's panic handler, not its own.
wasm-pack --log-level warn test --headless --chrome -- --features std
# Again with wasm SIMD, as the package's main build (src/srp/field/simd.rs), in its own target
# dir (see .cargo/simd.toml).
echo "wasm: again with +simd128" >&2
CARGO_TARGET_DIR=target/simd wasm-pack --log-level warn test --headless --chrome -- \
  --features std --config .cargo/simd.toml
