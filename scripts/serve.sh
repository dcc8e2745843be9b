#!/usr/bin/env bash
# Sets up what is missing, builds the web app and serves it on http://127.0.0.1:8080/ ; the page
# opens on the default scenario. Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
echo "ecsim: serving the web app on http://127.0.0.1:${PORT:-8080}/ (first build takes about a minute)"
export TRUNK_SKIP_VERSION_CHECK=true
exec trunk serve --release --address 127.0.0.1 --port "${PORT:-8080}"
