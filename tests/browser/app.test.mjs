// Browser end-to-end test of the built web app (`trunk build --release` output in dist/).
// Serves dist/ on 127.0.0.1, drives Debian's headless Chromium with playwright-core, and checks
// that the page loads with the default scenario, that Run draws the chart (non-background pixels
// in both line colours) and fills the summary with the running task count, and that the lesson's
// objectives are shown as held; and much more, one `check` each, down to the Plan panel, whose
// sweep.json and plan.json must equal what the command line (target/debug/ecsim, or $ECSIM)
// writes for the commands the panel prints. Screenshots go to test-output/browser/.
// Usage: node app.test.mjs [DIST_DIR] [OUT_DIR]

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve } from '../../scripts/serve.mjs';
import { launch } from '../../scripts/chromium.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const dist = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const outDir = path.resolve(process.argv[3] ?? path.join(root, 'test-output', 'browser'));
fs.mkdirSync(outDir, { recursive: true });
if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error(`no ${dist}/index.html: run 'trunk build --release' first`);
  process.exit(2);
}

// Served as scripts/serve.sh serves it: each asset's precompressed copy when the browser takes it.
const server = serve(dist);
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await launch(chromium);
const page = await browser.newPage();
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('pageerror', (e) => errors.push(String(e)));

// Pixels of the chart: how many are not white, and how many are close to each line's colour.
const canvasPixels = (id = 'chart') => page.evaluate((id) => {
  const c = document.getElementById(id);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let drawn = 0, red = 0, blue = 0, green = 0;
  for (let i = 0; i < d.length; i += 4) {
    const [r, g, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]];
    if (a > 0 && (r < 245 || g < 245 || b < 245)) drawn++;
    if (a > 0 && Math.abs(r - 0xd6) < 30 && Math.abs(g - 0x27) < 30 && Math.abs(b - 0x28) < 30) red++;
    if (a > 0 && Math.abs(r - 0x1f) < 30 && Math.abs(g - 0x77) < 30 && Math.abs(b - 0xb4) < 30) blue++;
    // The first colour of the per-service palette.
    if (a > 0 && Math.abs(r - 0x2c) < 30 && Math.abs(g - 0xa0) < 30 && Math.abs(b - 0x2c) < 30) green++;
  }
  return { drawn, red, blue, green, total: d.length / 4 };
}, id);

// Pixels of an objective's limit line (dark brown, #5c4000) on a chart.
const limitPixels = (id) => page.evaluate((id) => {
  const c = document.getElementById(id);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0x5c) < 20 && Math.abs(d[i + 1] - 0x40) < 20 && d[i + 2] < 30 && d[i + 3] > 0) n++;
  return n;
}, id);

let passed = 0, failed = 0;
// ONLY=REGEX runs just the checks whose names match (while working on one).
const only = process.env.ONLY ? new RegExp(process.env.ONLY) : null;
async function check(name, fn) {
  if (only && !only.test(name)) return;
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
    // What the page looked like then, for a failure that does not come back.
    const state = await page.evaluate(() => ({
      run: document.getElementById('run')?.disabled, why: document.getElementById('run')?.title,
      progress: document.getElementById('progress-box')?.dataset.state, summary: document.getElementById('summary')?.className,
    })).catch((x) => String(x));
    console.log(`     page state: ${JSON.stringify(state)}`);
    await page.screenshot({ path: path.join(outDir, `failure-${passed + failed}.png`), fullPage: true }).catch(() => {});
  }
}
const assert = (cond, msg) => { if (!cond) throw new Error(msg); };

// Loads a built-in scenario from the gallery: a click on its card (opening the gallery first).
async function pick(file) {
  if (!await page.$('#gallery')) await page.click('#gallery-toggle');
  await page.click(`#gallery .card[data-file="${file}"]`);
  await page.waitForSelector('#gallery', { state: 'detached' });
}
const DEFAULT = 'scenarios/default.toml';
// The names of the saved scenarios in the gallery (left open).
async function savedNames() {
  if (!await page.$('#gallery')) await page.click('#gallery-toggle');
  return page.$$eval('#gallery .card[data-saved]', (l) => l.map((c) => c.dataset.saved));
}
const bar = () => page.evaluate(() => ({
  name: document.getElementById('scenario-name')?.textContent,
  source: document.getElementById('scenario-source')?.dataset.source,
  seed: document.getElementById('scenario-seed')?.textContent,
}));

// Clicks Run and waits for that run's result: each finished run has a new number.
async function runToEnd() {
  const before = await page.$eval('#summary', (s) => s.dataset.run).catch(() => undefined);
  await page.click('#run');
  await page.waitForFunction((b) => {
    const r = document.querySelector('#summary[data-trace-hash]')?.dataset.run;
    return r !== undefined && r !== b;
  }, before, { timeout: 30000 });
}

await check('the page loads on the default scenario', async () => {
  await page.goto(base);
  await page.waitForSelector('#run', { timeout: 30000 });
  const b = await bar();
  assert(b.name === 'Your first cluster' && b.source === 'builtin', `scenario bar: ${JSON.stringify(b)}`);
  // The gallery groups the library as learners think, each card with what it teaches, its
  // level and time; the loaded one is marked; a solution has no card of its own.
  const topics = await page.$$eval('#gallery .topic', (l) => l.map((t) => [t.querySelector('h2').textContent, t.querySelectorAll('.card').length]));
  const names = topics.map((t) => t[0]);
  assert(names.length === 8 && names[0].startsWith('ECS core') && names.includes('Networking and load balancers') && names.includes('Images and ECR')
    && names.includes('Fargate') && names.includes('Scaling') && names.includes('Deployments') && names.includes('Capacity planning templates')
    && names[7] === 'Validation against queueing theory', `topics ${JSON.stringify(topics)}`);
  assert(topics.every((t) => t[1] >= 1), `an empty topic: ${JSON.stringify(topics)}`);
  const cards = await page.$$eval('#gallery .card', (l) => l.map((c) => ({ file: c.dataset.file, meta: c.querySelector('.card-meta').textContent,
    teaches: c.querySelector('.card-teaches').textContent, current: c.getAttribute('aria-current') })));
  assert(cards.every((c) => /^(beginner|intermediate|advanced) · \d+ min/.test(c.meta) && c.teaches.length > 20), `cards: ${JSON.stringify(cards)}`);
  assert(!cards.some((c) => c.file.endsWith('-fixed.toml')), 'a solution has a card');
  assert(cards.filter((c) => c.current === 'true').map((c) => c.file).join() === 'scenarios/default.toml', 'the current card is not marked');
  await page.locator('#gallery').screenshot({ path: path.join(outDir, 'gallery.png') });
  const before = await canvasPixels();
  assert(before.drawn === 0, `canvas drawn before Run: ${JSON.stringify(before)}`);
});

await check('the assets are precompressed and sent compressed', async () => {
  const files = fs.readdirSync(dist);
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  assert(wasm.length === 2, `wasm files: ${wasm}`);
  for (const f of files.filter((f) => /\.(wasm|js|css|html)$/.test(f))) {
    for (const ext of ['.gz', '.br']) assert(files.includes(f + ext), `no ${f}${ext}`);
    const [raw, br] = [fs.statSync(path.join(dist, f)).size, fs.statSync(path.join(dist, f + '.br')).size];
    if (f.endsWith('.wasm')) assert(br < raw / 2, `${f}: brotli ${br} of ${raw} bytes`);
  }
  // What the browser was sent for the worker's wasm: the smaller copy it accepts.
  const sent = await page.evaluate(async () => {
    const r = await fetch('worker_bg.wasm');
    return { encoding: r.headers.get('content-encoding'), type: r.headers.get('content-type'), length: Number(r.headers.get('content-length')) };
  });
  const raw = fs.statSync(path.join(dist, 'worker_bg.wasm')).size;
  assert(['br', 'gzip'].includes(sent.encoding) && sent.type === 'application/wasm' && sent.length < raw / 2, `sent: ${JSON.stringify(sent)} of ${raw}`);
});

await check('Run draws the reservation chart and shows the running tasks', async () => {
  const t0 = Date.now();
  await page.click('#run');
  await page.waitForSelector('#summary[data-running-tasks]', { timeout: 30000 });
  console.log(`     Run to charts and summary: ${Date.now() - t0} ms (default scenario, in the worker)`);
  const running = await page.$eval('#summary', (s) => s.dataset.runningTasks);
  assert(running === '8', `running tasks ${running}`);
  const report = await page.$eval('#report', (p) => p.textContent);
  assert(/service\s+web: 8 running, 0 pending of 8 desired/.test(report), `report: ${report}`);
  assert(/trace_hash [0-9a-f]{16}/.test(report), 'no trace hash in the report');
  const px = await canvasPixels();
  assert(px.drawn > 2000, `too few drawn pixels: ${JSON.stringify(px)}`);
  assert(px.red > 100 && px.blue > 100, `a line is missing: ${JSON.stringify(px)}`);
  const tasks = await canvasPixels('tasks-chart');
  assert(tasks.drawn > 2000, `tasks chart not drawn: ${JSON.stringify(tasks)}`);
  const requests = await canvasPixels('requests-chart');
  assert(requests.drawn > 2000, `requests chart not drawn: ${JSON.stringify(requests)}`);
  assert(/requests\s+web: \d+ arrived/.test(report) && /latency\s+web: mean/.test(report), `no request figures: ${report}`);
  for (const id of ['latency-chart', 'cost-chart', 'startup-chart', 'hosts-chart', 'hosts-memory-chart', 'hosts-cpu-used-chart', 'service-tasks-chart']) {
    const px = await canvasPixels(id);
    assert(px.drawn > 2000, `${id} not drawn: ${JSON.stringify(px)}`);
  }
  await page.screenshot({ path: path.join(outDir, 'default.png'), fullPage: true });
});

