// Headless Chromium as the browser test and the browser benchmark run it: Debian's chromium (or
// $CHROMIUM) through playwright-core, with a fresh profile and nothing running in the background.
// `chromium` is playwright-core's, which the caller loads from its own node_modules.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function launch(chromium) {
  return chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'ecsim-chromium-')), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
