// The SIMD backward gemms against the naive oracle, on shapes with ragged row counts (T % 4 ≠ 0,
// shares that split unevenly) and with operands both inside and outside the heap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MatmulEngine } from '../../tensor/matmul.ts';
import { HeapKernels } from './heapKernels.ts';
import { matmulBackward, matmulForward } from '../ops/matmul.ts';
import { randn, rng } from '../gradcheck.ts';

function maxRel(a: Float32Array, b: Float32Array): number {
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); }
  return d / s;
}

test('heap kernels: dX, dW (accumulating) and forward match the naive kernels', async () => {
  const engine = await MatmulEngine.create({ threads: 1 }) // the forward pool single-threaded: this test is about the gemm pool;
  const k = await HeapKernels.create(engine, 2);
  try {
    const rand = rng(11);
    for (const [T, IN, OUT] of [[7, 16, 13], [33, 264, 70], [4, 8, 3], [65, 640, 300]]) {
      const x = Float32Array.from(randn(rand, T * IN));
      const dy = Float32Array.from(randn(rand, T * OUT));
      const wHeap = k.view(engine.heap.alloc(OUT * IN * 4), OUT * IN);
      wHeap.set(randn(rand, OUT * IN));
      const w = wHeap.slice();
      const dx0 = Float32Array.from(randn(rand, T * IN)), dw0 = Float32Array.from(randn(rand, OUT * IN));
      // oracle, in float64 from the same f32 inputs
      const dxRef = Float64Array.from(dx0), dwRef = Float64Array.from(dw0);
      matmulBackward(dxRef, dwRef, Float64Array.from(dy), Float64Array.from(x), Float64Array.from(w), T, IN, OUT);
      for (const inHeap of [true, false]) {
        const dx = dx0.slice();
        const dw = inHeap ? k.view(engine.heap.alloc(OUT * IN * 4), OUT * IN) : new Float32Array(OUT * IN);
        dw.set(dw0);
        k.backward(dx, dw, dy, x, inHeap ? wHeap : w, T, IN, OUT);
        const ex = maxRel(dx, Float32Array.from(dxRef)), ew = maxRel(dw, Float32Array.from(dwRef));
        assert.ok(ex < 1e-5 && ew < 1e-5, `T=${T} IN=${IN} OUT=${OUT} heap=${inHeap}: dx ${ex}, dw ${ew}`);
      }
      const y = new Float32Array(T * OUT), yRef = new Float32Array(T * OUT);
      k.forward(y, x, wHeap, T, IN, OUT);
      matmulForward(yRef, x, w, T, IN, OUT);
      assert.ok(maxRel(y, yRef) < 1e-5);
    }
  } finally {
    k.dispose();
    engine.dispose();
  }
});
