// Electron's binary cannot be downloaded here, so this test runs the real bundled main process
// (dist/electron/main.cjs) against a stand-in `electron` module that records what main asks of it.
// It checks the security settings, the IPC sender check, the app:// protocol, event forwarding,
// workers under the utilityProcess spawner, and a clean shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron } from '../../scripts/build-electron.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const userData = mkdtempSync(join(tmpdir(), 'glassbox-electron-main-'));

type Handler = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

const recorded = {
  schemes: [] as { scheme: string; privileges: Record<string, boolean> }[],
  protocolHandlers: new Map<string, Handler>(),
  ipcHandlers: new Map<string, Handler>(),
  permissionRequest: null as Handler | null,
  permissionCheck: null as Handler | null,
  headers: null as Handler | null,
  external: [] as string[],
  errors: [] as string[],
  menu: null as unknown,
  quit: 0,
};

class FakeWebContents extends EventEmitter {
  url = '';
  sent: [string, { name: string }][] = [];
  windowOpenHandler: Handler | null = null;
  setWindowOpenHandler(h: Handler) {
    this.windowOpenHandler = h;
  }
  send(channel: string, payload: { name: string }) {
    this.sent.push([channel, payload]);
  }
  getURL() {
    return this.url;
  }
}

const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  getPath: (name: string) => (name === 'userData' ? userData : tmpdir()),
  getVersion: () => '0.1.0-test',
  quit: () => {
    recorded.quit++;
    app.emit('quit-called');
  },
  exit: (code: number) => {
    throw new Error(`app.exit(${code}): ${recorded.errors.join('\n')}`);
  },
});

const windows: FakeBrowserWindow[] = [];
class FakeBrowserWindow extends EventEmitter {
  webContents = new FakeWebContents();
  constructor(readonly options: { webPreferences: Record<string, unknown> }) {
    super();
    windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
    app.emit('window-created-for-test', this);
  }
  static getAllWindows = () => windows;
  static getFocusedWindow = () => windows[0] ?? null;
  loadURL(url: string) {
    this.webContents.url = url;
    return Promise.resolve();
  }
  isDestroyed = () => false;
  isMinimized = () => false;
  show() {}
  focus() {}
  restore() {}
}

const fakeElectron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  nativeTheme: { shouldUseDarkColors: false },
  Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => (recorded.menu = m) },
  shell: { openExternal: async (url: string) => void recorded.external.push(url) },
  dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showErrorBox: (_t: string, m: string) => recorded.errors.push(m) },
  ipcMain: { handle: (ch: string, h: Handler) => recorded.ipcHandlers.set(ch, h), removeHandler: (ch: string) => recorded.ipcHandlers.delete(ch) },
  protocol: {
    registerSchemesAsPrivileged: (s: typeof recorded.schemes) => recorded.schemes.push(...s),
    handle: (scheme: string, h: Handler) => recorded.protocolHandlers.set(scheme, h),
  },
  net: {
    fetch: async (url: string) => {
      const path = fileURLToPath(url);
      return existsSync(path) ? new Response(readFileSync(path), { headers: { 'content-type': 'text/html' } }) : new Response('missing', { status: 404 });
    },
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: Handler) => (recorded.permissionRequest = h),
      setPermissionCheckHandler: (h: Handler) => (recorded.permissionCheck = h),
      setDevicePermissionHandler: () => {},
      webRequest: { onHeadersReceived: (h: Handler) => (recorded.headers = h) },
    },
  },
  // utilityProcess stand-in: a plain Node child running the same bundled worker file.
  utilityProcess: {
    fork(modulePath: string, args: string[], options: { env: NodeJS.ProcessEnv }) {
      const child = fork(modulePath, args, { env: options.env, serialization: 'advanced', execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      return {
        get pid() {
          return child.pid;
        },
        postMessage: (m: unknown) => child.connected && child.send(m as object),
        on: (ev: string, l: Handler) => child.on(ev, l),
        once: (ev: string, l: (code: number) => void) => child.once(ev, (code: number | null) => l(code ?? -1)),
        kill: () => child.kill('SIGKILL'),
      };
    },
  },
};

let window: FakeBrowserWindow;
const call = (url: string, method: string, input: unknown, parent: object | null = null) =>
  recorded.ipcHandlers.get('glassbox:call')!({ senderFrame: { url, parent } }, method, input) as Promise<{ ok: boolean; value?: any; error?: { code: string; message: string } }>; // eslint-disable-line @typescript-eslint/no-explicit-any

before(async () => {
  const dir = await buildElectron(join(repoRoot, 'dist', 'electron'));
  const created = new Promise<FakeBrowserWindow>((r) => app.once('window-created-for-test', r));
  const modules = Module as unknown as { _load: Handler };
  const load = modules._load;
  modules._load = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? fakeElectron : load.call(this, request, ...rest);
  };
  try {
    createRequire(import.meta.url)(join(dir, 'main.cjs'));
    window = await created;
  } finally {
    modules._load = load;
  }
});