await check('charts: a shared crosshair with the values under it, a legend that hides a line, a data table, a gap before traffic', async () => {
  await page.locator('#latency-chart').scrollIntoViewIfNeeded();
  const box = await page.$eval('#latency-chart', (c) => [c.clientWidth, c.clientHeight]);
  await page.hover('#latency-chart', { position: { x: Math.round(box[0] * 0.6), y: Math.round(box[1] / 2) } });
  await page.waitForSelector('#latency-chart-values', { timeout: 5000 });
  const values = await page.$eval('#latency-chart-values', (e) => e.textContent);
  assert(/^at \d+(\.\d+)? s/.test(values) && /web p99: \d+(\.\d+)? ms/.test(values) && /web p50: /.test(values), `values: ${values}`);
  // The same time on every chart over time (the crosshair is shared): one line on each drawn one.
  const lines = await page.$$eval('.crosshair', (l) => l.map((e) => e.closest('figure').dataset.chart));
  for (const id of ['chart', 'tasks-chart', 'requests-chart', 'latency-chart', 'cost-chart', 'hosts-chart']) assert(lines.includes(id), `no crosshair on ${id}: ${lines}`);
  assert(!lines.includes('startup-chart'), 'a crosshair on the start-up bars');
  await page.locator('#latency-chart').locator('..').locator('..').screenshot({ path: path.join(outDir, 'chart-crosshair.png') });
  // The default scenario's objective (all 8 tasks running) is a line on the tasks-per-service chart.
  const limitPx = await limitPixels('service-tasks-chart');
  assert(limitPx > 150, `no objective line on the tasks chart: ${limitPx} pixels`);
  // Before traffic starts at 2 min there is no latency: a gap, not a 0.
  await page.hover('#latency-chart', { position: { x: Math.round(box[0] * 0.2), y: 40 } });
  await page.waitForFunction(() => {
    const m = (document.getElementById('latency-chart-values')?.textContent ?? '').match(/^at ([\d.]+) s/);
    return m && Number(m[1]) < 110;
  });
  const early = await page.$eval('#latency-chart-values', (e) => e.textContent);
  assert(/web p99: —/.test(early), `before traffic: ${early}`);
  // The legend hides a line, and the crosshair then lists it no more.
  const p50 = page.locator('figure[data-chart="latency-chart"] .legend-item', { hasText: 'web p50' });
  await p50.click();
  assert(await p50.getAttribute('aria-pressed') === 'false', 'the legend item is not marked hidden');
  await page.hover('#latency-chart', { position: { x: Math.round(box[0] * 0.6), y: Math.round(box[1] / 2) } });
  await page.waitForFunction(() => !(document.getElementById('latency-chart-values')?.textContent ?? 'web p50').includes('web p50'));
  await p50.click();
  // The data table, for screen readers: rows of times and values.
  await page.click('figure[data-chart="chart"] .chart-table summary');
  await page.waitForSelector('figure[data-chart="chart"] .chart-data tbody tr', { timeout: 5000 });
  const rows = await page.$$eval('figure[data-chart="chart"] .chart-data tbody tr', (l) => l.map((r) => [...r.cells].map((c) => c.textContent)));
  assert(rows.length >= 20 && rows.length <= 31 && rows[0].length === 4 && /%$/.test(rows[rows.length - 1][1]), `data table: ${JSON.stringify(rows.slice(0, 2))}`);
  // The keyboard moves the crosshair on a focused chart.
  await page.focus('#cost-chart');
  await page.keyboard.press('End');
  await page.waitForFunction(() => /^at 600 s/.test(document.getElementById('cost-chart-values')?.textContent ?? ''));
  await page.keyboard.press('Escape');
});

await check('charts are sharp at a device pixel ratio of 2 and fit their column', async () => {
  const hi = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const ctx = await hi.newContext({ viewport: { width: 1000, height: 800 }, deviceScaleFactor: 2 });
    const p = await ctx.newPage();
    await p.goto(base);
    await p.waitForSelector('#run:not([disabled])', { timeout: 30000 });
    await p.click('#run');
    await p.waitForSelector('#summary[data-trace-hash]', { timeout: 30000 });
    const sizes = await p.$$eval('.charts canvas', (l) => l.map((c) => [c.width, c.clientWidth, c.height, c.clientHeight]));
    assert(sizes.every(([w, cw, h, ch]) => w === 2 * cw && h === 2 * ch && cw > 200), `canvas sizes: ${JSON.stringify(sizes)}`);
    // Two columns at 1000 px, each chart as wide as its column.
    const lefts = new Set(await p.$$eval('.charts figure', (l) => l.map((f) => Math.round(f.getBoundingClientRect().left))));
    assert(lefts.size === 2, `columns: ${[...lefts]}`);
    await p.locator('figure[data-chart="latency-chart"]').screenshot({ path: path.join(outDir, 'chart-dpr2.png') });
  } finally {
    await hi.close();
  }
});

await check('the cluster view: instances, tasks with their ports, targets, scrubbed along the run', async () => {
  const hosts = await page.$$eval('#cluster-view .host', (l) => l.map((h) => h.dataset.host));
  assert(JSON.stringify(hosts) === '["i-01","i-02","i-03"]', `hosts ${hosts}`);
  const tasks = await page.$$eval('#cluster-view .host .task', (l) => l.map((t) => [t.className, t.querySelector('.task-ports').textContent]));
  assert(tasks.length === 8, `${tasks.length} tasks drawn`);
  for (const [cls, ports] of tasks) {
    assert(/state-RUNNING/.test(cls) && /target-healthy/.test(cls), `task ${cls}`);
    const p = Number(ports.slice(1));
    assert(p >= 32768 && p <= 60999, `host port ${ports}`);
  }
  const lb = await page.$eval('#cluster-view .lb', (e) => e.textContent);
  assert(/Application load balancer → web: 8 healthy targets/.test(lb), `lb: ${lb}`);
  const max = Number(await page.$eval('#scrub', (r) => r.max));
  assert(max === 120, `scrubber over ${max + 1} snapshots`);
  // The start: three instances booting, no tasks.
  await page.fill('#scrub', '0');
  await page.waitForFunction(() => document.getElementById('cluster-time').textContent === '0 s');
  assert(await page.$$eval('#cluster-view .host-booting', (l) => l.length) === 3, 'booting hosts at 0 s');
  assert(await page.$$eval('#cluster-view .task', (l) => l.filter((t) => t.closest('.hosts')).length) === 0, 'tasks at 0 s');
  // Somewhere after the service starts, images are being pulled.
  let pullAt = -1;
  for (let i = 0; i <= max && pullAt < 0; i++) {
    await page.fill('#scrub', String(i));
    if (await page.$('#cluster-view .pull')) pullAt = i;
  }
  assert(pullAt > 0, 'no pull in flight at any sample');
  const pull = await page.$eval('#cluster-view .pull', (e) => e.textContent);
  assert(/pulling .*web:v1 \((\d of \d layers|fetching the manifest), \d tasks? waiting\)/.test(pull), `pull: ${pull}`);
  await page.screenshot({ path: path.join(outDir, 'cluster-view-pull.png'), fullPage: true });
  // The keyboard moves it too.
  await page.focus('#scrub');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.getElementById('cluster-time').textContent === '600 s');
  await page.$eval('#cluster-view', (e) => e.scrollIntoView());
  await page.screenshot({ path: path.join(outDir, 'cluster-view.png') });
});

await check('the event log filters by kind and by search', async () => {
  const lines = () => page.$eval('#log', (p) => p.textContent.split('\n').filter((l) => l.trim()));
  const all = await lines();
  await page.selectOption('#log-kind', 'task_placed');
  const placed = await lines();
  assert(placed.length === 8 && placed.every((l) => l.includes('placed on')), `task_placed: ${placed.length} lines`);
  await page.fill('#log-search', 'i-02');
  const onTwo = await lines();
  assert(onTwo.length > 0 && onTwo.length < placed.length && onTwo.every((l) => l.includes('i-02')), `search: ${onTwo}`);
  await page.fill('#log-search', '');
  await page.selectOption('#log-kind', '');
  assert((await lines()).length === all.length, 'clearing the filters does not bring every line back');
});

await check('the same seed gives the same trace hash as before; another seed another', async () => {
  const hash = () => page.$eval('#summary', (s) => s.dataset.traceHash);
  const first = await hash();
  assert(/^[0-9a-f]{16}$/.test(first || ''), `no trace hash: ${first}`);
  const report = await page.$eval('#report', (p) => p.textContent);
  assert(report.includes(`trace_hash ${first}`), 'the report and the page disagree on the hash');
  const ranWith = async (seed) => {
    await page.fill('#seed', seed);
    await runToEnd();
    return hash();
  };
  assert((await ranWith('1')) === first, 'seed 1 gave another hash');
  assert((await ranWith('2')) !== first, 'seed 2 gave the same hash');
});

