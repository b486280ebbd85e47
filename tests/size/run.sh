#!/usr/bin/env bash
# Size budgets of the built package (pkg/, rebuilt by scripts/build-pkg.sh when stale), gzip -9.
# Sizes are stable, so they are checked in `make test`; times are not (see `make bench`).
#
# Each budget has a ceiling that fails the test (a regression guard a little above today's
# size: raise it only on purpose) and issue 6's target, reported until it is met.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! log=$(bash scripts/build-pkg.sh 2>&1); then
  echo "$log" >&2
  exit 1
fi

node - <<'JS'
const { readFileSync } = require("node:fs");
const { gzipSync } = require("node:zlib");
const gzip = (files) =>
  files.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
const KB = 1024;
const core = ["pkg/cognito_wasm.js", "pkg/index.js", "pkg/simd.js"];
const budgets = [
  {
    // What a browser with wasm SIMD (Chrome 91, Firefox 89, Safari 16.4) downloads.
    name: "ESM core: pkg/cognito_wasm_simd_bg.wasm + cognito_wasm.js + index.js + simd.js",
    files: ["pkg/cognito_wasm_simd_bg.wasm", ...core],
    ceiling: 58.9 * KB,
    target: 26 * KB,
  },
  {
    name: "ESM core without wasm SIMD: pkg/cognito_wasm_bg.wasm + the same JS",
    files: ["pkg/cognito_wasm_bg.wasm", ...core],
    ceiling: 58.2 * KB,
    target: 26 * KB,
  },
  {
    name: "classic script with the element: pkg/cognito-wasm.iife.js",
    files: ["pkg/cognito-wasm.iife.js"],
    ceiling: 65.5 * KB,
    target: 40 * KB,
  },
];
let passed = 0;
let failed = 0;
const kb = (n) => (n / KB).toFixed(1) + " KB";
for (const { name, files, ceiling, target } of budgets) {
  const size = gzip(files);
  const ok = size <= ceiling;
  ok ? passed++ : failed++;
  const goal = size <= target ? "meets" : `above by ${kb(size - target)}:`;
  console.log(
    `${ok ? "ok  " : "FAIL"} ${name}: ${kb(size)} gzip (ceiling ${kb(ceiling)}; ` +
      `${goal} issue 6 target ${kb(target)})`,
  );
}
console.log(`size: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
JS
