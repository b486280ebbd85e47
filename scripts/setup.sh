#!/usr/bin/env bash
# Installs what building and testing need, and skips what is already there: one line per item.
# Quick when everything is present, so every Makefile entry point runs it first.
#
#   target           rustup target wasm32-unknown-unknown
#   wasm-bindgen     wasm-bindgen-cli at the wasm-bindgen version in Cargo.lock (wasm-pack uses
#                    the one on PATH when the versions match, instead of downloading one)
#   wasm-pack        cargo install wasm-pack --locked (waits for an install already under way)
#   chromium         Debian's chromium + chromium-driver (apt-get; needs root)
#   npm              tests/js/package-lock.json into tests/js/node_modules
#   venv             tests/requirements.txt into .venv
#
# The npm and venv folders carry a stamp (a hash of their manifests); a changed manifest
# reinstalls. Runs of this script on one machine queue on a lock, as the tools are shared.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf 'setup: %-13s %s\n' "$1" "$2"; }
die() { printf 'setup: %-13s ERROR: %s\n' "$1" "$2" >&2; exit 1; }

exec 9>"${TMPDIR:-/tmp}/cognito-wasm-setup.lock"
flock 9

# The first line after `name = "<crate>"` in Cargo.lock is its version.
lock_version() {
    awk -v name="name = \"$1\"" '$0 == name { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# sha256 of the given files, the content of a stamp.
manifest_hash() { cat "$@" | sha256sum | cut -d' ' -f1; }

is_root() { [ "$(id -u)" = 0 ]; }

apt_updated=
apt_install() {
    is_root || die "$1" "missing, and only root can apt-get install ${*:2}; run: sudo apt-get install -y ${*:2}"
    if [ -z "$apt_updated" ]; then
        apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${@:2}" >/dev/null
}

setup_target() {
    if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        say target "wasm32-unknown-unknown present, skipped"
    else
        rustup target add wasm32-unknown-unknown
        say target "wasm32-unknown-unknown installed"
    fi
}

setup_wasm_bindgen() {
    local want have
    want=$(lock_version wasm-bindgen)
    [ -n "$want" ] || die wasm-bindgen "no wasm-bindgen in Cargo.lock"
    have=$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2 || true)
    if [ "$have" = "$want" ]; then
        say wasm-bindgen "$want present, skipped"
    else
        # No --locked: the CLI's own lock file pins crates the registry does not serve.
        cargo install -q --force wasm-bindgen-cli --version "=$want"
        say wasm-bindgen "$want installed${have:+ (was $have)}"
    fi
}

setup_wasm_pack() {
    local waited=0 pid
    # Another process may be installing it right now: wait for that rather than race it.
    while pid=$(pgrep -f 'cargo install .*wasm-pack' | head -n1) && [ -n "$pid" ]; do
        [ "$waited" -lt 1800 ] || die wasm-pack "an install (pid $pid) is still running after 30 min"
        [ "$waited" -gt 0 ] || say wasm-pack "waiting for the install under way (pid $pid)"
        sleep 10
        waited=$((waited + 10))
    done
    if command -v wasm-pack >/dev/null; then
        say wasm-pack "$(wasm-pack --version | cut -d' ' -f2) present, skipped"
    else
        cargo install -q wasm-pack --locked
        say wasm-pack "$(wasm-pack --version | cut -d' ' -f2) installed"
    fi
}

setup_chromium() {
    if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
        say chromium "$(/usr/bin/chromium --version 2>/dev/null | cut -d' ' -f2) present, skipped"
    else
        apt_install chromium chromium chromium-driver
        say chromium "$(/usr/bin/chromium --version 2>/dev/null | cut -d' ' -f2) installed"
    fi
}

setup_npm() {
    local dir=tests/js stamp=tests/js/node_modules/.setup-stamp want
    want=$(manifest_hash "$dir/package.json" "$dir/package-lock.json")
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        say npm "$dir/node_modules up to date, skipped"
    else
        npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
        echo "$want" >"$stamp"
        say npm "$dir/node_modules installed from package-lock.json"
    fi
}

setup_venv() {
    local stamp=.venv/.setup-stamp want
    want=$(manifest_hash tests/requirements.txt)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        say venv ".venv up to date, skipped"
        return
    fi
    # Debian's python3 keeps venv's pip bootstrap in a separate package.
    if ! python3 -c 'import ensurepip' 2>/dev/null; then
        apt_install venv python3-venv
    fi
    rm -rf .venv
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r tests/requirements.txt
    echo "$want" >"$stamp"
    say venv ".venv installed from tests/requirements.txt"
}

setup_target
setup_wasm_bindgen
setup_wasm_pack
setup_chromium
setup_npm
setup_venv