await check('a share link reproduces the run in a fresh page; exports hold the same run', async () => {
  await page.fill('#seed', '3');
  await runToEnd();
  const hash = await page.$eval('#summary', (s) => s.dataset.traceHash);
  const link = await page.$eval('#share', (a) => a.getAttribute('href'));
  assert(link.startsWith('#') && link.includes('t='), `share link: ${link}`);
  // The exported summary is this run's.
  const summary = await page.$eval('#export-summary', (a) => fetch(a.href).then((r) => r.json()));
  assert(summary.trace_hash === hash && summary.seed === 3, `exported summary: ${summary.trace_hash} seed ${summary.seed}`);
  const csv = await page.$eval('#export-timeseries', (a) => fetch(a.href).then((r) => r.text()));
  assert(csv.startsWith('t_s,instances_active'), `csv: ${csv.slice(0, 40)}`);
  // The PNGs are encoded just after the result is shown.
  await page.waitForFunction(() => document.querySelectorAll('.export-png').length === 11);
  const pngs = await page.$$eval('.export-png', (l) => l.map((a) => a.href.slice(0, 22)));
  assert(pngs.length === 11 && pngs.every((h) => h === 'data:image/png;base64,'), `pngs: ${pngs}`);
  // A fresh page opened on the link runs the same scenario and seed by itself.
  const fresh = await browser.newPage();
  await fresh.goto(base + link);
  await fresh.waitForSelector('#summary[data-trace-hash]', { timeout: 30000 });
  const again = await fresh.$eval('#summary', (s) => s.dataset.traceHash);
  const seed = await fresh.$eval('#seed', (i) => i.value);
  // The page says it is a shared scenario with the link's seed, and Run runs exactly that again.
  const shared = await fresh.evaluate(() => ({ name: document.getElementById('scenario-name')?.textContent,
    source: document.getElementById('scenario-source')?.dataset.source, seed: document.getElementById('scenario-seed')?.textContent }));
  await fresh.screenshot({ path: path.join(outDir, 'shared-link.png'), fullPage: true });
  const runs = await fresh.$eval('#summary', (s) => s.dataset.run);
  await fresh.click('#run');
  await fresh.waitForFunction((r) => {
    const now = document.querySelector('#summary[data-trace-hash]')?.dataset.run;
    return now !== undefined && now !== r;
  }, runs, { timeout: 30000 });
  const rerun = await fresh.$eval('#summary', (s) => s.dataset.traceHash);
  await fresh.close();
  assert(again === hash && seed === '3', `the link gave ${again} (seed ${seed}), the run ${hash}`);
  assert(shared.name === 'Shared scenario' && shared.source === 'shared' && shared.seed === 'seed 3', `the bar: ${JSON.stringify(shared)}`);
  assert(rerun === hash, `Run on the shared page gave ${rerun}, the link ${hash}`);
});

await check('a long run streams progress, and Pause, Resume and Stop are handled while it runs', async () => {
  await page.fill('#seed', '');
  await page.$eval('#editor', (d) => { d.open = true; });
  const text = await page.$eval('#scenario-text', (t) => t.value);
  await page.fill('#scenario-text', text.replace('duration = "10m"', 'duration = "24h"'));
  const clickedAt = Date.now();
  await page.click('#run');
  await page.waitForFunction(() => Number(document.getElementById('progress')?.value) > 600, null, { timeout: 30000 });
  const value = () => page.$eval('#progress', (p) => Number(p.value));
  // The main thread is free: the click on Pause is taken while the worker runs.
  await page.click('#pause');
  await page.waitForSelector('#progress-box[data-state="paused"]', { timeout: 5000 });
  const pausedAt = await value();
  // Partial results: the cluster view shows the paused simulation, live.
  const live = await page.$eval('#cluster-time', (e) => [e.className, e.textContent]);
  assert(live[0] === 'live' && live[1].includes(`${pausedAt.toFixed(0)} s`), `live view: ${live}`);
  assert(await page.$$eval('#cluster-view .hosts .task.state-RUNNING', (l) => l.length) === 8, 'live tasks');
  // And the charts so far: drawn before the run ends (the canvases were blank after the pick).
  const liveChart = await canvasPixels('requests-chart');
  assert(liveChart.drawn > 2000, `no live requests chart: ${JSON.stringify(liveChart)}`);
  // The objective's line is on the live tasks chart already, not only once the run ends.
  assert(await limitPixels('service-tasks-chart') > 150, 'no objective line on the live tasks chart');
  await page.waitForTimeout(600);
  assert((await value()) === pausedAt, 'the run went on while paused');
  await page.click('#resume');
  await page.waitForFunction((v) => Number(document.getElementById('progress')?.value) > v, pausedAt, { timeout: 10000 });
  await page.click('#stop');
  await page.waitForSelector('#progress-box[data-state="stopped"]', { timeout: 5000 });
  const stoppedText = await page.$eval('#progress-box', (p) => p.textContent);
  assert(/stopped at \d+ s simulated/.test(stoppedText), stoppedText);
  assert(pausedAt < 86400, 'the run ended before Pause');
  console.log(`     paused at ${pausedAt.toFixed(0)} s simulated, ${Date.now() - clickedAt} ms after Run`);
  await page.screenshot({ path: path.join(outDir, 'long-run-stopped.png'), fullPage: true });
  // Back to the built-in text for the next checks.
  await page.fill('#scenario-text', text);
});

await check('a scenario named like HTML renders as text', async () => {
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs++; d.dismiss(); });
  const text = await page.$eval('#scenario-text', (t) => t.value);
  const evil = '<img src=x onerror=alert(1)>';
  await page.fill('#scenario-text', text.replace('name = "default"', `name = "${evil}"`));
  await page.click('#run');
  await page.waitForSelector('#summary[data-trace-hash]', { timeout: 30000 });
  const report = await page.$eval('#report', (p) => p.textContent);
  assert(report.includes(`scenario   ${evil}`), `the name is not shown as text: ${report.slice(0, 200)}`);
  const imgs = await page.$$eval('img', (l) => l.length);
  assert(imgs === 0 && dialogs === 0, `${imgs} img elements, ${dialogs} dialogs`);
  await page.fill('#scenario-text', text);
});

await check('the lesson shows its objectives held', async () => {
  await page.fill('#seed', '');
  await pick('scenarios/lessons/static-vs-dynamic-ports.toml');
  // The lesson's text is checked by the worker first.
  await page.waitForFunction(() => !document.getElementById('run').disabled);
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('report')?.textContent.includes('web-static'));
  const held = await page.$$eval('#objectives li.held', (l) => l.length);
  const notHeld = await page.$$eval('#objectives li.failed', (l) => l.length);
  assert(held === 3 && notHeld === 0, `held ${held}, failed ${notHeld}`);
  await page.screenshot({ path: path.join(outDir, 'lesson-static-vs-dynamic-ports.png'), fullPage: true });
  // As given, neither Try's checkpoint holds.
  const steps = () => page.$$eval('#lesson ol.try li', (l) => l.map((li) => li.dataset.reached));
  assert(JSON.stringify(await steps()) === '["false","false"]', `as given: ${await steps()}`);
});

await check("doing a lesson's Try turns its checkpoint green, not its objectives red", async () => {
  // "Do it" writes the Try's change into the text; the learner runs it.
  const before = await page.$eval('#scenario-text', (t) => t.value);
  await page.click('#lesson ol.try li[data-step="1"] .do-try');
  await page.waitForFunction((b) => document.getElementById('scenario-text').value !== b, before, { timeout: 5000 });
  const text = await page.$eval('#scenario-text', (t) => t.value);
  assert(before.includes('hostPort = 80 }') && !text.includes('hostPort = 80 }'), 'Try 1 did not set web-static\'s hostPort to 0');
  assert((await bar()).source === 'edited', 'the Try did not make an edited copy');
  await page.waitForFunction(() => !document.getElementById('run').disabled);
  await runToEnd();
  const step1 = await page.$eval('#lesson ol.try li[data-step="1"]', (li) => [li.dataset.reached, li.textContent]);
  assert(step1[0] === 'true' && step1[1].includes('✔'), `Try 1 in the lesson: ${step1}`);
  assert(await page.$eval('#checkpoints li[data-step="1"]', (li) => li.className) === 'reached', 'checkpoint 1 not reached');
  // The objectives that held as given and no longer do are what the Try changed: not red.
  const failed = await page.$$eval('#objectives li.failed', (l) => l.length);
  const moved = await page.$$eval('#objectives li.moved', (l) => l.length);
  assert(failed === 0 && moved === 2, `objectives after Try 1: ${failed} failed, ${moved} moved on`);
  const barText = await page.$eval('#bar-objectives', (e) => e.textContent);
  assert(barText.includes('Try 1 done'), `results bar: ${barText}`);
  await page.locator('section.controls').screenshot({ path: path.join(outDir, 'lesson-try-checkpoint.png') });
  await page.locator('#checkpoints').screenshot({ path: path.join(outDir, 'lesson-try-checkpoints.png') });
});

await check("a Try that sets a field the lesson's text leaves out adds it, and its checkpoint turns green", async () => {
  await page.fill('#seed', '');
  await pick('scenarios/lessons/container-health-checks.toml');
  await page.waitForFunction(() => !document.getElementById('run').disabled);
  const before = await page.$eval('#scenario-text', (t) => t.value);
  assert(!/^healthCheckGracePeriodSeconds = /m.test(before), 'the lesson already sets a grace period');
  // Try 1 is a sentence only (nothing to do for the page); Try 2 has a checkpoint.
  assert(await page.$('#lesson ol.try li[data-step="1"] .do-try') === null, 'Try 1 offers "Do it" with nothing to set');
  await page.click('#lesson ol.try li[data-step="2"] .do-try');
  await page.waitForFunction(() => /^healthCheckGracePeriodSeconds = 120$/m.test(document.getElementById('scenario-text').value), null, { timeout: 5000 });
  await page.waitForFunction(() => !document.getElementById('run').disabled);
  await runToEnd();
  const step2 = await page.$eval('#lesson ol.try li[data-step="2"]', (li) => li.dataset.reached);
  assert(step2 === 'true', `Try 2: ${step2}`);
  const failed = await page.$$eval('#objectives li.failed', (l) => l.map((li) => li.textContent));
  const moved = await page.$$eval('#objectives li.moved', (l) => l.length);
  assert(failed.length === 0 && moved === 1, `objectives after Try 2: ${JSON.stringify(failed)} failed, ${moved} moved on`);
});

// Picks the lesson `file` (its description holding `says`), runs it, checks that all `n` of
// its objectives held, and returns the report's text.
async function runLesson(file, says, n) {
  await page.fill('#seed', '');
  await pick(file);
  await page.waitForFunction((says) => document.getElementById('description')?.textContent.includes(says), says);
  await page.waitForFunction(() => !document.getElementById('run').disabled);
  await runToEnd();
  const held = await page.$$eval('#objectives li.held', (l) => l.length);
  const notHeld = await page.$$eval('#objectives li.failed', (l) => l.length);
  assert(held === n && notHeld === 0, `${file}: held ${held}, failed ${notHeld}`);
  return page.$eval('#report', (p) => p.textContent);
}

