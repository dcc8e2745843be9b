#!/usr/bin/env bash
# Runs N random scenarios (default 10000) from a fresh stream, every invariant checked after every
# event, in the release-optimised test profile; prints the stream's seed first, so a failure
# reproduces with:  ECSIM_SWARM_SEED=<seed> scripts/swarm.sh N
# Usage: scripts/swarm.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
n="${1:-10000}"
case "$n" in (*[!0-9]*|"") echo "usage: scripts/swarm.sh [N]  (N a number of scenarios)" >&2; exit 2 ;; esac
ECSIM_SWARM="$n" exec cargo test --release -p ecsim-tests --test invariants --locked \
  random_scenarios_from_a_fresh_seed -- --nocapture
