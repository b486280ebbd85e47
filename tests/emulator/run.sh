#!/usr/bin/env bash
# The emulator suites (make test-emulator): builds the release emulator, starts it on a free
# port, runs the Python suites (pycognito, the raw wire protocol, webhooks) and the Node suite
# (amazon-cognito-identity-js) against it, always stops it, and ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x .venv/bin/python ] || [ ! -d tests/js/node_modules/amazon-cognito-identity-js ]; then
  echo "test dependencies missing: run 'make setup' (scripts/setup.sh)"
  echo "emulator: 0 passed, 1 failed"
  exit 1
fi
cargo build --release -q -p cognito-emulator || { echo "emulator: 0 passed, 1 failed"; exit 1; }
BIN="${CARGO_TARGET_DIR:-target}/release/cognito-emulator"
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac

WORK=$(mktemp -d)
"$BIN" --port 0 >"$WORK/emulator.out" 2>"$WORK/emulator.err" &
PID=$!
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do # at most 30 s
  grep -q '^listening on ' "$WORK/emulator.out" && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$WORK/emulator.out")
if [ -z "$URL" ]; then
  echo "the emulator did not start:"
  cat "$WORK/emulator.err"
  echo "emulator: 0 passed, 1 failed"
  exit 1
fi
export EMULATOR_URL="$URL" EMULATOR_BIN="$BIN"
echo "emulator at $URL"

passed=0
failed=0
# Adds a suite's counts; a suite that printed none counts as one failure.
count() { # <passed> <failed> <suite>
  if [ -z "$1" ] || [ -z "$2" ]; then
    echo "$3: no test counts (the suite crashed)"
    failed=$((failed + 1))
  else
    passed=$((passed + $1))
    failed=$((failed + $2))
  fi
}

timeout 900 .venv/bin/python tests/emulator/run_python.py 2>&1 | tee "$WORK/python.log"
count "$(sed -n 's/^python: \([0-9]*\) passed, [0-9]* failed$/\1/p' "$WORK/python.log")" \
  "$(sed -n 's/^python: [0-9]* passed, \([0-9]*\) failed$/\1/p' "$WORK/python.log")" python

timeout 600 node --test --test-reporter=tap tests/emulator/acij.test.mjs 2>&1 | tee "$WORK/node.log"
count "$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$WORK/node.log" | tail -1)" \
  "$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$WORK/node.log" | tail -1)" amazon-cognito-identity-js

echo "emulator: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
