#!/usr/bin/env bash
# Interop: our SRP (user and device) against two implementations nobody here wrote, pycognito
# (PyPI) and amazon-cognito-identity-js (npm), on seeded random cases: pycognito (Python's
# own big-integer pow) on all 2,000, amazon-cognito-identity-js (jsbn, ~0.4 s a sign-in) on
# the first 50 user and 10 device cases.
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

USER_CASES=1800
DEVICE_CASES=200
ACIJ_USER_CASES=50
ACIJ_DEVICE_CASES=10
seed=${INTEROP_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "interop: seed $seed (rerun with INTEROP_SEED=$seed)," \
    "$USER_CASES user and $DEVICE_CASES device cases for pycognito," \
    "$ACIJ_USER_CASES and $ACIJ_DEVICE_CASES of them for amazon-cognito-identity-js"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tests/interop/cases.py "$seed" "$USER_CASES" "$DEVICE_CASES" >"$work/cases.jsonl"
# Ours and pycognito on both cores: odd and even lines apart.
cargo build -q --release --example interop
pids=()
for half in 0 1; do
    awk -v h="$half" 'NR % 2 == h' "$work/cases.jsonl" >"$work/cases$half.jsonl"
    target/release/examples/interop <"$work/cases$half.jsonl" >"$work/ours$half.jsonl" &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
# amazon-cognito-identity-js's share: the first user and the first device cases, in order.
paste -d '\n' "$work/ours1.jsonl" "$work/ours0.jsonl" | sed '/^$/d' >"$work/ours.jsonl"
for file in cases ours; do
    awk -v u="$USER_CASES" -v a="$ACIJ_USER_CASES" -v d="$ACIJ_DEVICE_CASES" \
        'NR <= a || (NR > u && NR <= u + d)' "$work/$file.jsonl" >"$work/$file-acij.jsonl"
done

# The peers run side by side; each writes its report to its own file.
checkers=(".venv/bin/python tests/interop/pycognito_check.py" ".venv/bin/python tests/interop/pycognito_check.py"
    "node tests/interop/acij_check.mjs")
inputs=(0 1 -acij)
counts=($(wc -l <"$work/cases0.jsonl") $(wc -l <"$work/cases1.jsonl") $((ACIJ_USER_CASES + ACIJ_DEVICE_CASES)))
pids=()
for i in "${!checkers[@]}"; do
    ${checkers[$i]} "$work/cases${inputs[$i]}.jsonl" "$work/ours${inputs[$i]}.jsonl" >"$work/report$i" &
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
    if [ "$status" -ne 0 ] && [ "$peer_passed" -eq "${counts[$i]}" ]; then
        peer_passed=0 # the exit status contradicts the summary: trust neither
    fi
    passed=$((passed + peer_passed))
    failed=$((failed + counts[i] - peer_passed))
done
echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
