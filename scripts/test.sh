#!/usr/bin/env bash
# Sets up what is missing, then runs every check and test: formatting, clippy (native and wasm),
# the native test suite, the wasm determinism test under Node, the release web build, and the
# browser test in headless Chromium. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never TRUNK_SKIP_VERSION_CHECK=true

step() { printf '\n=== %s\n' "$*"; }
t0=$(date +%s)

step "format"
cargo fmt --all -- --check

step "clippy, native"
cargo clippy --workspace --exclude ecsim-web --all-targets --locked -- -D warnings

step "clippy, wasm32"
cargo clippy -p ecsim-core -p ecsim-web -p ecsim-tests --all-targets --target wasm32-unknown-unknown --locked -- -D warnings

log=$(mktemp)
step "tests, native (the theory tests print simulated against theoretical values)"
cargo test --locked -- --nocapture 2>&1 | tee -a "$log"

step "tests, wasm32 under Node: every scenario's trace_hash equals the native one"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p ecsim-tests --target wasm32-unknown-unknown --test wasm_determinism --locked 2>&1 | tee -a "$log"

step "web app: trunk build --release"
trunk build --release
wasm=$(ls dist/*_bg.wasm)
echo "bundle: $(stat -c %s "$wasm") bytes raw, $(gzip -9 -c "$wasm" | wc -c) bytes gzip ($wasm)"

step "browser test (headless Chromium)"
node tests/browser/app.test.mjs dist test-output/browser 2>&1 | tee -a "$log"

echo
echo "all checks passed in $(( $(date +%s) - t0 )) s"
# One closing line over every runner: Rust's "test result:" lines and the browser's.
total=$(grep -hoE '(test result: ok\. [0-9]+ passed|browser: [0-9]+ passed)' "$log" | grep -oE '[0-9]+ passed' | awk '{s += $1} END {print s}')
rm -f "$log"
echo "total: ${total} passed, 0 failed"
