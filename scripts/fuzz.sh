#!/usr/bin/env bash
# Runs the fuzz targets (fuzz/fuzz_targets/, libFuzzer through cargo fuzz, on nightly Rust) for
# SECONDS each (default 300). Each fuzzes a working corpus, fuzz/work/<target>/ (not committed),
# seeded from the committed fuzz/corpus/<target>/; then the working corpus is minimised
# (cargo fuzz cmin) and its smallest inputs, up to KEEP_KB (default 64) per target, join
# fuzz/corpus/<target>/, so what is committed stays small and CI replays it on stable
# (tests/fuzz_corpus.rs). Installs nightly and cargo-fuzz if missing.
# A crash stops the run; it is saved under fuzz/artifacts/<target>/ and reproduces with
#   cd fuzz && cargo +nightly fuzz run -O -a <target> artifacts/<target>/<file>
# Once fixed, copy it into fuzz/corpus/<target>/ (named finding-*) so the replay keeps it.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
secs="${1:-300}"
shift || true
keep_kb="${KEEP_KB:-64}"
case "$secs$keep_kb" in (*[!0-9]*|"") echo "usage: [KEEP_KB=N] scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cd fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
for t in "${targets[@]}"; do
  echo "== $t: ${secs} s"
  mkdir -p "work/$t"
  # -a: debug assertions on (overflow checks find bugs too); inputs up to 64 KiB; a 10 s input
  # or 2 GB of memory is a finding. New inputs go to the first corpus, the working one.
  cargo +nightly fuzz run -O -a "$t" "work/$t" "corpus/$t" -- -max_total_time="$secs" \
    -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
  cargo +nightly fuzz cmin -O -a "$t" "work/$t"
  # The smallest inputs of the minimised corpus, up to KEEP_KB, for the repository.
  total=0
  while IFS= read -r f; do
    size=$(stat -c %s "work/$t/$f")
    total=$((total + size))
    [ "$total" -le $((keep_kb * 1024)) ] || break
    cp -n "work/$t/$f" "corpus/$t/"
  done < <(ls -Sr "work/$t")
  echo "== $t: fuzz/corpus/$t has $(ls "corpus/$t" | wc -l) inputs"
done