await check('the rolling-upgrade lesson: objectives held, deployments reported, desired/running chart', async () => {
  const report = await runLesson('scenarios/lessons/rolling-upgrade.toml', 'rolling deployment', 4);
  assert(/deployment web:1 -> web:2 at 300 s took [\d.]+ s: 0 requests failed/.test(report), `report: ${report}`);
  const chart = await canvasPixels('service-tasks-chart');
  assert(chart.drawn > 2000, `service tasks chart: ${JSON.stringify(chart)}`);
  await page.screenshot({ path: path.join(outDir, 'lesson-rolling-upgrade.png'), fullPage: true });
});

await check('the memory-limits lesson: out-of-memory kills reported, memory used charted', async () => {
  const report = await runLesson('scenarios/lessons/memory-limits.toml', 'hard limit', 4);
  assert(/\d+ tasks stopped: an essential container ran out of memory/.test(report), `report: ${report}`);
  assert(/memory used mean [\d.]+ % peak [\d.]+ % of what its tasks reserve/.test(report), `report: ${report}`);
  // The first service's line (hard) on the memory chart.
  const chart = await canvasPixels('memory-chart');
  assert(chart.green > 100, `memory chart: ${JSON.stringify(chart)}`);
  await page.screenshot({ path: path.join(outDir, 'lesson-memory-limits.png'), fullPage: true });
});

await check('the scale-in-seconds lesson: three scale-up times, the Auto Scaling group on the chart', async () => {
  await page.fill('#seed', '');
  await pick('scenarios/lessons/scale-in-seconds.toml');
  await page.waitForFunction(() => document.getElementById('description')?.textContent.includes('traffic spike'));
  await page.waitForFunction(() => !document.getElementById('run').disabled);
  await runToEnd();
  const held = await page.$$eval('#objectives li.held', (l) => l.length);
  const notHeld = await page.$$eval('#objectives li.failed', (l) => l.length);
  assert(held === 5 && notHeld === 0, `held ${held}, failed ${notHeld}`);
  const report = await page.$eval('#report', (p) => p.textContent);
  // Each service's first scale-up, in the report's order (fargate, new-instances, on-hosts).
  const ups = [...report.matchAll(/scale-up to the desired count: first took ([\d.]+) s/g)].map((m) => Number(m[1]));
  assert(ups.length === 3, `scale-ups: ${ups}`);
  const [fargate, instances, hosts] = ups;
  assert(hosts < 15 && hosts < fargate && fargate < instances && instances > 90, `scale-ups: ${ups}`);
  assert(/capacity   asg-provider \(group asg\): 1 scale-outs/.test(report), `report: ${report}`);
  const legend = await page.$eval('#tasks-chart', (c) => c.getAttribute('aria-label'));
  assert(legend.includes('Auto Scaling'), legend);
  for (const id of ['tasks-chart', 'service-tasks-chart', 'latency-chart']) {
    const chart = await canvasPixels(id);
    assert(chart.drawn > 2000, `${id}: ${JSON.stringify(chart)}`);
  }
  await page.screenshot({ path: path.join(outDir, 'lesson-scale-in-seconds.png'), fullPage: true });
});

await check('the ALB exercise fails as given, and passes once fixed in the editor', async () => {
  const file = 'scenarios/lessons/alb-dynamic-ports-exercise.toml';
  await pick(file);
  await page.waitForSelector('#lesson .concept');
  const tries = await page.$$eval('#lesson ol.try li', (l) => l.length);
  assert(tries === 2, `${tries} things to try`);
  const runAndCount = async () => {
    await runToEnd();
    return {
      held: await page.$$eval('#objectives li.held', (l) => l.length),
      failed: await page.$$eval('#objectives li.failed', (l) => l.length),
      hints: await page.$$eval('#objectives li.failed .hint', (l) => l.length),
    };
  };
  const red = await runAndCount();
  assert(red.held === 0 && red.failed === 3 && red.hints === 3, `as given: ${JSON.stringify(red)}`);
  await page.screenshot({ path: path.join(outDir, 'exercise-failing.png'), fullPage: true });
  await page.$eval('#editor', (d) => { d.open = true; });
  const text = await page.$eval('#scenario-text', (t) => t.value);
  const fixed = text.replace('hostPort = 80 }', 'hostPort = 0 }').replace('load_balancer = "classic"', 'load_balancer = "application"');
  assert(fixed !== text, 'the fix did not apply');
  await page.fill('#scenario-text', fixed);
  await page.waitForFunction(() => !document.getElementById('run').disabled);
  const green = await runAndCount();
  assert(green.held === 3 && green.failed === 0, `fixed: ${JSON.stringify(green)}`);
  await page.screenshot({ path: path.join(outDir, 'exercise-passing.png'), fullPage: true });
  // The fixed text is an edited copy, and the run is named so; doing the exercise passes the
  // lesson, and the gallery remembers it.
  assert((await bar()).source === 'edited', `source: ${JSON.stringify(await bar())}`);
  assert((await page.$eval('#report', (p) => p.textContent)).includes(`(edited copy of ${file})`), 'the report does not say edited copy');
  await page.click('#gallery-toggle');
  const card = await page.$eval(`#gallery .card[data-file="${file}"]`, (c) => ({ cls: c.className, title: c.querySelector('.card-title').textContent }));
  assert(card.cls.includes('passed') && card.title.endsWith('✔'), `gallery card: ${JSON.stringify(card)}`);
  await page.click('#gallery-toggle');
});

await check('fargate-vs-ec2 shows both start-ups and both costs', async () => {
  await pick('scenarios/lessons/fargate-vs-ec2.toml');
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('report')?.textContent.includes('web-fargate'), null, { timeout: 60000 });
  const report = await page.$eval('#report', (p) => p.textContent);
  assert(/startup\s+web-ec2: wanted to healthy p50 [\d.]+ s/.test(report), `no EC2 start-up: ${report}`);
  assert(/startup\s+web-fargate: wanted to healthy p50 [\d.]+ s/.test(report), `no Fargate start-up: ${report}`);
  assert(/cost\s+\$[\d.]+ \(EC2 \$0\.1\d+, Fargate \$0\.\d+, ALB \$0\.\d*[1-9]\d*\)/.test(report), `no cost split: ${report}`);
  const notHeld = await page.$$eval('#objectives li.failed', (l) => l.length);
  assert(notHeld === 0, `${notHeld} objectives failed`);
  // The start-up bars: the pull (red) and provisioning (grey) segments are there.
  const bars = await canvasPixels('startup-chart');
  assert(bars.drawn > 4000 && bars.red > 500, `start-up chart not drawn: ${JSON.stringify(bars)}`);
  await page.screenshot({ path: path.join(outDir, 'lesson-fargate-vs-ec2.png'), fullPage: true });
});

await check('an invalid edit shows the error at its line and field, and disables Run', async () => {
  await page.$eval('#editor', (d) => { d.open = true; });
  const text = await page.$eval('#scenario-text', (t) => t.value);
  await page.fill('#scenario-text', text.replace('desiredCount = 8', 'desiredCount = -8'));
  await page.waitForSelector('#check-error', { timeout: 5000 });
  const msg = await page.$eval('#check-error', (e) => e.textContent);
  const line = text.split('\n').findIndex((l) => l.startsWith('desiredCount = 8')) + 1;
  assert(/desiredCount/.test(msg) && msg.includes(`:${line}:`), `error (expected line ${line}): ${msg}`);
  assert(await page.$eval('#run', (b) => b.disabled), 'Run is enabled on an invalid scenario');
  const why = await page.$eval('#run', (b) => b.title);
  assert(/desiredCount/.test(why), `Run's reason: ${why}`);
  await page.screenshot({ path: path.join(outDir, 'invalid-edit.png'), fullPage: true });
  // Fixed: the error goes and Run is back.
  await page.fill('#scenario-text', text);
  await page.waitForSelector('#check-error', { state: 'detached', timeout: 5000 });
  assert(!(await page.$eval('#run', (b) => b.disabled)), 'Run stays disabled after the fix');
});

/** Loads the page on the default scenario, replaces `from` with `to` in its text, and runs it. */
async function runDefaultWith(from, to) {
  await page.goto(base);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30000 });
  const text = await page.$eval('#scenario-text', (t) => t.value);
  await page.$eval('#editor', (d) => { d.open = true; });
  await page.fill('#scenario-text', text.replace(from, to));
  await page.waitForFunction(() => !document.getElementById('run').disabled);
  await page.click('#run');
}

await check('warnings show above the objectives: a quoted ECS_CLUSTER never joins', async () => {
  await runDefaultWith('ECS_CLUSTER=default', 'ECS_CLUSTER="default"');
  await page.waitForSelector('#summary #warnings .warning', { timeout: 20000 });
  const w = await page.$eval('#warnings', (e) => e.textContent);
  assert(w.includes('ECS_CLUSTER="default": the agent keeps the quotes'), `warnings: ${w}`);
  await page.$eval('#warnings', (e) => e.scrollIntoView());
  await page.screenshot({ path: path.join(outDir, 'warnings.png') });
  assert(await page.$eval('#objectives li', (e) => e.className) === 'failed', 'the objective holds though no instance joined');
});

await check('a run past the event budget is refused at once, with the estimate', async () => {
  await runDefaultWith('rps = 150', 'rps = 1e7');
  await page.waitForSelector('#summary.error #error', { timeout: 10000 });
  const msg = await page.$eval('#error', (e) => e.textContent);
  assert(/the run would handle about 9,600,000,\d{3} events/.test(msg) && msg.includes('--max-events'), `message: ${msg}`);
});