after(async () => {
  const quit = new Promise((r) => app.once('quit-called', r));
  let prevented = false;
  app.emit('before-quit', { preventDefault: () => (prevented = true) });
  assert.ok(prevented, 'quit waits for the core to close');
  await quit;
  rmSync(userData, { recursive: true, force: true });
});

test('the window is sandboxed, isolated, without Node, and loads the app:// origin', () => {
  const prefs = window.options.webPreferences;
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.webviewTag, false);
  assert.ok(existsSync(prefs.preload as string), 'preload bundle exists');
  assert.match(prefs.preload as string, /preload\.cjs$/);
  assert.equal(window.webContents.url, 'app://glassbox/index.html');
  assert.deepEqual(recorded.schemes, [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  assert.ok(recorded.menu, 'an application menu is installed');
});

test('IPC: calls from the app frame reach the core; other senders are refused', async () => {
  const ok = await call('app://glassbox/index.html', 'sessions.create', { title: 'from the desktop' });
  assert.equal(ok.ok, true);
  assert.equal(ok.value.title, 'from the desktop');
  for (const [url, parent] of [
    ['https://evil.example/', null],
    ['file:///etc/passwd', null],
    ['app://other/index.html', null],
    ['app://glassbox/index.html', {}], // a subframe, even of our origin
  ] as const) {
    const r = await call(url, 'sessions.list', {}, parent);
    assert.equal(r.ok, false, url);
    assert.equal(r.error!.code, 'unavailable');
    assert.match(r.error!.message, /refused IPC/);
  }
  const bad = await call('app://glassbox/index.html', 'sessions.create', { title: 42 });
  assert.equal(bad.error!.code, 'bad_input');
});

test('core events are forwarded to the window', async () => {
  await call('app://glassbox/index.html', 'sessions.create', { title: 'another' });
  assert.ok(window.webContents.sent.some(([ch, e]) => ch === 'glassbox:event' && e.name === 'sessions.changed'));
});

test('navigation away, new windows and permissions are denied; only allow-listed https opens externally', () => {
  const navigate = (url: string) => {
    let prevented = false;
    window.webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  assert.equal(navigate('https://evil.example/'), true);
  assert.equal(navigate('app://glassbox/index.html#/chat'), false);
  assert.deepEqual(window.webContents.windowOpenHandler!({ url: 'https://huggingface.co/google/gemma-3-270m-it' }), { action: 'deny' });
  assert.deepEqual(window.webContents.windowOpenHandler!({ url: 'http://huggingface.co/' }), { action: 'deny' });
  assert.deepEqual(window.webContents.windowOpenHandler!({ url: 'https://evil.example/' }), { action: 'deny' });
  assert.deepEqual(recorded.external, ['https://huggingface.co/google/gemma-3-270m-it'], 'only the allow-listed https link was opened');

  let granted: boolean | undefined;
  recorded.permissionRequest!({}, 'media', (g: boolean) => (granted = g));
  assert.equal(granted, false);
  assert.equal(recorded.permissionCheck!({}, 'clipboard-read'), false);
  let headers: Record<string, string[]> = {};
  recorded.headers!({ responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
  assert.match(headers['Content-Security-Policy'][0], /script-src 'self'/);
});

test('app:// serves the built renderer with the CSP and refuses paths outside it', async () => {
  const handler = recorded.protocolHandlers.get('app')!;
  assert.ok(existsSync(join(repoRoot, 'renderer', 'dist', 'index.html')), 'run npm run build:renderer first (npm test does)');
  const index = (await handler({ url: 'app://glassbox/index.html' })) as Response;
  assert.equal(index.status, 200);
  assert.match(await index.text(), /<div id="root">/);
  assert.match(index.headers.get('content-security-policy')!, /default-src 'self'/);
  // Encoded slashes survive URL parsing and decode into a path that climbs out: refused.
  const outside = (await handler({ url: 'app://glassbox/..%2f..%2fpackage.json' })) as Response;
  assert.equal(outside.status, 403);
  // Dot segments (even percent-encoded) are resolved by the URL parser itself: stays inside, not found.
  const dots = (await handler({ url: 'app://glassbox/%2e%2e/%2e%2e/package.json' })) as Response;
  assert.equal(dots.status, 404);
  const otherHost = (await handler({ url: 'app://elsewhere/index.html' })) as Response;
  assert.equal(otherHost.status, 404);
});

test('workers run the bundled worker through the utilityProcess spawner', async () => {
  const r = await call('app://glassbox/index.html', 'workers.ping', { worker: 'engine', text: 'desktop' });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.value.pong, 'desktop');
  assert.notEqual(r.value.pid, process.pid);
  const status = await call('app://glassbox/index.html', 'system.status', {});
  assert.equal(status.value.mode, 'desktop');
  assert.equal(status.value.dataDir, userData, 'the data folder is Electron userData');
});
