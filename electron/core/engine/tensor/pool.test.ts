// The one thread pool: a worker that dies makes the waiting call throw a clear error (it never
// hangs), and the pool refuses work afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MatmulEngine } from './matmul.ts';
import { PoolError } from './pool.ts';
import { randomArray } from './random.ts';
import { CHUNK, GRAIN, N_ROWS, THREADS, claim, claimEnd } from './pool-protocol.mjs';

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

test('claims cover every row once, start on the grain, shrink towards the end and never go below the smallest claim', () => {
  for (const [N, grain, chunk, threads] of [
    [262144, 4, 4096, 2],
    [262144, 8192, 8192, 2],
    [640, 8, 16, 4],
    [7, 1, 1, 3],
  ]) {
    const ctrl = new Int32Array(32);
    ctrl[N_ROWS] = N;
    ctrl[GRAIN] = grain;
    ctrl[CHUNK] = chunk;
    ctrl[THREADS] = threads;
    const sizes: number[] = [];
    for (let n0 = claim(ctrl), at = 0; n0 >= 0; n0 = claim(ctrl)) {
      assert.equal(n0, at, 'contiguous');
      assert.equal(n0 % grain, 0, 'on the grain');
      at = claimEnd(ctrl, n0);
      sizes.push(at - n0);
    }
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      N,
    );
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i] <= sizes[i - 1], `shrinking: ${sizes.join(',')}`);
    for (const s of sizes.slice(0, -1)) assert.ok(s >= chunk);
    assert.ok(sizes.length <= 4 * threads * Math.log2(N) + 2, `${sizes.length} claims`);
  }
});
