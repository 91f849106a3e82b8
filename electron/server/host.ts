// The headless host: the same core as the desktop app, the built renderer over HTTP and the API over a
// WebSocket at /api. Loopback only unless told otherwise; every request needs the token.
//
//   const host = await startHost({ port: 0, dbPath: '/tmp/x.db' });
//   host.url   // http://127.0.0.1:PORT/?token=…
//   await host.close();
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { createCore, type Core } from '../core/app/core.ts';
import { nodeSpawner } from '../core/workers/node-spawner.ts';
import type { WorkerSpawner } from '../core/workers/protocol.ts';
import { checkRequest, cookieName, type GuardConfig } from './guard.ts';
import { send, serveStatic } from './static.ts';
import { handleUpload } from './upload.ts';
import { attachWsTransport, MAX_CLIENT_MESSAGE_BYTES } from './ws-transport.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface HostOptions {
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1 (loopback). */
  host?: string;
  /** Fixed token (tests); default 32 random bytes, hex. */
  token?: string;
  dataDir?: string;
  dbPath?: string;
  modelsDir?: string;
  /** Built renderer folder; default renderer/dist. */
  rendererDir?: string;
  /** Extra names accepted in Host/Origin headers besides loopback names (e.g. ["gpu-box"]). */
  allowedHosts?: string[];
  testMode?: boolean;
  spawner?: WorkerSpawner;
  workerBackoffMs?: number;
}

export interface RunningHost {
  /** Open this in a browser: includes ?token=. */
  url: string;
  /** The origin without the token, e.g. http://127.0.0.1:5173 */
  origin: string;
  port: number;
  token: string;
  core: Core;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function startHost(options: HostOptions = {}): Promise<RunningHost> {
  const bindHost = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('hex');
  const rendererDir = resolve(options.rendererDir ?? join(repoRoot, 'renderer', 'dist'));
  const core = createCore({
    mode: 'browser',
    spawner: options.spawner ?? nodeSpawner,
    dataDir: options.dataDir,
    dbPath: options.dbPath,
    modelsDir: options.modelsDir,
    testMode: options.testMode,
    workerBackoffMs: options.workerBackoffMs,
  });

  const guard: GuardConfig = { token, port: 0, allowedHosts: [...(options.allowedHosts ?? [])] };
  if (!LOOPBACK.has(bindHost) && bindHost !== '0.0.0.0' && bindHost !== '::') guard.allowedHosts.push(bindHost);

  const server = createServer((req, res) => {
    const verdict = checkRequest(req, guard);
    if (!verdict.ok) return send(res, verdict.status, `refused: ${verdict.reason}`);
    if (/^\/upload(\?|$)/.test(req.url ?? ''))
      return void handleUpload(req, res, core.paths.dataDir).catch(() => !res.headersSent && send(res, 500, 'upload failed'));
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET');
    const url = new URL(req.url ?? '/', 'http://placeholder');
    // Opening the printed URL sets a cookie, so the page's assets and reloads need no token in the URL.
    const extra: Record<string, string> = verdict.viaQuery
      ? { 'Set-Cookie': `${cookieName(guard.port)}=${token}; HttpOnly; SameSite=Strict; Path=/` }
      : {};
    serveStatic(rendererDir, url.pathname, res, extra).catch((err: unknown) => {
      console.error('static file error', err);
      if (!res.headersSent) send(res, 500, 'internal error');
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const detach = attachWsTransport(wss, core.dispatch, core.events);
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const verdict = checkRequest(req, guard);
    const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
    if (!verdict.ok || path !== '/api') {
      const status = verdict.ok ? 404 : verdict.status;
      const reason = verdict.ok ? 'no such endpoint (the API is at /api)' : verdict.reason;
      socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nrefused: ${reason}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(options.port ?? 0, bindHost, () => res());
  });
  const port = (server.address() as AddressInfo).port;
  guard.port = port;
  const shownHost = LOOPBACK.has(bindHost) || bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost;
  const origin = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    core,
    close() {
      closing ??= (async () => {
        detach();
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((res) => server.close(() => res()));
        await core.close();
      })();
      return closing;
    },
  };
}
