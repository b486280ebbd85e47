#!/usr/bin/env bash
# Interop: our SRP (user and device) against two implementations nobody here wrote, pycognito
# (PyPI) and amazon-cognito-identity-js (npm), on seeded random cases.
#
#   cases.py            makes the cases (random a, b, salts, secret blocks, times, names, passwords)
#   examples/interop.rs computes ours, as simulated server and as client
#   *_check.*           run each peer on the same cases and compare, one summary line each
#
# Each peer must pass every case: a mismatch, a crash or a missing case fails the run.
# Reproduce a run with INTEROP_SEED=<the seed it printed> bash tests/interop/run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"

USER_CASES=50
DEVICE_CASES=10
CASES=$((USER_CASES + DEVICE_CASES))
seed=${INTEROP_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "interop: seed $seed (rerun with INTEROP_SEED=$seed)," \
    "$USER_CASES user and $DEVICE_CASES device cases per peer"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tests/interop/cases.py "$seed" "$USER_CASES" "$DEVICE_CASES" >"$work/cases.jsonl"
cargo run -q --release --example interop <"$work/cases.jsonl" >"$work/ours.jsonl"

# The peers run side by side; each writes its report to its own file.
checkers=(".venv/bin/python tests/interop/pycognito_check.py" "node tests/interop/acij_check.mjs")
pids=()
for i in "${!checkers[@]}"; do
    ${checkers[$i]} "$work/cases.jsonl" "$work/ours.jsonl" >"$work/report$i" &
    pids+=($!)
done
passed=0
failed=0
for i in "${!checkers[@]}"; do
    status=0
    wait "${pids[$i]}" || status=$?
    cat "$work/report$i"
    # Cases not reported as passed failed, or never ran (a crash before the summary line).
    peer_passed=0
    if [[ $(tail -n1 "$work/report$i") =~ ^[a-z-]+:\ ([0-9]+)\ passed,\ [0-9]+\ failed$ ]]; then
        peer_passed=${BASH_REMATCH[1]}
    fi
    if [ "$status" -ne 0 ] && [ "$peer_passed" -eq "$CASES" ]; then
        peer_passed=0 # the exit status contradicts the summary: trust neither
    fi
    passed=$((passed + peer_passed))
    failed=$((failed + CASES - peer_passed))
done
echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
