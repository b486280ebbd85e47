#!/usr/bin/env bash
# The package suites: tarball and exports, the ESM entry and <cognito-login> under the strict
# CSP, a Vite production build of the packed tarball, and the demo pages, all in headless
# Chromium against the emulator. Screenshots and scratch files go to tests/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/build-pkg.sh
cargo build --release -q -p cognito-emulator
mkdir -p tests/artifacts

# Its own process group, so that whatever a suite leaves behind (emulator, server, browser)
# is stopped with it, even on failure or Ctrl-C.
setsid node --test --test-concurrency=1 --test-timeout=240000 tests/package/ &
suite=$!
trap 'kill -- -"$suite" 2>/dev/null || true' EXIT
wait "$suite"
