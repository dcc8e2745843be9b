// Times the benchmark suite's workloads in headless Chromium, against the native suite's rows
// from the same run (scripts/bench-wasm.sh --browser writes them), two ways:
// - the engine alone: the ecsim-bench-wasm builds (wasm-bindgen --target web) in a Web Worker,
//   best of repeated runs, as scripts/bench-wasm.mjs does under Node;
// - end to end: the built web app (dist/) opened on a share link of the workload, Run clicked,
//   timed until the page shows the finished run. This is what a user waits for: the worker's
//   slices, progress, snapshots and live charts, and the page drawing them.
// Each is printed as wasm ÷ native events per second, and each run must give the native trace_hash.
// Usage: node scripts/bench-browser.mjs NATIVE.json SECONDS QUICK(0|1) DIST PROFILE=DIR...
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';

// playwright-core is the browser tests' (scripts/setup.sh --browser installs it there).
const { chromium } = createRequire(path.resolve(import.meta.dirname, '..', 'tests', 'browser', 'package.json'))('playwright-core');

const [nativeFile, secondsArg, quickArg, dist, ...builds] = process.argv.slice(2);
if (!nativeFile || !dist || builds.length === 0) {
  console.error('usage: node scripts/bench-browser.mjs NATIVE.json SECONDS QUICK DIST PROFILE=DIR...');
  process.exit(2);
}
const seconds = Number(secondsArg);
const quick = quickArg === '1';
const native = JSON.parse(fs.readFileSync(nativeFile, 'utf8'));
if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error(`no ${dist}/index.html: build the web app first (trunk build --release)`);
  process.exit(2);
}

// The engine alone runs in a module worker, as the app's simulation does, so the page's own
// thread takes no part; the worker answers with each workload's best time and hash.
const workerJs = `import init, * as wasm from './ecsim_bench_wasm.js';
onmessage = async ({ data: { workloads, quick, seconds } }) => {
  await init();
  const best = (f) => {
    const start = performance.now();
    let ms = Infinity, value;
    while (ms === Infinity || performance.now() - start < seconds * 1000) {
      const t = performance.now();
      value = f();
      ms = Math.min(ms, performance.now() - t);
    }
    return { ms, value };
  };
  const bare = best(() => wasm.bare_events(quick ? 100000 : 1000000));
  const rows = workloads.map((name) => {
    const text = wasm.workload_scenario(name, quick);
    const r = best(() => JSON.parse(wasm.run_scenario(text)));
    return { name, ms: r.ms, events: r.value.events, hash: r.value.trace_hash };
  });
  postMessage({ bare: { ms: bare.ms, events: bare.value }, rows });
};
`;
const pageHtml = `<!doctype html><meta charset="utf-8"><title>ecsim engine benchmark</title>
<script>
window.bench = (args) => new Promise((resolve, reject) => {
  const w = new Worker('bench-worker.js', { type: 'module' });
  w.onmessage = (e) => resolve(e.data);
  w.onerror = (e) => reject(new Error(e.message || 'worker failed'));
  w.postMessage(args);
});
</script>`;

const browser = await launch(chromium);

async function served(dir, fn) {
  const server = serve(dir);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    return await fn(`http://127.0.0.1:${server.address().port}/`);
  } finally {
    server.close();
  }
}

const nativeEps = (n) => n.events / n.wall_s;
const rows = [];
for (const build of builds) {
  const [profile, dir] = build.split('=');
  fs.writeFileSync(path.join(dir, 'bench-worker.js'), workerJs);
  fs.writeFileSync(path.join(dir, 'index.html'), pageHtml);
  const answer = await served(dir, async (base) => {
    const page = await browser.newPage();
    await page.goto(base);
    const a = await page.evaluate((args) => window.bench(args), {
      workloads: native.map((n) => n.workload), quick, seconds,
    });
    await page.close();
    return a;
  });
  const bareRatio = (answer.bare.events / (answer.bare.ms / 1000)) / native[0].baseline_events_per_s;
  for (const r of answer.rows) {
    const n = native.find((x) => x.workload === r.name);
    rows.push({
      how: `engine, ${profile}`, workload: r.name, events: r.events, wasmS: r.ms / 1000, nativeS: n.wall_s,
      ratio: (r.events / (r.ms / 1000)) / nativeEps(n), bareRatio, sameHash: r.hash === n.trace_hash,
    });
  }
}

// End to end through the app: the share link's fragment is the one `ecsim_front::share` reads
// (raw deflate, base64url without padding).
const fragment = (text) => `f=bench.toml&t=${zlib.deflateRawSync(Buffer.from(text), { level: 9 }).toString('base64url')}`;
const scenarioOf = (name) => {
  const file = path.join(path.dirname(nativeFile), `${name}.toml`);
  return fs.readFileSync(file, 'utf8');
};
await served(dist, async (base) => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  for (const n of native) {
    await page.goto('about:blank');
    await page.goto(`${base}#${fragment(scenarioOf(n.workload))}`);
    // A page opened on a share link runs it once by itself: that run ends first.
    await page.waitForSelector('#summary[data-trace-hash]', { timeout: 600000 });
    // Best of repeats, as for the engine: each click is one whole run as a user waits for it.
    let ms = Infinity, hash;
    const start = Date.now();
    while (ms === Infinity || Date.now() - start < seconds * 1000) {
      const before = await page.$eval('#summary', (s) => s.dataset.run).catch(() => undefined);
      const t = Date.now();
      await page.click('#run');
      await page.waitForFunction((b) => {
        const r = document.querySelector('#summary[data-trace-hash]')?.dataset.run;
        return r !== undefined && r !== b;
      }, before, { timeout: 600000, polling: 5 });
      ms = Math.min(ms, Date.now() - t);
      hash = await page.$eval('#summary', (s) => s.dataset.traceHash);
    }
    rows.push({
      how: 'app, end to end', workload: n.workload, events: n.events, wasmS: ms / 1000, nativeS: n.wall_s,
      ratio: n.wall_s / (ms / 1000), bareRatio: NaN, sameHash: hash === n.trace_hash,
    });
  }
  if (errors.length) throw new Error(`the page failed: ${errors.join('; ')}`);
  await page.close();
});
await browser.close();

const pad = (s, w) => String(s).padStart(w);
console.log(`${'how'.padEnd(18)} ${'workload'.padEnd(14)} ${pad('events', 11)} ${pad('wasm s', 8)} ${pad('native s', 8)} ${pad('wasm÷native', 11)} ${pad('bare loop', 9)}  trace_hash`);
for (const r of rows) {
  const bare = Number.isNaN(r.bareRatio) ? '' : r.bareRatio.toFixed(2);
  console.log(`${r.how.padEnd(18)} ${r.workload.padEnd(14)} ${pad(r.events, 11)} ${pad(r.wasmS.toFixed(3), 8)} ${pad(r.nativeS.toFixed(3), 8)} ${pad(r.ratio.toFixed(2), 11)} ${pad(bare, 9)}  ${r.sameHash ? 'same as native' : 'DIFFERS'}`);
}
console.log('\nwasm÷native: events per second in Chromium over the native run of the same workload;');
console.log('engine: the wasm build alone in a Web Worker; app: click Run to the finished run shown;');
console.log('bare loop: the same ratio for the bare event loop (what wasm itself costs).');
if (rows.some((r) => !r.sameHash)) {
  console.error('a browser run gave another trace_hash than the native one');
  process.exit(1);
}
