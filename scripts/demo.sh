#!/usr/bin/env bash
# make demo: builds the package and the emulator, starts the emulator with the demo pool,
# serves www/ with pkg/ on 127.0.0.1, prints the URL, and stops everything on Ctrl-C.
# Ports: DEMO_PORT (8080) for the pages, EMULATOR_PORT (9229) for the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
web_port=${DEMO_PORT:-8080}
emulator_port=${EMULATOR_PORT:-9229}

bash scripts/build-pkg.sh
cargo build --release -p cognito-emulator

# The site: the pages of www/ at the root and the package under /pkg/, as the pages expect.
site=target/demo-site
rm -rf "$site"
mkdir -p "$site"
ln -s "$PWD"/www/* "$site/"
ln -s "$PWD/pkg" "$site/pkg"

pids=()
stop() {
  if [ ${#pids[@]} -gt 0 ]; then kill "${pids[@]}" 2>/dev/null || true; fi
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'echo; echo "demo stopped"; exit 0' INT TERM

log=target/demo-emulator.log
target/release/cognito-emulator --port "$emulator_port" >"$log" 2>&1 &
pids+=($!)
python3 -m http.server "$web_port" --bind 127.0.0.1 --directory "$site" >target/demo-web.log 2>&1 &
pids+=($!)

for _ in $(seq 50); do
  grep -q "listening on" "$log" && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.2
done
grep -q "listening on" "$log" || { echo "the emulator did not start" >&2; exit 1; }
sleep 0.3
kill -0 "${pids[1]}" 2>/dev/null || { cat target/demo-web.log >&2; exit 1; }

emulator="http://127.0.0.1:$emulator_port/"
echo
# localhost, not 127.0.0.1: the demo pool's passkeys have relying party id localhost, and browsers
# refuse an IP address as one (the server still listens on 127.0.0.1 only).
echo "  cognito-wasm demo:  http://localhost:$web_port/?endpoint=$emulator"
echo "  drop-in element:    http://localhost:$web_port/login.html"
echo "  emulator:           $emulator (demo pool us-east-1_DemoPool1, client demo-client)"
echo
echo "  Ctrl-C stops the demo."
wait
