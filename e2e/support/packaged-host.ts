// The packaged desktop app as a test host. Electron's binary cannot run here, so the app's own packaged
// main bundle (resources/app/dist/electron/main.cjs, from the asar) is booted under Node against the
// stand-in Electron module, and this small bridge plays the part of Electron's renderer side for a
// browser: every page and asset comes from main's own app:// protocol handler (so from the packaged
// renderer files), and the API goes over the usual token-guarded WebSocket to main's own IPC handler
// (where the preload would call it), with main's window events pushed back. Workers run the packaged
// worker bundle, which loads node-llama-cpp and better-sqlite3 from the packaged node_modules.
//
// startTestHost() (support/host.ts) returns one of these when GLASSBOX_E2E_PACKAGED_APP names the
// extracted app folder, so the same e2e specs run against the package (see e2e/packaged.test.ts).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import type { Core } from '../../electron/core/app/core.ts';
import type { Dispatch } from '../../electron/core/app/dispatcher.ts';
import { EventBus } from '../../electron/core/app/events.ts';
import { createElectronStandIn, loadMainWithStandIn, type ElectronStandIn } from '../../electron/main/testing/electron-stand-in.ts';
import { checkRequest, cookieName, type GuardConfig } from '../../electron/server/guard.ts';
import { send } from '../../electron/server/static.ts';
import { attachWsTransport, MAX_CLIENT_MESSAGE_BYTES } from '../../electron/server/ws-transport.ts';
import type { HostOptions } from '../../electron/server/host.ts';
import type { TestHost } from './host.ts';

export interface PackagedHost extends TestHost {
  standIn: ElectronStandIn;
  /** The extracted app folder (what app.asar holds, unpacked files included). */
  appDir: string;
}

let current: PackagedHost | null = null;
let users = 0;
/** The packaged app booted in this process, if any. */
export const currentPackagedHost = () => current;

/**
 * Boots the packaged app, or shares the one already booted in this process (main can boot once per
 * process): it really stops when the last user calls stop().
 */
export async function startPackagedTestHost(appDir: string, options: HostOptions = {}): Promise<PackagedHost> {
  if (current) {
    if (current.appDir !== appDir) throw new Error(`the packaged app from ${current.appDir} is already running in this process`);
    users++;
    return current;
  }
  const ownData = options.dataDir ? null : mkdtempSync(join(tmpdir(), 'glassbox-packaged-data-'));
  const dataDir = options.dataDir ?? ownData!;
  const standIn = createElectronStandIn({ userData: dataDir, isPackaged: true });
  const window = await loadMainWithStandIn(join(appDir, 'dist', 'electron', 'main.cjs'), standIn, [join(appDir, '..', '..', 'glassbox')]);

  const events = new EventBus();
  window.webContents.onSend = (_channel, e) => events.publish(e.name as never, e.payload as never);
  const dispatch: Dispatch = (method, input) => standIn.call(method, input) as ReturnType<Dispatch>;
  const appProtocol = standIn.recorded.protocolHandlers.get('app');
  if (!appProtocol) throw new Error('the packaged main did not register the app:// protocol');

  const token = options.token ?? randomBytes(16).toString('hex');
  const guard: GuardConfig = { token, port: 0, allowedHosts: [] };
  const server = createServer((req, res) => {
    const verdict = checkRequest(req, guard);
    if (!verdict.ok) return send(res, verdict.status, `refused: ${verdict.reason}`);
    const url = new URL(req.url ?? '/', 'http://placeholder');
    void (async () => {
      const r = (await appProtocol({ url: `app://glassbox${url.pathname}` })) as Response;
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => (headers[k] = v));
      if (verdict.viaQuery) headers['set-cookie'] = `${cookieName(guard.port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      res.writeHead(r.status, headers);
      res.end(Buffer.from(await r.arrayBuffer()));
    })().catch((err: unknown) => {
      console.error('packaged app:// handler failed', err);
      if (!res.headersSent) send(res, 500, 'internal error');
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const detach = attachWsTransport(wss, dispatch, events);
  server.on('upgrade', (req, socket, head) => {
    const verdict = checkRequest(req, guard);
    if (!verdict.ok || new URL(req.url ?? '/', 'http://placeholder').pathname !== '/api') {
      socket.end('HTTP/1.1 403 Refused\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  guard.port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${guard.port}`;

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      detach();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
      await standIn.quit();
      if (ownData) rmSync(ownData, { recursive: true, force: true });
    })());
  const host: PackagedHost = {
    url: `${origin}/?token=${token}`,
    origin,
    port: guard.port,
    token,
    // Specs reach the core through main's IPC handler, as the window does.
    core: { dispatch } as unknown as Core,
    dataDir,
    standIn,
    appDir,
    close,
    async stop() {
      if (--users > 0) return;
      await close();
    },
  };
  current = host;
  users = 1;
  return host;
}
