#!/usr/bin/env bash
# Installs what ecsim needs and this machine lacks; skips whatever is already there, so it is
# cheap to run every time. Usage: scripts/setup.sh [--browser | --target-only]
#   always:        the wasm32 target, trunk 0.21.14, wasm-bindgen-cli at Cargo.lock's version, crates,
#                  npm's binaryen (wasm-opt, into web/node_modules: the scripts put its .bin on PATH)
#   --browser:     also Debian's chromium + chromium-driver, fonts-dejavu-core and the npm playwright-core for the tests
#   --target-only: only the wasm32 target (seconds: what formatting and clippy need)
# Nothing prebuilt is downloaded (this machine reaches only package registries): the tools are
# built with `cargo install`, which takes ~10 minutes the first time on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14 # 0.22 needs rustc >= 1.96.1 (docs/toolchain.md P1)
browser=0 target_only=0
case "${1:-}" in
  --browser) browser=1 ;;
  --target-only) target_only=1 ;;
  "") ;;
  *) echo "usage: scripts/setup.sh [--browser | --target-only]" >&2; exit 2 ;;
esac

log() { printf '[setup] %s\n' "$*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"

# The wasm-bindgen CLI must be exactly the crate's version, or trunk tries to download one.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
[ -n "$WB_VERSION" ] || { log "cannot read wasm-bindgen's version from Cargo.lock"; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
[ "$target_only" = 1 ] && exit 0

apt_pid=""
# `ecsim plot --out x.png` draws its text in a system font (its test needs one too).
if [ "$browser" = 1 ] && ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] \
    && [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; }; then
  log "installing chromium, chromium-driver and fonts-dejavu-core from Debian (in the background)"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  ( $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core ) \
    > /tmp/ecsim-setup-apt.log 2>&1 &
  apt_pid=$!
fi

if ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then
  log "building trunk $TRUNK_VERSION (several minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WB_VERSION" \
   || ! command -v wasm-bindgen-test-runner >/dev/null; then
  log "building wasm-bindgen-cli $WB_VERSION (a few minutes, once)"
  # No --locked: its lock file pins a webpki-roots the registry mirror lacks (docs/toolchain.md P2).
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# trunk's `cargo metadata` wants every target's crates on disk.
cargo fetch --locked -q

# wasm-opt for the release build: npm's binaryen, as Debian's is too old (docs/toolchain.md P5).
if [ ! -x web/node_modules/.bin/wasm-opt ]; then
  log "installing binaryen (npm, for wasm-opt)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$browser" = 1 ]; then
  if [ ! -d tests/browser/node_modules/playwright-core ]; then
    log "installing playwright-core (npm)"
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if [ -n "$apt_pid" ]; then
    if ! wait "$apt_pid"; then
      log "apt-get failed:"; tail -20 /tmp/ecsim-setup-apt.log >&2; exit 1
    fi
  fi
fi
log "ready"
