#!/usr/bin/env bash
# make test-ct: the constant-time helpers of the SRP code (masked select, conditional
# subtraction, table scan, the fixed-width read of `a`, padHex's strip count) have no
# data-dependent branch or address in the shipped wasm.
#
# Builds the SRP math alone (feature srp-only: no engine shell) as the package builds it,
# baseline and wasm SIMD (scripts/build-wasm.sh), then repeats that script's last step with
# --symbolmap to learn which function is which: its output must be byte-identical to the
# built file, so the code checked is exactly the code built. tests/ct/check.mjs then checks
# the functions in wasm-dis's text (see there for the rules, and the plants that prove it).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"
bin=tests/js/node_modules/.bin
out=target/ct

for kind in baseline simd; do
  flags=()
  [ "$kind" = simd ] && flags=(--enable-simd)
  bash scripts/build-wasm.sh "$kind" "$out/cargo-$kind" "$out/$kind" --features srp-only
  named=$out/$kind-named
  wasm-bindgen --target web --out-dir "$named" --out-name cognito_wasm \
    "$out/cargo-$kind/wasm32-unknown-unknown/release/cognito_wasm.wasm"
  "$bin/wasm-opt" -Oz "${flags[@]}" --strip-debug --strip-producers \
    --symbolmap="$named/symbols.map" -o "$named/out.wasm" "$named/cognito_wasm_bg.wasm"
  if ! cmp -s "$named/out.wasm" "$out/$kind/cognito_wasm_bg.wasm"; then
    echo "ct: the --symbolmap run differs from scripts/build-wasm.sh's output (flags out of sync?)" >&2
    exit 1
  fi
  "$bin/wasm-dis" "$out/$kind/cognito_wasm_bg.wasm" >"$named/module.wat"
  echo "ct: $kind build ($(wc -c <"$out/$kind/cognito_wasm_bg.wasm") bytes)"
  node tests/ct/check.mjs shipped "$named/module.wat" "$named/symbols.map"
  # padHex's strip count has one caller, which binaryen inlines it into: checked in the same
  # build with only that inlining turned off.
  "$bin/wasm-opt" --no-inline='*pad_hex_start*' -Oz "${flags[@]}" --strip-debug --strip-producers \
    --symbolmap="$named/no-inline.map" -o "$named/no-inline.wasm" "$named/cognito_wasm_bg.wasm"
  "$bin/wasm-dis" "$named/no-inline.wasm" >"$named/no-inline.wat"
  echo "ct: $kind build, pad_hex_start not inlined"
  node tests/ct/check.mjs no-inline "$named/no-inline.wat" "$named/no-inline.map"
done
