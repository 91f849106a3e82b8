// The host refuses anyone without the token, with a wrong token, from a foreign Origin, or with a
// foreign Host header (DNS rebinding) — on plain HTTP and on the WebSocket upgrade alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startHost, type RunningHost } from './host.ts';
import { cookieName } from './guard.ts';

let host: RunningHost;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glassbox-host-test-'));
  // A stand-in renderer so the test does not depend on a build.
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Glassbox</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET');
  host = await startHost({ port: 0, dataDir: dir, rendererDir, token: 'test-token-0123456789' });
});
after(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers: { host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Tries a WebSocket upgrade; resolves 'open' or the HTTP status it was refused with. */
function tryWs(query: string, headers: Record<string, string> = {}): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api${query}`, { headers });
    ws.on('open', () => (ws.close(), resolve('open')));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
    ws.on('error', () => {});
  });
}

const t = 'test-token-0123456789';

test('the URL printed by the host works and sets a per-port HttpOnly cookie', async () => {
  assert.equal(host.url, `http://127.0.0.1:${host.port}/?token=${t}`);
  const r = await get(`/?token=${t}`);
  assert.equal(r.status, 200);
  assert.match(r.body, /<title>Glassbox<\/title>/);
  assert.match(String(r.headers['set-cookie']), new RegExp(`^${cookieName(host.port)}=${t}; HttpOnly; SameSite=Strict; Path=/`));
  assert.match(String(r.headers['content-security-policy']), /default-src 'self'; script-src 'self'/);
  // Later requests (assets, reloads) ride on the cookie.
  const asset = await get('/assets/app.js', { cookie: `${cookieName(host.port)}=${t}` });
  assert.equal(asset.status, 200);
  assert.equal(asset.body, 'console.log(1)');
});

test('HTTP: missing token → 401, wrong token → 403', async () => {
  const missing = await get('/');
  assert.equal(missing.status, 401);
  assert.match(missing.body, /missing token/);
  assert.equal((await get('/assets/app.js')).status, 401);
  const wrong = await get('/?token=wrong-token-0123456789');
  assert.equal(wrong.status, 403);
  assert.match(wrong.body, /wrong token/);
  assert.equal((await get('/', { cookie: `${cookieName(host.port)}=nope` })).status, 403);
  // A token one character short of the real one is still wrong.
  assert.equal((await get(`/?token=${t.slice(0, -1)}`)).status, 403);
});

test('HTTP: a foreign Origin is refused even with the right token', async () => {
  const r = await get(`/?token=${t}`, { origin: 'http://evil.example' });
  assert.equal(r.status, 403);
  assert.match(r.body, /foreign Origin "http:\/\/evil\.example"/);
  assert.equal((await get(`/?token=${t}`, { origin: `http://127.0.0.1:${host.port + 1}` })).status, 403, 'another port is another origin');
  assert.equal((await get(`/?token=${t}`, { origin: 'null' })).status, 403);
  assert.equal((await get(`/?token=${t}`, { origin: `http://127.0.0.1:${host.port}` })).status, 200, 'own origin is fine');
});

test('HTTP: a foreign Host header (DNS rebinding) is refused even with the right token', async () => {
  const r = await get(`/?token=${t}`, { host: `evil.example:${host.port}` });
  assert.equal(r.status, 421);
  assert.match(r.body, /foreign Host header "evil\.example:\d+"/);
  assert.equal((await get(`/?token=${t}`, { host: `127.0.0.1:1` })).status, 421);
  assert.equal((await get(`/?token=${t}`, { host: `localhost:${host.port}` })).status, 200);
});

test('HTTP: paths outside the renderer folder are not served', async () => {
  const r = await get(`/..%2Fsecret.txt?token=${t}`);
  assert.notEqual(r.status, 200);
  assert.doesNotMatch(r.body, /TOP-SECRET/);
  assert.equal(r.status, 403);
});

test('WebSocket: token, Origin and Host are checked on the upgrade', async () => {
  assert.equal(await tryWs(`?token=${t}`), 'open');
  assert.equal(await tryWs(`?token=${t}`, { origin: `http://127.0.0.1:${host.port}` }), 'open');
  assert.equal(await tryWs('', { cookie: `${cookieName(host.port)}=${t}` }), 'open');
  assert.equal(await tryWs(''), 401);
  assert.equal(await tryWs('?token=wrong-token-0123456789'), 403);
  assert.equal(await tryWs(`?token=${t}`, { origin: 'http://evil.example' }), 403);
  assert.equal(await tryWs(`?token=${t}`, { host: `attacker.example:${host.port}` }), 421);
});

test('WebSocket: calls are answered with results, bad input with bad_input', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${t}`);
  await new Promise((r) => ws.once('open', r));
  const answers = new Map<number, unknown>();
  const got = new Promise<void>((resolve) =>
    ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as { t: string; id: number; result: unknown };
      if (m.t === 'result') answers.set(m.id, m.result);
      if (answers.size === 3) resolve();
    }),
  );
  ws.send(JSON.stringify({ t: 'call', id: 1, method: 'sessions.create', input: { title: 'over ws' } }));
  ws.send(JSON.stringify({ t: 'call', id: 2, method: 'sessions.create', input: { title: 7 } }));
  ws.send(JSON.stringify({ t: 'call', id: 3, method: 'no.such', input: {} }));
  await got;
  ws.close();
  assert.equal((answers.get(1) as { ok: boolean; value: { title: string } }).value.title, 'over ws');
  assert.equal((answers.get(2) as { error: { code: string } }).error.code, 'bad_input');
  assert.equal((answers.get(3) as { error: { code: string } }).error.code, 'unknown_method');
});
