// Electron's binary cannot be downloaded here, so this test runs the real bundled main process
// (dist/electron/main.cjs) against a stand-in `electron` module that records what main asks of it.
// It checks the security settings, the IPC sender check, the app:// protocol, event forwarding,
// workers under the utilityProcess spawner, and a clean shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron } from '../../scripts/build-electron.mjs';
import { CONTENT_SECURITY_POLICY } from '../core/security/headers.ts';
import { createElectronStandIn, loadMainWithStandIn, type FakeWindow } from './testing/electron-stand-in.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const userData = mkdtempSync(join(tmpdir(), 'glassbox-electron-main-'));

const standIn = createElectronStandIn({ userData });
const { app, recorded } = standIn;
const call = (url: string, method: string, input: unknown, parent: object | null = null) => standIn.call(method, input, url, parent);
let window: FakeWindow;

before(async () => {
  const dir = await buildElectron(join(repoRoot, 'dist', 'electron'));
  window = await loadMainWithStandIn(join(dir, 'main.cjs'), standIn);
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
  assert.deepEqual(headers['Content-Security-Policy'], [CONTENT_SECURITY_POLICY], 'the one policy (electron/core/security/headers.ts)');
  assert.deepEqual(headers['X-Content-Type-Options'], ['nosniff']);
});

test('app:// serves the built renderer with the CSP and refuses paths outside it', async () => {
  const handler = recorded.protocolHandlers.get('app')!;
  assert.ok(existsSync(join(repoRoot, 'renderer', 'dist', 'index.html')), 'run npm run build:renderer first (npm test does)');
  const index = (await handler({ url: 'app://glassbox/index.html' })) as Response;
  assert.equal(index.status, 200);
  assert.match(await index.text(), /<div id="root">/);
  assert.equal(index.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
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
