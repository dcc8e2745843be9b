#!/usr/bin/env bash
# Sets up what is missing, builds the web app (wasm-opt, then gzip and brotli copies of every
# asset) and serves it on http://127.0.0.1:8080/ (PORT=… for another), sending each browser the
# compressed copy it accepts; the page opens on the default scenario. Stop with Ctrl-C.
# (`trunk serve` rebuilds on every change instead, for working on the page; it sends the assets
# uncompressed.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/web/node_modules/.bin:$HOME/.cargo/bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
echo "ecsim: building the web app (the first build takes a few minutes)"
trunk build --release
exec node scripts/serve.mjs dist "${PORT:-8080}"
