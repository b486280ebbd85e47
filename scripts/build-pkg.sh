#!/usr/bin/env bash
# Builds the npm package into pkg/: wasm-pack's glue (--target web) plus the hand-owned files
# of pkg-template/. Usage: scripts/build-pkg.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

wasm-pack build --target web --release --no-pack --out-dir pkg --out-name cognito_wasm >&2
rm -f pkg/.gitignore pkg/cognito_wasm.d.ts pkg/cognito_wasm_bg.wasm.d.ts
cp pkg-template/package.json pkg-template/index.js pkg-template/index.d.ts pkg/

cargo_version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
package_version=$(node -p 'require("./pkg/package.json").version')
if [ "$cargo_version" != "$package_version" ]; then
  echo "pkg-template/package.json version $package_version differs from Cargo.toml $cargo_version" >&2
  exit 1
fi
echo "pkg/ built (cognito-wasm $package_version)"