await check('state that never lies: results go out of date on an edit, one seed, the lesson box stays, a pasted scenario ticks no lesson', async () => {
  await page.evaluate(() => localStorage.removeItem('ecsim.lessons.passed'));
  const lesson = 'scenarios/lessons/wrong-cluster-name.toml';
  await pick(lesson);
  await page.waitForFunction(() => !document.getElementById('run').disabled);
  // One seed field: the form has none, and the box beside Run shows the scenario's own.
  assert(!(await page.$('#knob-seed')), 'a second seed field in the form');
  await page.waitForFunction(() => /^\d+ \(scenario's\)$/.test(document.getElementById('seed').placeholder));
  await page.fill('#seed', '');
  await runToEnd();
  // The results bar: objectives and the headline numbers, fresh.
  const barText = await page.$eval('#results-bar', (e) => e.textContent);
  assert(/✔ 3 of 3 objectives held/.test(barText) && /\d+ of 6 tasks running/.test(barText) && /USD per hour/.test(barText), `results bar: ${barText}`);
  assert(await page.$eval('#results-bar', (e) => e.dataset.stale) === 'false', 'fresh results marked out of date');
  // An edit marks every result out of date, and the scenario an edited copy; undoing it, not.
  await page.$eval('#editor', (d) => { d.open = true; });
  const text = await page.$eval('#scenario-text', (t) => t.value);
  await page.fill('#scenario-text', text + '\n# a note of mine\n');
  await page.waitForSelector('#stale-note');
  assert(await page.$eval('#results-bar', (e) => e.dataset.stale) === 'true', 'the results bar is not marked out of date');
  assert((await bar()).source === 'edited', `source after an edit: ${JSON.stringify(await bar())}`);
  await page.screenshot({ path: path.join(outDir, 'stale-results.png') });
  await page.fill('#scenario-text', text);
  await page.waitForSelector('#stale-note', { state: 'detached' });
  assert((await bar()).source === 'builtin', `source after undoing: ${JSON.stringify(await bar())}`);
  // Another seed: out of date too, until Run; the bar says the seed Run runs.
  await page.fill('#seed', '5');
  await page.waitForSelector('#stale-note');
  assert((await bar()).seed === 'seed 5', `bar seed: ${(await bar()).seed}`);
  await runToEnd();
  assert(!(await page.$('#stale-note')), 'out of date right after Run');
  await page.fill('#seed', '');
  // The lesson box stays while the text is invalid, with the error in it.
  await page.fill('#scenario-text', text.replace('[[services]]', '[[services]]\nbogus_key = 1'));
  await page.waitForSelector('#lesson #lesson-error', { timeout: 5000 });
  assert(await page.$('#lesson .concept'), 'the lesson box went away');
  // Pasted over the lesson: another scenario whose own objective holds ticks no lesson.
  const other = fs.readFileSync(path.join(root, DEFAULT), 'utf8')
    + '\n[[objectives]]\nname = "anything"\nmetric = "services.web.tasks.running_end"\nop = ">="\nvalue = 0\n';
  await page.evaluate(() => localStorage.removeItem('ecsim.lessons.passed'));
  await page.fill('#scenario-text', other);
  await page.waitForFunction(() => !document.getElementById('run').disabled);
  await runToEnd();
  assert(await page.$$eval('#objectives li.held', (l) => l.some((e) => e.textContent.includes('anything'))), 'the pasted objective did not hold');
  const report = await page.$eval('#report', (p) => p.textContent);
  assert(report.includes(`(edited copy of ${lesson})`), `the run is named ${report.split('\n')[0]}`);
  const ticked = await page.evaluate(() => localStorage.getItem('ecsim.lessons.passed') ?? '[]');
  assert(!ticked.includes(lesson), `a pasted scenario ticked the lesson: ${ticked}`);
  // The lesson's own text, passed: ticked.
  await pick(lesson);
  await page.waitForFunction(() => !document.getElementById('run').disabled);
  await runToEnd();
  const after = await page.evaluate(() => localStorage.getItem('ecsim.lessons.passed') ?? '[]');
  assert(after.includes(lesson), `the passed lesson was not ticked: ${after}`);
  await page.locator('#results-bar').screenshot({ path: path.join(outDir, 'results-bar.png') });
});

await check('loading another scenario during a run: nothing of the old run comes back', async () => {
  await runDefaultWith('duration = "10m"', 'duration = "24h"');
  await page.waitForSelector('#progress-box[data-state="running"]', { timeout: 10000 });
  await pick('scenarios/lessons/static-vs-dynamic-ports.toml');
  // The old run's progress already on its way, and its Stopped, arrive now: all dropped.
  await page.waitForTimeout(1500);
  const after = await page.evaluate(() => ({ bar: document.getElementById('results-bar')?.textContent,
    progress: !!document.getElementById('progress-box'), cluster: document.getElementById('cluster-view')?.className,
    drawn: [...document.querySelectorAll('.charts canvas')].some((c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0)) }));
  assert(after.bar.includes('No results yet') && !after.progress && after.cluster === 'empty' && !after.drawn, `after loading: ${JSON.stringify(after)}`);
});

await check('the form edits any instance group and service, and shows a varying rate as written', async () => {
  await pick('scenarios/lessons/scale-in-seconds.toml');
  await page.waitForSelector('#form-service');
  const services = await page.$$eval('#form-service option', (l) => l.map((o) => o.textContent));
  const groups = await page.$$eval('#form-group option', (l) => l.map((o) => o.textContent));
  assert(services.length === 3 && groups.length === 2, `choices: ${services} / ${groups}`);
  await page.selectOption('#form-service', '2');
  await page.waitForFunction((n) => document.querySelector('label[for="knob-desired-count"]')?.textContent.includes(n), services[2], { timeout: 5000 });
  await page.selectOption('#form-group', '1');
  await page.waitForFunction((n) => document.querySelector('label[for="knob-instance-count"]')?.textContent.includes(n), groups[1], { timeout: 5000 });
  await page.fill('#knob-desired-count', '3');
  await page.press('#knob-desired-count', 'Enter');
  await page.$eval('#editor', (d) => { d.open = true; });
  await page.waitForFunction(() => (document.getElementById('scenario-text').value.match(/desiredCount = 3\b/g) ?? []).length === 1, null, { timeout: 5000 });
  const text = await page.$eval('#scenario-text', (t) => t.value);
  const third = text.split('[[services]]')[3] ?? '';
  assert(/desiredCount = 3\b/.test(third), `the third service was not the one edited: ${third.slice(0, 200)}`);
  // A stepped rate is shown as the text writes it, not as "no traffic".
  await pick('scenarios/templates/right-size-ec2.toml');
  await page.waitForFunction(() => document.querySelector('#knob-rps')?.value.includes('steps'), null, { timeout: 5000 });
  assert(await page.$eval('#knob-rps', (e) => e.disabled), 'a stepped rate is editable as one number');
});

await check('the form: fields from the text, an error at its field, Fargate and a pasted task definition', async () => {
  await pick(DEFAULT);
  await page.waitForFunction(() => document.querySelector('#knob-desired-count')?.value === '8', null, { timeout: 5000 });
  const val = (id) => page.$eval(id, (e) => e.value);
  assert(await val('#knob-instance-type') === 'm5.large', 'instance type');
  assert(await val('#knob-port-mode') === 'bridge-dynamic', 'port mode');
  assert(await val('#knob-rps') === '150', 'rate');
  // A bad count: written into the text, refused by the check, shown at the field; Run is off.
  await page.fill('#knob-desired-count', 'lots');
  await page.press('#knob-desired-count', 'Enter');
  await page.waitForSelector('#knob-desired-count-error', { timeout: 5000 });
  const msg = await page.$eval('#knob-desired-count-error', (e) => e.textContent);
  assert(/desiredCount/.test(msg), `error at the field: ${msg}`);
  assert(await page.$eval('#knob-desired-count', (e) => e.getAttribute('aria-invalid')) === 'true', 'aria-invalid');
  assert(await page.$eval('#run', (b) => b.disabled), 'Run is enabled on an invalid count');
  await page.screenshot({ path: path.join(outDir, 'form-error.png'), fullPage: true });
  await page.fill('#knob-desired-count', '4');
  await page.press('#knob-desired-count', 'Enter');
  await page.waitForSelector('#knob-desired-count-error', { state: 'detached', timeout: 5000 });
  const text = await page.$eval('#scenario-text', (t) => t.value);
  assert(/^desiredCount = 4$/m.test(text) && text.includes('# created once the hosts have registered'), 'text keeps its comments');
  // Fargate: the form also makes the task definition fit, and says what it changed.
  await page.selectOption('#knob-launch-type', 'FARGATE');
  await page.waitForFunction(() => document.querySelector('#knob-port-mode')?.value === 'awsvpc', null, { timeout: 5000 });
  const notice = await page.$eval('#form-notice', (e) => e.textContent);
  assert(/placementStrategy/.test(notice) && /256 CPU units \/ 1024 MiB/.test(notice), `notice: ${notice}`);
  await page.waitForFunction(() => !document.querySelector('#run').disabled, null, { timeout: 5000 });
  await runToEnd();
  const report = await page.$eval('#report', (p) => p.textContent);
  assert(/service\s+web: 4 running/.test(report) && /Fargate \$0\.0*[1-9]/.test(report), `report: ${report}`);
  // A pasted task definition (describe-task-definition output) replaces the family.
  await page.$eval('#paste', (d) => { d.open = true; });
  await page.fill('#paste-json', '{"taskDefinition": {"family": "web", "status": "ACTIVE", "networkMode": "awsvpc", "cpu": "1024", "memory": "2048", "requiresCompatibilities": ["FARGATE"], "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "essential": true, "portMappings": [{"containerPort": 80}]}]}}');
  await page.click('#paste-apply');
  await page.waitForFunction(() => document.querySelector('#knob-task-cpu')?.value === '1024', null, { timeout: 5000 });
  const pasted = await page.$eval('#form-notice', (e) => e.textContent);
  assert(/replaced task definition "web"/.test(pasted) && /status/.test(pasted), `notice: ${pasted}`);
  await page.fill('#paste-json', '{"family": "x"}');
  await page.click('#paste-apply');
  await page.waitForSelector('#paste-error', { timeout: 5000 });
  const bad = await page.$eval('#paste-error', (e) => e.textContent);
  assert(/containerDefinitions/.test(bad), `paste error: ${bad}`);
  await page.screenshot({ path: path.join(outDir, 'form.png'), fullPage: true });
});

await check('my scenarios: save, reload, rename, delete, import and export', async () => {
  await pick(DEFAULT);
  await page.$eval('#editor', (d) => { d.open = true; });
  const text = (await page.$eval('#scenario-text', (t) => t.value)).replace('desiredCount = 8', 'desiredCount = 6');
  await page.fill('#scenario-text', text);
  await page.fill('#save-name', 'six tasks');
  await page.click('#save');
  await page.waitForSelector('#library-notice');
  assert((await savedNames()).includes('six tasks'), `gallery: ${await savedNames()}`);
  assert(JSON.stringify(await bar()).includes('"source":"mine"') && (await bar()).name === 'six tasks', `bar: ${JSON.stringify(await bar())}`);
  // Kept in the browser: still there after a reload, with its text.
  await page.reload();
  await page.waitForSelector('#run');
  await page.click('#gallery .card[data-saved="six tasks"]');
  await page.$eval('#editor', (d) => { d.open = true; });
  assert((await page.$eval('#scenario-text', (t) => t.value)) === text, 'the saved text changed');
  await page.fill('#save-name', 'six');
  await page.click('#rename');
  await page.waitForFunction(() => document.getElementById('scenario-name')?.textContent === 'six');
  // Export gives the editor's text back.
  await page.click('#export');
  const exported = await page.$eval('#export', (a) => fetch(a.href).then((r) => r.text()));
  assert(exported === text, 'the export differs from the text');
  await page.click('#delete');
  await page.waitForFunction(() => document.getElementById('scenario-source')?.dataset.source === 'unsaved');
  assert(!(await savedNames()).some((n) => n.startsWith('six')), `still saved: ${await savedNames()}`);
  // Import a file: it joins the picker under its name, and runs.
  await page.setInputFiles('#import', { name: 'imported.toml', mimeType: 'text/plain', buffer: Buffer.from(text.replace('desiredCount = 6', 'desiredCount = 5')) });
  await page.waitForFunction(() => document.querySelector('#gallery .card[data-saved="imported"]'));
  await page.waitForFunction(() => !document.getElementById('run').disabled);
  await runToEnd();
  const running = await page.$eval('#summary', (s) => s.dataset.runningTasks);
  assert(running === '5', `the imported scenario ran ${running} tasks`);
  const picked = await bar();
  assert(picked.name === 'imported' && picked.source === 'mine', `the bar shows ${JSON.stringify(picked)}`);
  const report = await page.$eval('#report', (p) => p.textContent);
  assert(report.includes('(saved/imported.toml)'), 'the run is not named after the import');
  await page.screenshot({ path: path.join(outDir, 'my-scenarios.png'), fullPage: true });
});

await check('charts: the 10 highest lines and "others" when there are many, and latency on a log scale', async () => {
  await page.goto(base);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30000 });
  const text = await page.$eval('#scenario-text', (t) => t.value);
  // Eight services: 16 latency lines (p50 and p99 of each).
  let many = text;
  for (let k = 2; k <= 8; k++) {
    many += `\n[[services]]\nserviceName = "web${k}"\ntaskDefinition = "web"\nstartAt = "60s"\ndesiredCount = 1\n`;
    many += `\n[[traffic]]\nservice = "web${k}"\nstart = "2m"\nrate = { profile = "constant", rps = ${5 * k} }\nwork = { dist = "exponential", mean = "${4 * k}ms" }\nalgorithm = "round_robin"\n`;
  }
  await page.$eval('#editor', (d) => { d.open = true; });
  await page.fill('#scenario-text', many);
  await page.waitForFunction(() => !document.getElementById('run').disabled, null, { timeout: 10000 });
  await runToEnd();
  const legend = () => page.$$eval('figure[data-chart="latency-chart"] .legend-item', (l) => l.map((e) => e.textContent));
  const names = await legend();
  assert(names.length === 11 && names[10] === 'others (highest of 6)', `latency legend: ${JSON.stringify(names)}`);
  // The highest-peaking lines are the ones kept: web8's p99 (the slowest work) is among them.
  assert(names.includes('web8 p99'), `the slowest service's p99 is not shown: ${names}`);
  const box = await page.$eval('#latency-chart', (c) => [c.clientWidth, c.clientHeight]);
  await page.hover('#latency-chart', { position: { x: Math.round(box[0] * 0.7), y: Math.round(box[1] / 2) } });
  await page.waitForSelector('#latency-chart-values', { timeout: 5000 });
  const values = await page.$eval('#latency-chart-values', (e) => e.textContent);
  assert(/others \(highest of 6\): [\d.]+ ms/.test(values), `crosshair: ${values}`);
  // The log scale: the same lines, spread over decades; the axis says so.
  const linear = await page.$eval('#latency-chart', (c) => c.toDataURL());
  await page.check('#latency-chart-log');
  await page.waitForFunction((before) => document.getElementById('latency-chart').toDataURL() !== before, linear, { timeout: 5000 });
  assert((await legend()).length === 11, 'the log scale lost lines');
  await page.locator('figure[data-chart="latency-chart"]').screenshot({ path: path.join(outDir, 'chart-log-others.png') });
  await page.uncheck('#latency-chart-log');
  await page.waitForFunction((before) => document.getElementById('latency-chart').toDataURL() === before, linear, { timeout: 5000 });
});

