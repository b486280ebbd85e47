#!/usr/bin/env bash
# make fuzz: runs every cargo-fuzz target (fuzz/) one after the other, each for FUZZ_SECONDS
# (default 60) or FUZZ_RUNS executions if set, under `nice -n 19`, on its corpus in
# fuzz/corpus/<target>/; then minimises that corpus (`cargo fuzz cmin`), so the repo keeps a
# small one (tests/fuzz_corpus.rs replays it in `make test`). Prints one line per target with
# its executions and crashes; exits non-zero if any target crashed (the input is then in
# fuzz/artifacts/<target>/; replay it with `cargo fuzz run --sanitizer none -a <target> FILE`
# in fuzz/).
#
#   FUZZ_SECONDS=600 make fuzz                 every target for 10 minutes
#   FUZZ_RUNS=10000000 FUZZ_SECONDS=3600 ...   10 million executions each (an hour at most)
#   FUZZ_TARGETS="json wire" make fuzz         some targets only
#
# Stable Rust is enough: without a sanitizer (the crate is #![forbid(unsafe_code)]) cargo-fuzz
# passes only stable -C flags. `-a` keeps debug assertions, so integer overflow panics.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_FUZZ_VERSION=0.13.2
if [ "$(cargo fuzz --version 2>/dev/null | cut -d' ' -f2)" != "$CARGO_FUZZ_VERSION" ]; then
  nice -n 19 cargo install -q cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked
fi

seconds=${FUZZ_SECONDS:-60}
runs=${FUZZ_RUNS:--1}
cd fuzz
targets=${FUZZ_TARGETS:-$(cargo fuzz list)}
flags=(--sanitizer none -a)
nice -n 19 cargo fuzz build "${flags[@]}"

# libFuzzer's findings (slow-unit-* files are slow inputs, not failures).
findings() { find "artifacts/$1" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'leak-*' -o -name 'timeout-*' \) | wc -l; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
summary=()
crashed=0
for target in $targets; do
  mkdir -p "corpus/$target" "artifacts/$target"
  before=$(findings "$target")
  status=0
  nice -n 19 cargo fuzz run "${flags[@]}" "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -runs="$runs" -print_final_stats=1 >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  crashes=$(($(findings "$target") - before))
  if [ "$status" -ne 0 ]; then
    grep -E "panicked|ERROR|SUMMARY" "$log" | head -n 5 >&2 || true
    [ "$crashes" -gt 0 ] || crashes=1
    crashed=1
  fi
  line="$target: ${execs:-0} execs (${rate:-0}/s), $crashes crashes"
  echo "fuzz: $line"
  summary+=("$line")
  # Keep only the inputs that reach distinct coverage.
  nice -n 19 cargo fuzz cmin "${flags[@]}" "$target" "corpus/$target" >"$log" 2>&1 ||
    { cat "$log" >&2; exit 1; }
  echo "fuzz: $target corpus minimised to $(find "corpus/$target" -type f | wc -l) files"
done
printf 'fuzz summary (%s s or %s runs each):\n' "$seconds" "$runs"
printf '  %s\n' "${summary[@]}"
exit "$crashed"
