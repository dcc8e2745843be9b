#!/usr/bin/env bash
# Runs the fuzz targets (fuzz/fuzz_targets/, libFuzzer through cargo fuzz, on nightly Rust) for
# SECONDS each (default 300), growing fuzz/corpus/<target>/, then minimises each corpus
# (cargo fuzz cmin) so what is committed stays small. Installs nightly and cargo-fuzz if missing.
# A crash is saved under fuzz/artifacts/<target>/ and reproduces with
#   cd fuzz && cargo +nightly fuzz run -O -a <target> artifacts/<target>/<file>
# CI does not fuzz: it replays the corpora on stable (tests/fuzz_corpus.rs).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
secs="${1:-300}"
shift || true
case "$secs" in (*[!0-9]*|"") echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cd fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
for t in "${targets[@]}"; do
  echo "== $t: ${secs} s"
  # -a: debug assertions on (overflow checks find bugs too); inputs up to 64 KiB; a 10 s input
  # or 2 GB of memory is a finding.
  cargo +nightly fuzz run -O -a "$t" -- -max_total_time="$secs" -max_len=65536 \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
  cargo +nightly fuzz cmin -O -a "$t"
done
