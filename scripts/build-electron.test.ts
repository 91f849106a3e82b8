// The Electron bundles are built and checked without Electron: the preload is one file needing only
// `electron`; main needs only externals and Node builtins; the bundled worker runs under plain Node.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { ensureModel } from '../test-support/models.ts';
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

type Msg = { type: string; id?: number; ok?: boolean; value?: any; error?: { message: string } }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Runs the bundled process worker under plain Node and sends it requests. */
function startBundledWorker(kind: string, env: NodeJS.ProcessEnv = {}) {
  const child = fork(join(dir, 'worker.mjs'), ['--kind', kind], {
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  const messages: Msg[] = [];
  child.on('message', (m) => messages.push(m as Msg));
  const waitFor = (pred: (m: Msg) => boolean) =>
    new Promise<Msg>((resolve, reject) => {
      const check = (m: Msg) => pred(m) && resolve(m);
      messages.forEach(check);
      child.on('message', (m) => check(m as Msg));
      child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
  let nextId = 1;
  return {
    ready: () => waitFor((m) => m.type === 'ready'),
    request: (task: string, input: unknown) => {
      const id = nextId++;
      child.send({ type: 'request', id, task, input });
      return waitFor((m) => m.type === 'response' && m.id === id);
    },
    kill: () => child.kill(),
  };
}

test('the bundled worker answers ping under plain Node (no tsx)', async () => {
  await built;
  const worker = startBundledWorker('engine');
  try {
    await worker.ready();
    const r = await worker.request('ping', { text: 'bundled' });
    assert.equal(r.ok, true);
    assert.equal(r.value.pong, 'bundled');
  } finally {
    worker.kill();
  }
});

test('every worker file a bundle spawns lies beside it under its own name (not the bundle itself)', async () => {
  await built;
  for (const bundle of ['worker.mjs', 'main.cjs']) {
    const code = readFileSync(join(dir, bundle), 'utf8');
    for (const [, name] of code.matchAll(/new URL\("\.\/([^"]+)", import\.meta\.url\)/g)) {
      assert.notEqual(name, bundle, `${bundle} would spawn itself as a thread`);
      assert.ok(existsSync(join(dir, name)), `${bundle} spawns ${name}, which is missing`);
    }
  }
  assert.ok(existsSync(join(dir, 'engine-tensor-worker.mjs')), 'the tensor pool worker is bundled');
});

test("the engine's thread pools start from the bundle: inspect and gradients with 2 threads", { timeout: 60_000 }, async () => {
  await built;
  const modelPath = ensureModel({ preset: 'nano', weightType: 'F32' });
  const worker = startBundledWorker('engine', { GLASSBOX_ENGINE_THREADS: '2' });
  try {
    await worker.ready();
    const run = await worker.request('inspectRun', { modelPath, prompt: 'hello', topK: 3, addBos: true });
    assert.equal(run.ok, true, JSON.stringify(run.error));
    const grads = await worker.request('inspectGradients', { modelPath, prompt: 'hello', target: ' world', addBos: true });
    assert.equal(grads.ok, true, JSON.stringify(grads.error));
  } finally {
    worker.kill();
  }
});