await check('what-if: variant B against A over the same seeds, with a table of differences', async () => {
  await pick(DEFAULT);
  await page.waitForFunction(() => !document.getElementById('run').disabled);
  await page.click('#make-variant-copy');
  const a = await page.$eval('#variant-b', (t) => t.value);
  await page.fill('#variant-b', a.replace('desiredCount = 8', 'desiredCount = 4'));
  await page.fill('#seeds', '2');
  await page.click('#compare');
  await page.waitForSelector('#compare-table', { timeout: 60000 });
  const cell = (metric, col) => page.$eval(`#compare-table tr[data-metric="${metric}"] td.${col}`, (td) => td.textContent);
  const [ra, rb] = [await cell('services.web.tasks.running_end', 'a'), await cell('services.web.tasks.running_end', 'b')];
  assert(/^8( ± 0)?$/.test(ra) && /^4( ± 0)?$/.test(rb), `running: A ${ra}, B ${rb}`);
  // In words, with units, rounded; coloured only where the difference is significant.
  const row = await page.$eval('#compare-table tr[data-metric="services.web.latency_ms.p99"]', (tr) => ({ name: tr.cells[0].textContent, a: tr.cells[1].textContent, cls: tr.className }));
  assert(row.name === 'web: p99 latency (ms)' && !/\.\d{4}/.test(row.a), `latency row: ${JSON.stringify(row)}`);
  assert(/±/.test(await cell('cost_usd.total', 'a')), 'no confidence interval over 2 seeds');
  // The paired difference and its verdict, from the statistics `ecsim compare` prints.
  assert(/^-4( ± 0)?$/.test(await cell('services.web.tasks.running_end', 'diff')), 'paired difference');
  const verdict = await cell('services.web.tasks.running_end', 'verdict');
  assert(verdict === 'B worse', `fewer running tasks must be worse: ${verdict}`);
  const classes = await page.$$eval('#compare-table tbody td.verdict', (l) => l.map((td) => [td.className, td.textContent]));
  assert(classes.length > 5 && classes.every(([c, v]) => c.includes('worse') === (v === 'B worse') && c.includes('better') === (v === 'B better')), `colours: ${JSON.stringify(classes)}`);
  // Cost against p99: a point with whiskers per variant, and the same numbers in words.
  await page.waitForSelector('#whatif-tradeoff[data-plotted="2"]', { timeout: 5000 });
  const trade = await canvasPixels('whatif-tradeoff');
  assert(trade.blue > 60, `A's point is not on the trade-off plot: ${JSON.stringify(trade)}`);
  const points = await page.$$eval('#tradeoff-points li', (l) => l.map((e) => e.textContent));
  assert(points.length === 2 && /^A: worst p99 [\d.]+ ± [\d.]+ ms, cost [\d.]+ ± [\d.]+ USD per hour$/.test(points[0]), `trade-off points: ${JSON.stringify(points)}`);
  await page.locator('figure[data-chart="whatif-tradeoff"]').screenshot({ path: path.join(outDir, 'what-if-tradeoff.png') });
  // The warning of intervals too wide to act on appears exactly when a cell's ± is above 10 %.
  const cells = await page.$$eval('#compare-table tbody td.a, #compare-table tbody td.b', (l) => l.map((td) => td.textContent));
  const wideCells = cells.map((t) => t.match(/^(-?[\d.]+) ± ([\d.]+)$/)).filter((m) => m && Number(m[2]) > 0.1 * Math.abs(Number(m[1])));
  const warning = await page.$eval('#compare-wide', (e) => e.textContent).catch(() => null);
  assert((wideCells.length > 0) === (warning !== null), `wide cells ${wideCells.length}, warning: ${warning}`);
  if (warning) assert(/about \d+ seeds/.test(warning), `warning: ${warning}`);
  const caption = await page.$eval('#compare-table caption', (c) => c.textContent);
  assert(caption.includes('[1, 2]'), caption);
  // An edit of B after the comparison marks it out of date, naming B.
  await page.fill('#variant-b', a.replace('desiredCount = 8', 'desiredCount = 5'));
  await page.waitForSelector('#compare-stale', { timeout: 5000 });
  assert((await page.$eval('#compare-stale', (e) => e.textContent)).includes('Out of date: B changed'), 'the stale note does not name B');
  // Seed 1's runs overlaid: A in blue, B in orange and red, on every chart.
  for (const id of ['whatif-cpu', 'whatif-tasks', 'whatif-requests', 'whatif-latency', 'whatif-cost']) {
    const px = await canvasPixels(id);
    assert(px.drawn > 2000, `${id} not drawn: ${JSON.stringify(px)}`);
  }
  const cpu = await canvasPixels('whatif-cpu');
  assert(cpu.blue > 100 && cpu.red > 100, `A and B not both on the CPU chart: ${JSON.stringify(cpu)}`);
  await page.$eval('#whatif-charts', (e) => e.scrollIntoView());
  await page.screenshot({ path: path.join(outDir, 'what-if.png'), fullPage: true });
});

