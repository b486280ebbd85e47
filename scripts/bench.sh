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

# The same crate with the bench entry point, both builds as in the package (the shipped one with
# wasm SIMD, the fallback without), in their own target dirs so they never overwrite the
# package build's artifacts.
bash scripts/build-wasm.sh simd "$out/cargo-simd" "$out/wasm-simd" --features bench
bash scripts/build-wasm.sh baseline "$out/cargo" "$out/wasm" --features bench
# The size floor: the SIMD build with only the SRP math (bench entry point, no engine shell).
bash scripts/build-wasm.sh simd "$out/cargo-simd" "$out/wasm-srp-only" --features srp-only

# The JS SDKs: their SRP code for timing, and a minimal sign-in for the size comparison; the
# same minimal sign-in with this package (pkg/, resolved as "cognito-wasm").
esbuild=tests/js/node_modules/.bin/esbuild
mkdir -p "$out/node_modules"
ln -sfn "$PWD/pkg" "$out/node_modules/cognito-wasm"
for entry in acij-srp acij-signin amplify-srp amplify-signin cognito-wasm-signin; do
  NODE_PATH="tests/js/node_modules:$out/node_modules" "$esbuild" "bench/entries/$entry.mjs" --bundle \
    --format=esm --minify --define:global=globalThis --log-level=warning --outfile="$out/$entry.js"
done

# Native: the same sign-in work in a plain timing loop.
cargo bench -q -p cognito-wasm --features bench --bench srp -- "$rounds" | tail -n 1 >"$out/native.json"

node bench/run.mjs "$out/native.json" "$rounds"
