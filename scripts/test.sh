#!/usr/bin/env bash
# Runs every check and test, setting up what is missing: formatting and clippy (native and wasm)
# first, as they need only the wasm32 target and fail in seconds; then the slow installs (trunk,
# wasm-bindgen-cli, headless Chromium), the native test suite, the wasm determinism test under
# Node, the release web build and the browser test. This is what CI runs (.ci/run).
#
# The closing line counts what the runners themselves reported (Rust's "test result:" lines and
# the browser test's), passed and failed, whether the run ends in success or not; temporary files
# are removed on any exit.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/web/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never TRUNK_SKIP_VERSION_CHECK=true

step() { printf '\n=== %s\n' "$*"; }
t0=$(date +%s)
log=$(mktemp)
summary() {
  local rc=$? passed failed
  passed=$(grep -hoE '(test result: [A-Za-z]+\. [0-9]+ passed|browser: [0-9]+ passed)' "$log" | grep -oE '[0-9]+ passed' | awk '{s += $1} END {print s + 0}')
  failed=$(grep -hoE '(test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed|browser: [0-9]+ passed, [0-9]+ failed)' "$log" | grep -oE '[0-9]+ failed' | awk '{s += $1} END {print s + 0}')
  rm -f "$log"
  echo
  if [ "$rc" = 0 ]; then
    echo "all checks passed in $(( $(date +%s) - t0 )) s"
  else
    echo "FAILED (exit $rc) after $(( $(date +%s) - t0 )) s: see the step above"
    # A step that failed before any runner reported (formatting, clippy, a build) still fails.
    [ "$failed" -gt 0 ] || failed=1
  fi
  echo "total: ${passed} passed, ${failed} failed"
}
trap summary EXIT

scripts/setup.sh --target-only

step "format"
cargo fmt --all -- --check

step "clippy, native"
cargo clippy --workspace --exclude ecsim-web --all-targets --locked -- -D warnings

step "clippy, wasm32"
cargo clippy -p ecsim-engine -p ecsim-core -p ecsim-front -p ecsim-web -p ecsim-tests -p ecsim-bench-wasm --all-targets --target wasm32-unknown-unknown --locked -- -D warnings

step "set up what is missing (trunk, wasm-bindgen-cli, headless Chromium)"
scripts/setup.sh --browser

step "tests, native (the theory tests print simulated against theoretical values)"
cargo test --locked --no-fail-fast -- --nocapture 2>&1 | tee -a "$log"

step "tests, release: many tasks and many services take linear work (no per-event invariant checks)"
cargo test --release --locked -p ecsim-tests --test scale -- --ignored 2>&1 | tee -a "$log"

step "tests, wasm32 under Node: every scenario's trace_hash equals the native one"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p ecsim-tests --target wasm32-unknown-unknown --test wasm_determinism --locked 2>&1 | tee -a "$log"

step "web app: trunk build --release (wasm-opt, then gzip and brotli copies: the sizes below)"
build_log=$(mktemp)
if ! trunk build --release > "$build_log" 2>&1; then
  cat "$build_log"; rm -f "$build_log"; exit 1
fi
grep -E "^assets?:" "$build_log" || echo "(the build printed no asset sizes)"; rm -f "$build_log"

step "browser test (headless Chromium)"
node tests/browser/app.test.mjs dist test-output/browser 2>&1 | tee -a "$log"