await check('what-if: variant B built with the form, objectives per variant', async () => {
  await page.goto(base);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30000 });
  await page.waitForSelector('#variant-form .variant-setting option[value="services[0].desiredCount"]', { state: 'attached' });
  await page.selectOption('#variant-form .variant-setting', 'services[0].desiredCount');
  await page.fill('#variant-form .variant-value', '4');
  await page.press('#variant-form .variant-value', 'Tab');
  await page.click('#make-variant-form');
  await page.waitForSelector('#variant-b', { timeout: 5000 });
  const b = await page.$eval('#variant-b', (t) => t.value);
  const a = await page.$eval('#scenario-text', (t) => t.value);
  assert(/^desiredCount = 4$/m.test(b) && /^desiredCount = 8$/m.test(a), 'B is not A with 4 tasks, or A changed');
  assert((await page.$eval('#variant-notice', (e) => e.textContent)).includes('variant B: set services[0].desiredCount = 4'), 'no notice of the change');
  // Variant C from the same form: A with 12 tasks.
  assert(await page.$eval('#make-variant-form', (e) => e.textContent) === 'Make variant C', 'the form does not make C next');
  await page.fill('#variant-form .variant-value', '12');
  await page.press('#variant-form .variant-value', 'Tab');
  await page.click('#make-variant-form');
  await page.waitForSelector('#variant-c', { timeout: 5000 });
  const c = await page.$eval('#variant-c', (t) => t.value);
  assert(/^desiredCount = 12$/m.test(c) && /^desiredCount = 4$/m.test(await page.$eval('#variant-b', (t) => t.value)), 'C is not A with 12 tasks, or B changed');
  assert(await page.$('#variant-form') === null, 'a fourth variant can be made');
  assert(await page.$eval('#compare', (e) => e.textContent) === 'Compare A, B, C', 'the compare button');
  await page.fill('#seeds', '2');
  await page.click('#compare');
  await page.waitForSelector('#compare-objectives', { timeout: 90000 });
  const rows = await page.$$eval('#compare-objectives tbody tr', (l) => l.map((r) => [...r.cells].map((c) => c.textContent)));
  assert(rows.length === 1 && rows[0][1] === '✔ 2 of 2' && rows[0][2] === '✘ 0 of 2' && rows[0][3] === '✘ 0 of 2', `objectives per variant: ${JSON.stringify(rows)}`);
  const cell = (metric, col) => page.$eval(`#compare-table tr[data-metric="${metric}"] td.${col}`, (td) => td.textContent);
  const running = [await cell('services.web.tasks.running_end', 'a'), await cell('services.web.tasks.running_end', 'b'), await cell('services.web.tasks.running_end', 'c')];
  assert(/^8( ± 0)?$/.test(running[0]) && /^4( ± 0)?$/.test(running[1]) && /^12( ± 0)?$/.test(running[2]), `running: ${running}`);
  assert(/^\+4( ± 0)?$/.test(await cell('services.web.tasks.running_end', 'diff-c')), 'C − A');
  assert(await cell('services.web.tasks.running_end', 'verdict-c') === 'C better', 'more running tasks must be better');
  const heads = await page.$$eval('#compare-table thead th', (l) => l.map((e) => e.textContent));
  assert(heads.join('|') === 'metric|A|B|B − A|verdict|C|C − A|verdict', `columns: ${heads}`);
  await page.waitForSelector('#whatif-tradeoff[data-plotted="3"]', { timeout: 5000 });
  const trade = await canvasPixels('whatif-tradeoff');
  assert(trade.green > 60 && trade.blue > 60, `the variants' points: ${JSON.stringify(trade)}`);
  assert((await page.$eval('#whatif-charts > p.small', (e) => e.textContent)).includes('C in greens'), 'the overlay caption names C');
  await page.locator('#what-if').screenshot({ path: path.join(outDir, 'what-if-form.png') });
  assert(await page.$('#compare-stale') === null, 'a fresh comparison is marked out of date');
  // Removing C leaves B, the form offers C again, and the comparison shown is out of date.
  await page.click('.variant[data-variant="C"] .variant-remove');
  await page.waitForSelector('#variant-c', { state: 'detached', timeout: 5000 });
  assert(await page.$eval('#make-variant-form', (e) => e.textContent) === 'Make variant C', 'C cannot be made again');
  const stale = await page.$eval('#compare-stale', (e) => e.textContent);
  assert(stale.includes('the set of variants changed'), `stale note: ${stale}`);
});

// The shell words of a command the page prints (single quotes, as the page writes them).
function shellWords(line) {
  const words = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  let m;
  while ((m = re.exec(line)) !== null) words.push(m[1] !== undefined ? m[1].replaceAll("'\\''", "'") : m[2]);
  return words;
}

await check('plan: a sweep over several workers gives what `ecsim sweep` and `ecsim plan` give, and loads a point', async () => {
  const ecsim = process.env.ECSIM ?? path.join(root, 'target', 'debug', 'ecsim');
  assert(fs.existsSync(ecsim), `no ${ecsim}: build the command line first (cargo build -p ecsim-cli)`);
  await page.goto(base);
  await page.waitForSelector('#plan-knob-1 option[value="services[0].desiredCount"]', { state: 'attached', timeout: 30000 });
  // Until the user picks, the first row varies the desired count, from the form's value.
  assert(await page.$eval('#plan-values-1', (i) => i.value) === '4..16:3', 'the desired count row starts from the form');
  // Stop: a long plan stops at once and says how far it got.
  await page.fill('#plan-values-1', '2..40');
  await page.fill('#plan-seeds', '20');
  await page.click('#plan-run');
  await page.waitForSelector('#plan-status[data-state="running"]', { timeout: 30000 });
  await page.click('#plan-stop');
  await page.waitForSelector('#plan-status[data-state="stopped"]', { timeout: 5000 });
  // A bad value is reported with its point, before anything runs.
  await page.fill('#plan-values-1', '2,many');
  await page.fill('#plan-seeds', '3');
  await page.click('#plan-run');
  await page.waitForSelector('#plan-status[data-state="failed"]', { timeout: 30000 });
  const bad = await page.$eval('#plan-status', (e) => e.textContent);
  assert(/services\[0\]\.desiredCount=many/.test(bad) && /desiredCount/.test(bad), `bad value: ${bad}`);
  // The real plan: desired count × instance count, 3 seeds, an SLO on p99.
  await page.fill('#plan-values-1', '2..6:2');
  await page.selectOption('#plan-knob-2', 'instance_groups[0].count');
  await page.fill('#plan-values-2', '1,2');
  await page.fill('#plan-slos', 'services.web.latency_ms.p99 < 100');
  await page.click('#plan-run');
  await page.waitForSelector('#plan-table', { timeout: 120000 });
  const summary = await page.$eval('#plan-summary', (e) => e.textContent);
  const workers = Number(/on (\d+) workers/.exec(summary)?.[1]);
  assert(summary.startsWith('6 points × 3 seeds = 18 runs') && workers >= 2, `summary: ${summary}`);
  // The same sweep and plan on the command line, as the page prints them: byte for byte.
  const commands = (await page.$eval('#plan-command', (e) => e.textContent)).split('\n');
  assert(commands.length === 2 && commands[0].startsWith('ecsim sweep ') && commands[1].startsWith('ecsim plan '), commands.join(' / '));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ecsim-plan-'));
  const fromPage = async (id) => page.evaluate(async (id) => (await fetch(document.getElementById(id).href)).text(), id);
  for (const [line, id, file] of [[commands[0], 'plan-json', 'sweep.json'], [commands[1], 'plan-plan-json', 'plan.json']]) {
    const out = path.join(tmp, path.basename(file, '.json'));
    const args = shellWords(line).slice(1).map((a) => (a === 'plan-out' ? out : a));
    execFileSync(ecsim, args, { cwd: root, stdio: 'pipe' });
    const cli = fs.readFileSync(path.join(out, file), 'utf8');
    const web = await fromPage(id);
    assert(web === cli, `${file} from the page differs from \`${line}\`:\n${web.slice(0, 300)}\n---\n${cli.slice(0, 300)}`);
  }
  const plan = JSON.parse(await fromPage('plan-plan-json'));
  assert(plan.winner !== null && plan.points.some((p) => p.status.status === 'fails'), `a winner and a failing point: ${JSON.stringify(plan.points.map((p) => p.status))}`);
  // The chart: the Pareto front in red, the SLO's line in green, the winner ringed in blue.
  const px = await page.evaluate(() => {
    const c = document.getElementById('plan-chart');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const near = (i, [r, g, b]) => Math.abs(d[i] - r) < 30 && Math.abs(d[i + 1] - g) < 30 && Math.abs(d[i + 2] - b) < 30;
    let red = 0, green = 0, blue = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (near(i, [214, 39, 40])) red++;
      if (near(i, [44, 160, 44])) green++;
      if (near(i, [31, 119, 180])) blue++;
    }
    return { red, green, blue };
  });
  assert(px.red > 100 && px.green > 100 && px.blue > 50, `chart colours: ${JSON.stringify(px)}`);
  // Load the winner: its settings are written into the scenario text.
  const w = plan.points[plan.winner].settings;
  const desired = w.find(([p]) => p === 'services[0].desiredCount')[1];
  const hosts = w.find(([p]) => p === 'instance_groups[0].count')[1];
  assert(await page.$eval('#plan-table tr.winner td.verdict', (e) => e.textContent) === '★ cheapest that holds', 'the winner row');
  await page.click('#plan-table tr.winner button.plan-load');
  await page.waitForFunction((d) => document.getElementById('scenario-text').value.includes(`desiredCount = ${d}`), desired, { timeout: 10000 });
  const text = await page.$eval('#scenario-text', (t) => t.value);
  assert(new RegExp(`count = ${hosts}\\b`).test(text), `instance count ${hosts} not loaded`);
  await page.locator('#plan').screenshot({ path: path.join(outDir, 'plan.png') });
});

