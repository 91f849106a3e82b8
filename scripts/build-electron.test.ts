// The Electron bundles are built and checked without Electron: the preload is one file needing only
// `electron`; main needs only externals and Node builtins; the bundled worker runs under plain Node.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { buildElectron } from './build-electron.mjs';

// Built inside the repo so the bundle's externals (node-llama-cpp, better-sqlite3) resolve from node_modules.
mkdirSync(join(process.cwd(), '.cache'), { recursive: true });
const dir = mkdtempSync(join(process.cwd(), '.cache', 'electron-build-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const built = buildElectron(dir);

const requiresOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

test('preload is a single CommonJS file that requires only electron', async () => {
  await built;
  assert.deepEqual([...new Set(requiresOf(join(dir, 'preload.cjs')))], ['electron']);
  assert.match(readFileSync(join(dir, 'preload.cjs'), 'utf8'), /exposeInMainWorld\("glassbox"/);
});

test('main requires only electron, native externals and Node builtins', async () => {
  await built;
  const extra = requiresOf(join(dir, 'main.cjs')).filter((r) => !builtins.has(r) && !['electron', 'better-sqlite3'].includes(r));
  assert.deepEqual(extra, []);
});

test('the bundled worker answers ping under plain Node (no tsx)', async () => {
  await built;
  const child = fork(join(dir, 'worker.mjs'), ['--kind', 'engine'], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const messages: { type: string; id?: number; ok?: boolean; value?: { pong: string } }[] = [];
    const waitFor = (pred: (m: (typeof messages)[number]) => boolean) =>
      new Promise<(typeof messages)[number]>((resolve, reject) => {
        const check = (m: (typeof messages)[number]) => pred(m) && resolve(m);
        messages.forEach(check);
        child.on('message', (m) => check(m as (typeof messages)[number]));
        child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
    child.on('message', (m) => messages.push(m as (typeof messages)[number]));
    await waitFor((m) => m.type === 'ready');
    child.send({ type: 'request', id: 1, task: 'ping', input: { text: 'bundled' } });
    const r = await waitFor((m) => m.type === 'response' && m.id === 1);
    assert.equal(r.ok, true);
    assert.equal(r.value!.pong, 'bundled');
  } finally {
    child.kill();
  }
});
