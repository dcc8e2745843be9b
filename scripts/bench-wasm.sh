#!/usr/bin/env bash
# The benchmark suite's alb-mmc and big-cluster compiled to wasm and timed under Node, as a ratio
# to the native suite run just before on the same machine, for two builds: the release profile
# (speed first), and the `web` profile then wasm-opt -O1, as the app's worker ships (size first).
# With --browser, also in headless Chromium: the same two builds alone in a Web Worker, and the
# built web app end to end (a share link of each workload, Run clicked, until the run is shown).
# Each wasm run must give the native run's trace_hash.
# Usage: scripts/bench-wasm.sh [--quick] [--browser] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/web/node_modules/.bin:$HOME/.cargo/bin:$PATH"
quick=0 quick_flag="" browser=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 quick_flag="--quick"; shift ;;
    --browser) browser=1; shift ;;
    -*) echo "unknown option $1 (usage: scripts/bench-wasm.sh [--quick] [--browser] [SECONDS])" >&2; exit 2 ;;
    *) break ;;
  esac
done
seconds="${1:-1}"
if [ "$browser" = 1 ]; then scripts/setup.sh --browser > /dev/null; else scripts/setup.sh > /dev/null; fi
out=target/bench-wasm
mkdir -p "$out"
only=alb-mmc-rr,alb-mmc-lor,big-cluster
cargo build --release --locked -q -p ecsim-cli
target/release/ecsim bench --suite $quick_flag --only "$only" --write-scenarios "$out" > /dev/null
target/release/ecsim bench --suite $quick_flag --seconds "$seconds" \
  --only "$only" --json "$out/native.json" > "$out/native.txt"
builds=() web_builds=()
for profile in release web; do
  cargo build --profile "$profile" --locked -q --target wasm32-unknown-unknown -p ecsim-bench-wasm
  wasm="target/wasm32-unknown-unknown/$profile/ecsim_bench_wasm.wasm"
  for target in nodejs web; do
    dir="$out/$profile-$target"
    wasm-bindgen --target "$target" --out-dir "$dir" "$wasm"
    if [ "$profile" = web ]; then
      # As the app's worker ships (index.html): the web profile, then wasm-opt -O1.
      wasm-opt -O1 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types \
        -o "$dir/ecsim_bench_wasm_bg.wasm" "$dir/ecsim_bench_wasm_bg.wasm"
    fi
  done
  builds+=("$profile=$out/$profile-nodejs")
  web_builds+=("$profile=$out/$profile-web")
done
node scripts/bench-wasm.mjs "$out/native.json" "$seconds" "$quick" "${builds[@]}"
if [ "$browser" = 1 ]; then
  # The app as it ships, built from this tree.
  if ! TRUNK_SKIP_VERSION_CHECK=true trunk build --release --dist "$out/dist" > "$out/trunk.log" 2>&1; then
    cat "$out/trunk.log"; exit 1
  fi
  echo
  node scripts/bench-browser.mjs "$out/native.json" "$seconds" "$quick" "$out/dist" "${web_builds[@]}"
fi