await check('every control has a name, and the keyboard alone can pick, run and read', async () => {
  await page.goto(base);
  await page.waitForSelector('#run', { timeout: 30000 });
  const unnamed = await page.$$eval('input, select, textarea, button, canvas', (l) => l
    .filter((e) => e.offsetParent !== null)
    .filter((e) => {
      const label = e.getAttribute('aria-label') || [...(e.labels ?? [])].map((x) => x.textContent).join('').trim()
        || (e.tagName === 'BUTTON' && e.textContent.trim()) || e.title;
      return !label;
    })
    .map((e) => e.outerHTML.slice(0, 80)));
  assert(unnamed.length === 0, `controls without a name: ${unnamed.join(' | ')}`);
  // A card of the gallery is picked with Enter; an arrow key on it loads nothing.
  const card = '#gallery .card[data-file="scenarios/lessons/static-vs-dynamic-ports.toml"]';
  await page.focus(card);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  assert((await bar()).name === 'Your first cluster', `an arrow key loaded ${(await bar()).name}`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('scenario-name')?.textContent === 'Static or dynamic host ports');
  await page.click('#gallery-toggle');
  await page.focus(`#gallery .card[data-file="${DEFAULT}"]`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('scenario-name')?.textContent === 'Your first cluster');
  // Tab from the gallery's button to Run, press Enter: the run happens.
  await page.focus('#gallery-toggle');
  let steps = 0;
  while (steps < 12 && await page.evaluate(() => document.activeElement?.id) !== 'run') {
    await page.keyboard.press('Tab');
    steps++;
  }
  assert(await page.evaluate(() => document.activeElement?.id) === 'run', `Run not reached by Tab (${steps} presses)`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#summary[data-trace-hash]', { timeout: 30000 });
  // The scrubber takes arrow keys.
  await page.focus('#scrub');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  const t = await page.$eval('#cluster-time', (e) => e.textContent);
  assert(t === '5 s', `one step right of the start: ${t}`);
});

await check('1,000 instances: a heat map by zone and a table that reaches every instance, sorted and filtered', async () => {
  await runDefaultWith('count = 3', 'count = 1000');
  await page.waitForSelector('#summary[data-trace-hash]', { timeout: 60000 });
  await page.waitForSelector('#many-hosts', { timeout: 10000 });
  assert(await page.$eval('#many-hosts', (e) => e.dataset.rows) === '1000', 'not every instance is a row');
  const zones = await page.$$eval('#heat-map .heat-zone', (l) => l.map((z) => [z.dataset.zone, z.querySelectorAll('.heat').length]));
  assert(zones.length === 3 && zones.reduce((n, z) => n + z[1], 0) === 1000, `heat map: ${JSON.stringify(zones)}`);
  assert(await page.$$eval('#cluster-view .host', (l) => l.length) === 0, 'instance boxes drawn beside the table');
  // By instance group instead: the default's one group holds all 1,000.
  await page.selectOption('#heat-by', 'group');
  const groups = await page.$$eval('#heat-map .heat-zone', (l) => l.map((z) => [z.dataset.zone, z.querySelectorAll('.heat').length]));
  assert(JSON.stringify(groups) === '[["web-hosts",1000]]', `by group: ${JSON.stringify(groups)}`);
  await page.selectOption('#heat-by', 'zone');
  // The last instance, reached from the table by scrolling to its end…
  const last = await page.$eval('#hosts-table tbody', (b) => { b.closest('.scroll').scrollTop = 1e9; return b.lastElementChild.dataset.host; });
  assert(last === 'i-1000', `the table ends at ${last}`);
  // …by its square in the heat map, which picks it alone in the table (i-10, not i-100…)…
  await page.click('#heat-map .heat[data-host="i-10"]');
  await page.waitForFunction(() => document.querySelectorAll('#hosts-table tbody tr').length === 1);
  assert(await page.$eval('#hosts-table tbody tr', (r) => r.dataset.host + ' ' + r.className) === 'i-10 picked', 'the square did not pick its instance');
  await page.click('#heat-map .heat[data-host="i-1000"]');
  await page.waitForFunction(() => document.querySelector('#hosts-table tbody tr')?.dataset.host === 'i-1000');
  assert(await page.$eval('#host-detail', (d) => d.dataset.host) === 'i-1000', 'no drill-down into the last instance');
  // …and by a filter; sorted by tasks, the busiest comes first.
  await page.fill('#hosts-filter', 'us-east-1c');
  const shown = await page.$eval('#hosts-count', (e) => e.textContent);
  assert(/^\d+ of 1000 shown$/.test(shown) && !shown.startsWith('1000 '), `filter: ${shown}`);
  await page.fill('#hosts-filter', '');
  await page.selectOption('#hosts-sort', 'tasks');
  const tasks = await page.$$eval('#hosts-table tbody tr', (l) => l.slice(0, 20).map((r) => Number(r.cells[7].textContent)));
  assert(tasks[0] > 0 && tasks.every((t, i) => i === 0 || tasks[i - 1] >= t), `sorted by tasks: ${tasks}`);
  // The drill-down into the busiest instance: its tasks by service, as many as its row counts.
  const busiest = await page.$eval('#hosts-table tbody tr', (r) => r.dataset.host);
  await page.click(`#heat-map .heat[data-host="${busiest}"]`);
  await page.waitForSelector(`#host-detail[data-host="${busiest}"] li`, { timeout: 5000 });
  const items = await page.$$eval('#host-detail li', (l) => l.map((e) => e.textContent));
  const listed = items.map((t) => [...t.matchAll(/(\d+) (running|starting)/g)].reduce((n, m) => n + Number(m[1]), 0)).reduce((a, b) => a + b, 0);
  assert(listed === tasks[0] && items.every((t) => /^web: \d+ running/.test(t)), `drill-down into ${busiest}: ${JSON.stringify(items)}, its row says ${tasks[0]} tasks`);
  await page.locator('#many-hosts').screenshot({ path: path.join(outDir, 'cluster-1000-drill-down.png') });
  await page.locator('#cluster-view').screenshot({ path: path.join(outDir, 'cluster-1000.png') });
});

await check('text contrast is at least WCAG AA (4.5:1; 3:1 for large text) across the page after a run', async () => {
  await page.goto(base);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30000 });
  await runToEnd();
  for (const d of ['#editor', '#paste']) await page.$eval(d, (e) => { e.open = true; });
  const low = await page.evaluate(() => {
    const rgb = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (e) => {
      for (let x = e; x; x = x.parentElement) {
        const c = rgb(getComputedStyle(x).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out = [];
    for (const e of document.querySelectorAll('body *')) {
      const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || e.offsetParent === null || e.closest('[disabled], canvas, option')) continue;
      const st = getComputedStyle(e);
      const fg = rgb(st.color);
      const [a, b] = [lum(fg.slice(0, 3)), lum(background(e))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const size = parseFloat(st.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(`${e.tagName}#${e.id}.${e.className} ${ratio.toFixed(2)}: ${e.textContent.trim().slice(0, 30)}`);
    }
    return out;
  });
  assert(low.length === 0, `low contrast: ${low.slice(0, 8).join(' | ')}`);
});

await check('a 390 px wide screen: no horizontal overflow, with the gallery, a run, the form, the text and a what-if open', async () => {
  const phone = await browser.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(base);
  await phone.waitForSelector('#gallery .card');
  const overflow = () => phone.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 1 && !e.closest('.scroll'));
    return { scroll: document.documentElement.scrollWidth, width: w, wide: wide.slice(0, 5).map((e) => `${e.tagName}#${e.id}.${e.className}`) };
  });
  const galleryView = await overflow();
  await phone.screenshot({ path: path.join(outDir, 'phone-gallery.png') });
  await phone.click('#gallery-toggle');
  await phone.waitForSelector('#run:not([disabled])');
  await phone.click('#run');
  await phone.waitForSelector('#summary[data-trace-hash]', { timeout: 30000 });
  for (const d of ['#editor', '#paste']) await phone.$eval(d, (e) => { e.open = true; });
  await phone.click('#make-variant-copy');
  await phone.fill('#seeds', '2');
  await phone.click('#compare');
  await phone.waitForSelector('#compare-table', { timeout: 60000 });
  const runView = await overflow();
  await phone.screenshot({ path: path.join(outDir, 'phone-run.png'), fullPage: true });
  await phone.close();
  for (const [what, o] of [['gallery', galleryView], ['after a run', runView]]) {
    assert(o.scroll <= o.width && o.wide.length === 0, `${what}: ${o.scroll} px wide in ${o.width}: ${o.wide.join(', ')}`);
  }
});

await check('a crash in the worker shows an error banner, and the next run works', async () => {
  const crash = await browser.newPage();
  await crash.goto(base + '?crash-test');
  await crash.waitForSelector('#run:not([disabled])', { timeout: 30000 });
  await crash.click('#run');
  await crash.waitForSelector('#summary.error #error', { timeout: 10000 });
  const msg = await crash.$eval('#error', (e) => e.textContent);
  assert(/the simulator crashed [\s\S]*crash the page asked for/.test(msg), `banner: ${msg}`);
  await crash.screenshot({ path: path.join(outDir, 'crash-banner.png') });
  // The page is alive: the next Run gets a new worker and finishes.
  await crash.click('#run');
  await crash.waitForSelector('#summary[data-trace-hash]', { timeout: 30000 });
  await crash.close();
});

await check('no console errors', async () => {
  assert(errors.length === 0, errors.join('\n'));
});

await browser.close();
server.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
