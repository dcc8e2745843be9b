// Serves a web build (dist/) on 127.0.0.1, sending each asset's precompressed copy (.br or .gz,
// written by scripts/compress.mjs) when the browser accepts it, with the right content type.
// Usage: node scripts/serve.mjs [DIST_DIR] [PORT]   (the browser test imports `serve`)
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json',
};

/** An HTTP server of `dist`; call `.listen(port, '127.0.0.1')` on it. */
export function serve(dist) {
  const root = path.resolve(dist);
  return http.createServer((req, res) => {
    let file;
    try {
      const url = new URL(req.url, 'http://x');
      file = path.join(root, url.pathname === '/' ? 'index.html' : path.normalize(decodeURIComponent(url.pathname)));
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    // Encodings the client takes, with a q-value above 0 ("br;q=0" refuses brotli).
    const accepts = new Set(String(req.headers['accept-encoding'] ?? '').split(',').map((p) => p.trim().split(';'))
      .filter(([, ...params]) => !params.some((q) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(q)))
      .map(([name]) => name.trim().toLowerCase()));
    const headers = { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', vary: 'accept-encoding' };
    let body = file;
    for (const [enc, ext] of [['br', '.br'], ['gzip', '.gz']]) {
      if ((accepts.has(enc) || accepts.has('*')) && fs.existsSync(file + ext)) {
        body = file + ext;
        headers['content-encoding'] = enc;
        break;
      }
    }
    headers['content-length'] = fs.statSync(body).size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(body).pipe(res);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dist = process.argv[2] ?? 'dist';
  const port = Number(process.argv[3] ?? process.env.PORT ?? 8080);
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    console.error(`no ${dist}/index.html: build the web app first (trunk build --release)`);
    process.exit(2);
  }
  serve(dist).listen(port, '127.0.0.1', () => console.log(`ecsim: serving ${dist} on http://127.0.0.1:${port}/ (Ctrl-C stops)`));
}
