#!/usr/bin/env bash
# make bench: times the SDK's SRP against amazon-cognito-identity-js, Amplify v6 and plain JS
# BigInt in headless Chromium, the same Rust natively, a full sign-in against the emulator,
# and the package sizes; prints a table and writes it into README.md's benchmarks section.
# Usage: scripts/bench.sh [ROUNDS]   (default 25; run it on a quiet machine: check `uptime`)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
rounds=${1:-25}
out=target/bench
mkdir -p "$out"

# Bench-only npm packages (Amplify v6), pinned in bench/package-lock.json.
stamp=bench/node_modules/.bench-stamp
want=$(cat bench/package.json bench/package-lock.json | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --prefix bench --no-audit --no-fund --loglevel=error >/dev/null
  echo "$want" >"$stamp"
fi

# The package as shipped (sizes, emulator sign-in) and the emulator.
bash scripts/build-pkg.sh
cargo build -q --release -p cognito-emulator

# The same crate with the bench entry point, in its own target dir so it never overwrites
# the package build's artifacts; optimised like the package.
CARGO_TARGET_DIR=$out/cargo cargo build -q --release --target wasm32-unknown-unknown \
  -p cognito-wasm --features bench
wasm-bindgen --target web --out-dir "$out/wasm" \
  "$out/cargo/wasm32-unknown-unknown/release/cognito_wasm.wasm"
tests/js/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  -o "$out/wasm/cognito_wasm_bg.wasm" "$out/wasm/cognito_wasm_bg.wasm"
# The same with wasm SIMD (src/srp/field/simd.rs), measured but not shipped (RUSTFLAGS replaces
# .cargo/config.toml's flags, so its sha2 cfg is repeated).
RUSTFLAGS="-C target-feature=+simd128 --cfg sha2_backend_soft=\"compact\"" CARGO_TARGET_DIR=$out/cargo-simd cargo build -q --release \
  --target wasm32-unknown-unknown -p cognito-wasm --features bench
wasm-bindgen --target web --out-dir "$out/wasm-simd" \
  "$out/cargo-simd/wasm32-unknown-unknown/release/cognito_wasm.wasm"
tests/js/node_modules/.bin/wasm-opt -Oz --enable-simd --strip-debug --strip-producers \
  -o "$out/wasm-simd/cognito_wasm_bg.wasm" "$out/wasm-simd/cognito_wasm_bg.wasm"

# The JS SDKs: their SRP code for timing, and a minimal sign-in for the size comparison.
esbuild=tests/js/node_modules/.bin/esbuild
for entry in acij-srp acij-signin amplify-srp amplify-signin; do
  NODE_PATH=tests/js/node_modules "$esbuild" "bench/entries/$entry.mjs" --bundle --format=esm \
    --minify --define:global=globalThis --log-level=warning --outfile="$out/$entry.js"
done

# Native: the same sign-in work in a plain timing loop.
cargo bench -q -p cognito-wasm --features bench --bench srp -- "$rounds" | tail -n 1 >"$out/native.json"

node bench/run.mjs "$out/native.json" "$rounds"
