# The project's entry points. `make demo` and `make test` are the two commands in the README;
# both run scripts/setup.sh first, which installs what is missing and skips what is there.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

.PHONY: setup test lint test-native test-wasm test-interop test-emulator test-browser test-package pkg demo bench test-size fuzz test-ct

setup:
	@bash scripts/setup.sh

test: setup lint test-native test-wasm test-ct test-interop test-browser test-emulator test-package test-size

lint: setup
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p cognito-wasm --target wasm32-unknown-unknown --lib -- -D warnings
	cargo clippy -p cognito-wasm --target wasm32-unknown-unknown --all-targets --features std -- -D warnings
	CARGO_TARGET_DIR=target/simd cargo clippy -p cognito-wasm --target wasm32-unknown-unknown --lib \
	  --config .cargo/simd.toml -- -D warnings

test-native: setup
	cargo test --workspace

test-wasm: setup
	bash tests/wasm/run.sh

test-ct: setup
	bash tests/ct/run.sh

test-interop: setup
	bash tests/interop/run.sh

test-emulator: setup
	bash tests/emulator/run.sh

test-package: setup
	bash tests/package/run.sh

test-browser: setup
	bash tests/browser/run.sh

test-size: setup
	bash tests/size/run.sh

pkg: setup
	bash scripts/build-pkg.sh

demo: setup
	bash scripts/demo.sh

bench: setup
	bash scripts/bench.sh
	cargo bench -q -p cognito-wasm --bench ct

# Not part of `make test`: FUZZ_SECONDS per target (default 60), see scripts/fuzz.sh.
fuzz: setup
	bash scripts/fuzz.sh
