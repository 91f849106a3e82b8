// Serves the built renderer (renderer/dist) with the same strict headers the Electron window gets.
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { SECURITY_HEADERS } from '../core/security/headers.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

// The policy and headers are the app's, shared with the Electron window and index.html's meta tag.
export { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../core/security/headers.ts';

export async function serveStatic(
  root: string,
  pathname: string,
  res: ServerResponse,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return send(res, 400, 'bad path');
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = normalize(join(root, rel));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return send(res, 403, 'path outside the app');
  try {
    const info = await stat(file);
    if (!info.isFile()) return send(res, 404, 'not found');
    const body = await readFile(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      ...extraHeaders,
      'Content-Type': type,
      'Content-Length': body.length,
      // Hashed asset names may be cached; the page itself must not (it carries the token flow).
      'Cache-Control': rel.startsWith('/assets/') ? 'private, max-age=31536000, immutable' : 'no-store',
    });
    res.end(body);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      if (rel === '/index.html') return send(res, 500, `the renderer is not built (no ${file}); run: npm run build:renderer`);
      return send(res, 404, 'not found');
    }
    throw err;
  }
}

export function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text + '\n');
}
