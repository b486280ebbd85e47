#!/usr/bin/env bash
# Builds the npm package into pkg/: two wasm builds with their wasm-bindgen glue (--target web),
# the hand-owned files of pkg-template/, the <cognito-login> module and the classic-script build
# with the SIMD wasm inlined.
# Usage: scripts/build-pkg.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# wasm-opt, esbuild and lean-qr (bundled into the element) come from the test dependencies.
modules=tests/js/node_modules
if [ ! -x "$modules/.bin/esbuild" ] || [ ! -x "$modules/.bin/wasm-opt" ]; then
  npm ci --prefix tests/js --no-audit --no-fund --loglevel=error >&2
fi

# Two builds of the crate behind the same glue: with wasm SIMD (Chrome 91, Firefox 89, Safari
# 16.4), what index.js loads where WebAssembly.validate accepts a SIMD module, and the baseline
# for other browsers. Both are rebuilt only when the crate or these scripts changed.
wasm=pkg/cognito_wasm_bg.wasm
simd_wasm=pkg/cognito_wasm_simd_bg.wasm
inputs=(src Cargo.toml Cargo.lock scripts/build-pkg.sh scripts/build-wasm.sh scripts/short-imports.mjs)
[ -d .cargo ] && inputs+=(.cargo)
if [ ! -f "$wasm" ] || [ ! -f "$simd_wasm" ] || [ -n "$(find "${inputs[@]}" -newer "$wasm" -print -quit)" ]; then
  builds=target/pkg-wasm
  bash scripts/build-wasm.sh baseline target "$builds/baseline" --lib
  bash scripts/build-wasm.sh simd target/simd "$builds/simd" --lib
  # One glue serves both files, so the builds must agree on every import and export.
  if ! diff -u "$builds/baseline/cognito_wasm.js" "$builds/simd/cognito_wasm.js" >&2; then
    echo "the SIMD and baseline builds have different wasm-bindgen glue" >&2
    exit 1
  fi
  mkdir -p pkg
  cp "$builds/simd/cognito_wasm_bg.wasm" "$simd_wasm"
  # wasm-bindgen's generated glue, minified (issue 6: 5.2 -> 3.7 KB gzip); nobody reads it.
  "$modules/.bin/esbuild" "$builds/baseline/cognito_wasm.js" --minify --format=esm \
    --target=es2022 --log-level=warning --outfile=pkg/cognito_wasm.js
  cp "$builds/baseline/cognito_wasm_bg.wasm" "$wasm"
  # Short import names in both files and the glue (issue 6: wasm-bindgen's are hashed).
  node scripts/short-imports.mjs pkg/cognito_wasm.js "$simd_wasm" "$wasm"
fi
cp pkg-template/package.json pkg-template/index.d.ts pkg-template/element.d.ts pkg-template/global.d.ts \
  pkg-template/react.d.ts pkg/
# The hand-written modules, minified one by one (whitespace and syntax; names stay): an app
# that loads them unbundled fetches 3 KB less gzip. Their documentation is in the .d.ts files.
for module in index.js effects.js simd.js describe.js; do
  "$modules/.bin/esbuild" "pkg-template/$module" --minify-whitespace --minify-syntax --format=esm --target=es2022 \
    --log-level=warning --outfile="pkg/$module"
done

cargo_version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
package_version=$(node -p 'require("./pkg/package.json").version')
if [ "$cargo_version" != "$package_version" ]; then
  echo "pkg-template/package.json version $package_version differs from Cargo.toml $cargo_version" >&2
  exit 1
fi

esbuild() { NODE_PATH="$modules" "$modules/.bin/esbuild" --bundle --target=es2022 --log-level=warning "$@"; }
qr_version=$(node -p "require('./$modules/lean-qr/package.json').version")
banner="/*! cognito-wasm $package_version (MIT OR Apache-2.0); bundles lean-qr $qr_version (MIT), see THIRD_PARTY_LICENSES */"
{
  echo "cognito-wasm's element.js and cognito-wasm.iife.js bundle lean-qr $qr_version:"
  echo
  cat "$modules/lean-qr/LICENSE"
} >pkg/THIRD_PARTY_LICENSES

# The element imports the package entry (kept external: one wasm instance) and bundles lean-qr.
esbuild pkg-template/element.js --format=esm --external:./index.js --banner:js="$banner" \
  --minify-whitespace --minify-syntax --outfile=pkg/element.js

# The classic script: entry, element and glue in one minified IIFE, the SIMD wasm gzipped inside
# (smaller than base64 of the raw bytes once served compressed; one build keeps it small).
stage=target/pkg-iife
rm -rf "$stage"
mkdir -p "$stage"
cp pkg/index.js pkg/effects.js pkg/simd.js pkg/describe.js pkg/cognito_wasm.js pkg/element.js pkg-template/iife.js "$stage/"
gzip -9 -n -c "$simd_wasm" >"$stage/cognito_wasm_simd_bg.wasm.gz"
esbuild "$stage/iife.js" --format=iife --global-name=CognitoWasm --minify --loader:.gz=binary \
  --log-override:empty-import-meta=silent --legal-comments=none --banner:js="$banner" \
  --outfile=pkg/cognito-wasm.iife.js

iife=pkg/cognito-wasm.iife.js
node -e '
  const { createHash } = require("node:crypto");
  const { readFileSync } = require("node:fs");
  const { gzipSync } = require("node:zlib");
  const body = readFileSync(process.argv[1]);
  const kb = (n) => (n / 1024).toFixed(1) + " KB";
  console.log(`${process.argv[1]}: ${kb(body.length)}, ${kb(gzipSync(body, { level: 9 }).length)} gzip`);
  console.log(`integrity="sha384-${createHash("sha384").update(body).digest("base64")}"`);
' "$iife"
echo "pkg/ built (cognito-wasm $package_version)"
