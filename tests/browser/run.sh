#!/usr/bin/env bash
# The engine's browser suite: the package in headless Chromium against the emulator.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/build-pkg.sh >/dev/null
cargo build --release -q -p cognito-emulator
node --test --test-concurrency=1 tests/browser/
