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
    assert.throws(() => eng.pool.simulateWorkerFailure(), (e: Error) => e instanceof PoolError && /kernel worker 1 died: simulated kernel failure/.test(e.message));
    assert.throws(() => eng.linear(w, x, 8), (e: Error) => e instanceof PoolError && /unusable/.test(e.message));
  } finally {
    eng.dispose();
  }
});
