#!/usr/bin/env bash
# Builds the crate for wasm32 and runs wasm-bindgen (--target web) and wasm-opt -Oz on it:
# OUT_DIR gets cognito_wasm.js and cognito_wasm_bg.wasm. Used by build-pkg.sh and bench.sh.
# Usage: scripts/build-wasm.sh baseline|simd TARGET_DIR OUT_DIR [CARGO_BUILD_ARGS...]
#
# simd adds -C target-feature=+simd128 (src/srp/field/simd.rs) from .cargo/simd.toml. Give each
# kind its own TARGET_DIR: different flags rebuild every dependency.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
kind=$1 target_dir=$2 out=$3
shift 3
case $kind in
  baseline) config=() features=() ;;
  simd)
    config=(--config .cargo/simd.toml)
    features=(--enable-simd)
    ;;
  *)
    echo "build-wasm.sh: kind must be baseline or simd, not $kind" >&2
    exit 2
    ;;
esac
CARGO_TARGET_DIR=$target_dir cargo build -q --release --target wasm32-unknown-unknown \
  -p cognito-wasm "${config[@]}" "$@"
wasm-bindgen --target web --out-dir "$out" --out-name cognito_wasm \
  "$target_dir/wasm32-unknown-unknown/release/cognito_wasm.wasm"
rm -f "$out/cognito_wasm.d.ts" "$out/cognito_wasm_bg.wasm.d.ts"
# Size pass (issue 6): the pinned npm binaryen's wasm-opt, dropping the name and producers
# sections (-36% raw, -25% gzip on the wasm).
tests/js/node_modules/.bin/wasm-opt -Oz "${features[@]}" --strip-debug --strip-producers \
  -o "$out/cognito_wasm_bg.wasm" "$out/cognito_wasm_bg.wasm"
