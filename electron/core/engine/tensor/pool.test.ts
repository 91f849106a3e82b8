// The one thread pool: a worker that dies makes the waiting call throw a clear error (it never
// hangs), and the pool refuses work afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MatmulEngine } from './matmul.ts';
import { PoolError } from './pool.ts';
import { randomArray } from './random.ts';

test('a dead kernel worker fails the pending call with a clear error, and every later call', async () => {
  const eng = await MatmulEngine.create({ threads: 2 });
  try {
    const w = eng.allocate('F32', 64, 64, 'f32');
    eng.writeRowsF32(w, 0, randomArray(64 * 64, 1));
    const x = randomArray(8 * 64, 2);
    const before = eng.linear(w, x, 8).slice(); // the pool works
    assert.equal(before.length, 8 * 64);
    assert.throws(
      () => eng.pool.simulateWorkerFailure(),
      (e: Error) => e instanceof PoolError && /kernel worker 1 died: simulated kernel failure/.test(e.message),
    );
    assert.throws(
      () => eng.linear(w, x, 8),
      (e: Error) => e instanceof PoolError && /unusable/.test(e.message),
    );
  } finally {
    eng.dispose();
  }
});

test('one pool: the engine starts worker threads in exactly one place (tensor/pool.ts), from one worker file', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join, relative } = await import('node:path');
  const root = new URL('..', import.meta.url).pathname;
  const sources: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.test.ts')) sources.push(p);
    }
  };
  walk(root);
  const starters = sources.filter((p) => /new Worker\(/.test(readFileSync(p, 'utf8'))).map((p) => relative(root, p));
  assert.deepEqual(starters, ['tensor/pool.ts']);
  const workerFiles = sources
    .filter((p) => /worker_threads/.test(readFileSync(p, 'utf8')) && p.endsWith('.mjs'))
    .map((p) => relative(root, p));
  assert.deepEqual(workerFiles, ['tensor/worker.mjs']);
});
