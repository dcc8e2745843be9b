// Times the benchmark suite's workloads compiled to wasm under Node, against the native suite's
// rows from the same run (scripts/bench-wasm.sh writes them), and prints wasm ÷ native.
// Usage: node scripts/bench-wasm.mjs NATIVE.json SECONDS QUICK(0|1) PROFILE=DIR...
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const [nativeFile, secondsArg, quickArg, ...builds] = process.argv.slice(2);
if (!nativeFile || builds.length === 0) {
  console.error('usage: node scripts/bench-wasm.mjs NATIVE.json SECONDS QUICK PROFILE=DIR...');
  process.exit(2);
}
const seconds = Number(secondsArg);
const quick = quickArg === '1';
const native = JSON.parse(readFileSync(nativeFile, 'utf8'));
const require = createRequire(import.meta.url);

// The best of repeated calls over at least `seconds` (at least one): the least disturbed.
function best(f) {
  const start = performance.now();
  let bestMs = Infinity;
  let value;
  while (bestMs === Infinity || performance.now() - start < seconds * 1000) {
    const t = performance.now();
    value = f();
    bestMs = Math.min(bestMs, performance.now() - t);
  }
  return { ms: bestMs, value };
}

const rows = [];
for (const build of builds) {
  const [profile, dir] = build.split('=');
  const wasm = require(resolve(dir, 'ecsim_bench_wasm.js'));
  const bare = best(() => wasm.bare_events(quick ? 100_000 : 1_000_000));
  const bareEps = bare.value / (bare.ms / 1000);
  for (const n of native) {
    const text = wasm.workload_scenario(n.workload, quick);
    const r = best(() => JSON.parse(wasm.run_scenario(text)));
    const eps = r.value.events / (r.ms / 1000);
    rows.push({
      profile,
      workload: n.workload,
      events: r.value.events,
      wasmS: r.ms / 1000,
      nativeS: n.wall_s,
      ratio: eps / (n.events / n.wall_s),
      bareRatio: bareEps / n.baseline_events_per_s,
      sameHash: r.value.trace_hash === n.trace_hash,
    });
  }
}

const pad = (s, w) => String(s).padStart(w);
console.log(
  `${'profile'.padEnd(8)} ${'workload'.padEnd(14)} ${pad('events', 11)} ${pad('wasm s', 8)} ${pad('native s', 8)} ${pad('wasm÷native', 11)} ${pad('bare loop', 9)}  trace_hash`,
);
for (const r of rows) {
  console.log(
    `${r.profile.padEnd(8)} ${r.workload.padEnd(14)} ${pad(r.events, 11)} ${pad(r.wasmS.toFixed(3), 8)} ${pad(r.nativeS.toFixed(3), 8)} ${pad(r.ratio.toFixed(2), 11)} ${pad(r.bareRatio.toFixed(2), 9)}  ${r.sameHash ? 'same as native' : 'DIFFERS'}`,
  );
}
console.log('\nwasm÷native: events per second under Node over the native run of the same workload;');
console.log('bare loop: the same ratio for the bare event loop (what wasm itself costs).');
if (rows.some((r) => !r.sameHash)) {
  console.error('a wasm run gave another trace_hash than the native one');
  process.exit(1);
}
