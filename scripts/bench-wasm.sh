#!/usr/bin/env bash
# The benchmark suite's alb-mmc and big-cluster compiled to wasm and timed under Node, as a ratio
# to the native suite run just before on the same machine, for two builds: the release profile
# (speed first), and the `web` profile then wasm-opt -O1, as the app's worker ships (size first).
# Each wasm run must give the native run's trace_hash.
# Usage: scripts/bench-wasm.sh [--quick] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/web/node_modules/.bin:$HOME/.cargo/bin:$PATH"
quick=0 quick_flag=""
if [ "${1:-}" = "--quick" ]; then quick=1 quick_flag="--quick"; shift; fi
seconds="${1:-1}"
scripts/setup.sh > /dev/null
out=target/bench-wasm
mkdir -p "$out"
cargo build --release --locked -q -p ecsim-cli
target/release/ecsim bench --suite $quick_flag --seconds "$seconds" \
  --only alb-mmc-rr,alb-mmc-lor,big-cluster --json "$out/native.json" > "$out/native.txt"
builds=()
for profile in release web; do
  cargo build --profile "$profile" --locked -q --target wasm32-unknown-unknown -p ecsim-bench-wasm
  wasm-bindgen --target nodejs --out-dir "$out/$profile" \
    "target/wasm32-unknown-unknown/$profile/ecsim_bench_wasm.wasm"
  if [ "$profile" = web ]; then
    # As the app's worker ships (index.html): the web profile, then wasm-opt -O1.
    wasm-opt -O1 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types \
      -o "$out/web/ecsim_bench_wasm_bg.wasm" "$out/web/ecsim_bench_wasm_bg.wasm"
  fi
  builds+=("$profile=$out/$profile")
done
node scripts/bench-wasm.mjs "$out/native.json" "$seconds" "$quick" "${builds[@]}"
