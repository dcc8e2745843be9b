// Writes a gzip (.gz) and a brotli (.br) copy beside each asset of a web build, for a server to
// send whichever the browser accepts (scripts/serve.mjs does). Run by trunk after each build
// (Trunk.toml's post_build hook, on its staging directory) or by hand: node scripts/compress.mjs DIR
// Prints each asset's sizes, raw, gzip and brotli.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir || !fs.existsSync(dir)) {
  console.error('usage: node scripts/compress.mjs DIR (or run by trunk, with TRUNK_STAGING_DIR set)');
  process.exit(2);
}
const worth = /\.(wasm|js|css|html|svg|json)$/;
let total = [0, 0, 0];
for (const name of fs.readdirSync(dir).sort()) {
  const file = path.join(dir, name);
  if (!worth.test(name) || !fs.statSync(file).isFile()) continue;
  const raw = fs.readFileSync(file);
  const gz = zlib.gzipSync(raw, { level: 9 });
  const br = zlib.brotliCompressSync(raw, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  });
  fs.writeFileSync(`${file}.gz`, gz);
  fs.writeFileSync(`${file}.br`, br);
  total = [total[0] + raw.length, total[1] + gz.length, total[2] + br.length];
  console.log(`asset: ${name} ${raw.length} bytes raw, ${gz.length} gzip, ${br.length} brotli`);
}
console.log(`assets: ${total[0]} bytes raw, ${total[1]} gzip, ${total[2]} brotli`);
