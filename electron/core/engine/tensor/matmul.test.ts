import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { MatmulEngine } from './matmul.ts';
import { matmulNaive, matmulQ8Naive, type RawMatrix, Q8_BLOCK_BYTES } from './matmul-naive.ts';
import { linearBackwardReference } from './ops/linear.ts';
import { gatedGeluBackward } from './ops/gelu.ts';
import { f16ToF32, f32ToF16 } from '../gguf/half.ts';
import { assertClose } from './test-util.ts';
import { randomArray, rng } from './random.ts';
import { hasRelaxedSimd } from './wasm/kernels.ts';

// float64 reference: y[t,n] = Σ_k x[t,k]·W[n,k] over already-dequantized W.
function reference(x: Float32Array, T: number, W: Float64Array | Float32Array, N: number, K: number): Float64Array {
  const y = new Float64Array(T * N);
  for (let t = 0; t < T; t++)
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += x[t * K + k] * W[n * K + k];
      y[t * N + n] = s;
    }
  return y;
}

function quantizeQ8(w: Float32Array, N: number, K: number): { raw: RawMatrix; deq: Float32Array } {
  const bytes = new Uint8Array(((N * K) / 32) * Q8_BLOCK_BYTES);
  const deq = new Float32Array(N * K);
  for (let b = 0; b < (N * K) / 32; b++) {
    let amax = 0;
    for (let i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(w[b * 32 + i]));
    const h = f32ToF16(amax / 127);
    const d = f16ToF32(h);
    bytes[b * 34] = h & 255;
    bytes[b * 34 + 1] = h >> 8;
    for (let i = 0; i < 32; i++) {
      const q = d ? Math.round(w[b * 32 + i] / d) : 0;
      bytes[b * 34 + 2 + i] = q & 255;
      deq[b * 32 + i] = q * d;
    }
  }
  return { raw: { format: 'q8_0', rows: N, cols: K, data: bytes }, deq };
}

const engines: MatmulEngine[] = [];
after(() => engines.forEach((e) => e.dispose()));

// Shapes that exercise every tile path: full tiles, row tails (T % 4), column tails (N odd), decode T = 1.
const shapes = [
  { T: 1, N: 64, K: 32 },
  { T: 1, N: 11, K: 64 },
  { T: 5, N: 7, K: 64 },
  { T: 9, N: 33, K: 96 },
  { T: 16, N: 130, K: 256 },
  { T: 6, N: 10, K: 640 },
];

// Both kernel variants stay tested: fused multiply-add (relaxed SIMD, on by default in Node 24 and
// Electron) and plain mul + add (LoadOptions.fma = false).
test('this V8 has relaxed SIMD (Node 24 / Electron 45): the FMA kernels are the default', async () => {
  assert.ok(hasRelaxedSimd());
  const eng = await MatmulEngine.create({ threads: 1 });
  engines.push(eng);
  assert.equal(eng.options.fma, true);
  const plain = await MatmulEngine.create({ threads: 1, fma: false });
  engines.push(plain);
  assert.equal(plain.options.fma, false);
});

for (const [threads, fma] of [
  [1, false],
  [2, false],
  [1, true],
  [2, true],
] as const) {
  const label = `${threads} thread(s), ${fma ? 'FMA' : 'mul + add'}`;
  test(`SIMD f32 matmul matches a float64 reference (${label})`, async () => {
    const eng = await MatmulEngine.create({ threads, fma, serialWork: 0 }); // 0: every job split, however small
    engines.push(eng);
    for (const { T, N, K } of shapes) {
      const x = randomArray(T * K, 1 + T);
      const W = randomArray(N * K, 2 + N);
      const w = eng.allocate('F32', N, K, 'f32');
      eng.writeRowsF32(w, 0, W);
      const got = eng.linear(w, x, T);
      assertClose(`f32 T=${T} N=${N} K=${K}`, got, reference(x, T, W, N, K), 1e-5, 1e-5);
      assertClose(
        'naive f32',
        matmulNaive(x, T, { format: 'f32', rows: N, cols: K, data: W }, new Float32Array(T * N)),
        reference(x, T, W, N, K),
        1e-5,
        1e-5,
      );
    }
  });

  test(`SIMD Q8_0 matmul equals llama.cpp's Q8_0×Q8_0 arithmetic (${label})`, async () => {
    const eng = await MatmulEngine.create({ threads, fma, serialWork: 0 }); // 0: every job split, however small
    engines.push(eng);
    for (const { T, N, K } of shapes) {
      const x = randomArray(T * K, 3 + T, 2);
      const { raw, deq } = quantizeQ8(randomArray(N * K, 4 + N), N, K);
      const w = eng.allocate('Q8_0', N, K, 'q8_0');
      eng.writeRowsQ8(w, 0, raw.data as Uint8Array);
      const got = eng.linear(w, x, T);
      const oracle = matmulQ8Naive(x, T, raw, new Float32Array(T * N));
      // Same integer sums; only the float accumulation order differs.
      assertClose(`q8 T=${T} N=${N} K=${K} vs oracle`, got, oracle, 1e-5, 1e-5);
      // And close to the unquantized product: each activation moves by ≤ max|x|/254, errors add up like √K.
      const exact = reference(x, T, deq, N, K);
      assertClose(`q8 vs float64 of dequantized W`, got, exact, 0.02 * Math.sqrt(K), 0.02);
      // Embedding-style row reads return the dequantized weights exactly.
      assertClose('q8 row', eng.row(w, N - 1, new Float32Array(K)), deq.subarray((N - 1) * K, N * K), 0);
    }
  });
}

test('Q8_0 with float activations matches the float64 reference of dequantized weights', async () => {
  const eng = await MatmulEngine.create({ threads: 1, q8Activations: false });
  engines.push(eng);
  const T = 3,
    N = 10,
    K = 64;
  const x = randomArray(T * K, 9);
  const { raw, deq } = quantizeQ8(randomArray(N * K, 10), N, K);
  const w = eng.allocate('Q8_0', N, K, 'q8_0');
  eng.writeRowsQ8(w, 0, raw.data as Uint8Array);
  assertClose('q8 float path', eng.linear(w, x, T), reference(x, T, deq, N, K), 1e-5, 1e-5);
  assert.ok(rng(1)() !== rng(2)());
});

test('SIMD GELU (polynomial exp) matches the float64 formula to ~1 ulp, on every thread', async () => {
  const eng = await MatmulEngine.create({ threads: 2 });
  engines.push(eng);
  const n = 40_003; // not a multiple of 4: the tail takes the scalar path
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = -30 + (60 * i) / n;
  x.set([0, -0, 1e-30, -1e-30, 9.5, -9.5, 87, -87, 200, -200], 0);
  const want = Array.from(x, (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
  const got = x.slice();
  eng.gelu(got);
  // The exponent z (|z| ≤ 88) is formed in float32, as ggml does, so exp(z) carries a relative error
  // up to |z|·2⁻²⁴ ≈ 5e-6 where z is large, which is where GELU is tiny; elsewhere ~1e-7.
  const maxAbs = assertClose('gelu', got, want, 1e-9, 5e-6);
  assert.ok(maxAbs < 1e-6, `max abs error ${maxAbs}`);
});

for (const [threads, fma] of [
  [2, false],
  [2, true],
  [1, true],
] as const) {
  test(`backward gemms: dX and dW (accumulating) match float64 loops, weights and gradients in and out of the heap (${threads} thread(s), ${fma ? 'FMA' : 'mul + add'})`, async () => {
    const eng = await MatmulEngine.create({ threads, fma, serialWork: 0 }); // 0: every job split, however small
    engines.push(eng);
    const relErr = (a: Float32Array, b: Float64Array) => {
      let d = 0,
        m = 0;
      for (let i = 0; i < a.length; i++) {
        d = Math.max(d, Math.abs(a[i] - b[i]));
        m = Math.max(m, Math.abs(b[i]));
      }
      return d / m;
    };
    for (const [T, IN, OUT] of [
      [7, 16, 13],
      [40, 16, 24], // more rows than columns: dX on the row-split gemm_nn (the others: the column split)
      [33, 264, 70],
      [4, 8, 3],
      [65, 640, 300],
      [5, 12, 9],
      [5, 16, 200],
      [32, 24, 400],
      [3, 8, 2 * 8192 + 100],
    ]) {
      // the last three: wide W (dX by gemm_tn split over W's rows; the last in three slices, one partial)
      const x = randomArray(T * IN, 11 + T),
        dy = randomArray(T * OUT, 12 + T);
      const W = randomArray(OUT * IN, 13 + OUT);
      const w = eng.allocate('F32', OUT, IN, 'f32');
      eng.writeRowsF32(w, 0, W);
      const dx0 = randomArray(T * IN, 14),
        dw0 = randomArray(OUT * IN, 15);
      const dxRef = Float64Array.from(dx0),
        dwRef = Float64Array.from(dw0);
      linearBackwardReference(dxRef, dwRef, Float64Array.from(dy), Float64Array.from(x), Float64Array.from(W), T, IN, OUT);
      for (const inHeap of [true, false]) {
        const dx = dx0.slice();
        const dw = inHeap ? eng.allocFloats(OUT * IN) : new Float32Array(OUT * IN);
        dw.set(dw0);
        eng.linearBackward(w, dy, x, T, dx, dw);
        assert.ok(
          relErr(dx, dxRef) < 1e-5 && relErr(dw, dwRef) < 1e-5,
          `T=${T} IN=${IN} OUT=${OUT} heap=${inHeap}: dx ${relErr(dx, dxRef)}, dw ${relErr(dw, dwRef)}`,
        );
        // operand form (W outside the heap): the same numbers
        const dx2 = dx0.slice(),
          dw2 = dw0.slice();
        eng.productBackward(dx2, dw2, dy, x, W, T, IN, OUT);
        assert.ok(relErr(dx2, dxRef) < 1e-5 && relErr(dw2, dwRef) < 1e-5);
      }
      // frozen: no dW, dX still computed
      const dx3 = dx0.slice();
      eng.linearBackward(w, dy, x, T, dx3, null);
      assert.ok(relErr(dx3, dxRef) < 1e-5);
    }
  });
}

test('Q8_0 with float activations runs the SIMD kernel on a dequantized copy, made once', async () => {
  const eng = await MatmulEngine.create({ threads: 2, q8Activations: false });
  engines.push(eng);
  const T = 9,
    N = 70,
    K = 256;
  const x = randomArray(T * K, 21);
  const { raw, deq } = quantizeQ8(randomArray(N * K, 22), N, K);
  const w = eng.allocate('Q8_0', N, K, 'q8_0');
  eng.writeRowsQ8(w, 0, raw.data as Uint8Array);
  assertClose('q8 float path', eng.linear(w, x, T), reference(x, T, deq, N, K), 1e-5, 1e-5);
  const used = eng.heap.bytesUsed;
  eng.linear(w, x, T);
  assert.equal(eng.heap.bytesUsed, used, 'the dequantized copy is made once');
  assertClose('dequantized copy', eng.floatMatrix(w), deq, 0);
});

test('the SIMD cross-entropy: row log-sum-exp and the tied head input gradient = float64 references', async () => {
  const eng = await MatmulEngine.create({ threads: 2, serialWork: 0 });
  engines.push(eng);
  for (const [P, V, IN] of [
    [3, 1028, 16], // V not a multiple of the 256-entry partial sums; P below the 8-column padding
    [9, 4096, 24],
  ]) {
    const z = randomArray(P * V, 31 + P).map((v) => 8 * v);
    const targets = Array.from({ length: P }, (_, p) => (p * 389 + 7) % V);
    const weights = targets.map((_, p) => (p + 1) / P);
    const lse = eng.logSumExpRows(z, P, V);
    const lseRef = new Float64Array(P);
    for (let p = 0; p < P; p++) {
      let m = -Infinity,
        s = 0;
      for (let i = 0; i < V; i++) m = Math.max(m, z[p * V + i]);
      for (let i = 0; i < V; i++) s += Math.exp(z[p * V + i] - m);
      lseRef[p] = m + Math.log(s);
    }
    assertClose(`lse P=${P} V=${V}`, lse, lseRef, 1e-6, 1e-6);
    // dX = dZ·W with dZ = w·(softmax − onehot), in float64
    const W = randomArray(V * IN, 41 + P);
    const w = eng.allocate('F32', V, IN, 'f32');
    eng.writeRowsF32(w, 0, W);
    const dxRef = new Float64Array(P * IN);
    for (let p = 0; p < P; p++)
      for (let i = 0; i < V; i++) {
        const g = weights[p] * (Math.exp(z[p * V + i] - lseRef[p]) - (i === targets[p] ? 1 : 0));
        for (let d = 0; d < IN; d++) dxRef[p * IN + d] += g * W[i * IN + d];
      }
    const dx0 = randomArray(P * IN, 51);
    const dx = dx0.slice();
    eng.crossEntropyHeadInputGrad(w, z, lse, targets, weights, P, dx);
    for (let i = 0; i < dx.length; i++) dx[i] -= dx0[i]; // it adds
    assertClose(`head input grad P=${P} V=${V}`, dx, dxRef, 1e-5, 1e-5);
  }
});

test('the SIMD gated GELU backward adds what the float64 formula gives', async () => {
  const eng = await MatmulEngine.create({ threads: 2 });
  engines.push(eng);
  const n = 4103; // not a multiple of 4: the tail goes through the scalar code
  const gate = randomArray(n, 61).map((v) => 12 * v); // into both flat tails of GELU
  const up = randomArray(n, 62),
    dh = randomArray(n, 63);
  const dgate0 = randomArray(n, 64),
    dup0 = randomArray(n, 65);
  const refG = Float64Array.from(dgate0),
    refU = Float64Array.from(dup0);
  gatedGeluBackward(refG, refU, Float64Array.from(dh), Float64Array.from(gate), Float64Array.from(up), n);
  const dgate = dgate0.slice(),
    dup = dup0.slice();
  eng.gatedGeluBackward(dgate, dup, dh, gate, up, n);
  assertClose('dgate', dgate, refG, 1e-5, 1e-5);
  assertClose('dup', dup, refU, 1e-5, 1e-5);
});

test('a job below serialWork runs on the calling thread with bit-identical results to the split one', async () => {
  const split = await MatmulEngine.create({ threads: 2, serialWork: 0 });
  const serial = await MatmulEngine.create({ threads: 2, serialWork: Infinity });
  engines.push(split, serial);
  const T = 12,
    N = 72,
    K = 48;
  const W = randomArray(N * K, 71),
    x = randomArray(T * K, 72),
    dy = randomArray(T * N, 73);
  const results = [split, serial].map((eng) => {
    const w = eng.allocate('F32', N, K, 'f32');
    eng.writeRowsF32(w, 0, W);
    const dx = new Float32Array(T * K),
      dw = new Float32Array(N * K);
    eng.linearBackward(w, dy, x, T, dx, dw);
    return { y: eng.linear(w, x, T), g: eng.gemm(x, T, W, N, K), dx, dw };
  });
  for (const k of ['y', 'g', 'dx', 'dw'] as const) assert.deepEqual(results[0][k], results[1][k], k);
  // a wide W's input gradient sums per-slice partials: the same bits however the slices are shared out
  const [Tw, IN, OUT] = [3, 8, 3 * 8192 + 40];
  const Ww = randomArray(OUT * IN, 74),
    dyw = randomArray(Tw * OUT, 75);
  const [a, b] = [split, serial].map((eng) => {
    const w = eng.allocate('F32', OUT, IN, 'f32');
    eng.writeRowsF32(w, 0, Ww);
    const dx = new Float32Array(Tw * IN);
    eng.linearBackward(w, dyw, new Float32Array(Tw * IN), Tw, dx, null);
    return dx;
  });
  assert.ok(a.some((v) => v !== 0));
  assert.deepEqual(a, b, 'wide dx');
  assert.equal(split.pool.serialWork, 0);
  assert.equal(serial.pool.serialWork, Infinity);
});

test('a heap arena hands out zeroed heap arrays the kernels use in place, overflows into plain arrays, and grows in place at reset', async () => {
  const eng = await MatmulEngine.create({ threads: 1 });
  engines.push(eng);
  const arena = eng.arena();
  arena.reset();
  const first = arena.floats(100);
  assert.ok(!(first.buffer instanceof SharedArrayBuffer), 'no region yet: a plain array');
  arena.reset(); // sized for what the last computation wanted
  const top = eng.heap.bytesUsed;
  const a = arena.floats(100);
  assert.ok(a.buffer instanceof SharedArrayBuffer && a.every((v) => v === 0));
  a.fill(7);
  arena.reset();
  const again = arena.floats(100);
  assert.equal(again.byteOffset, a.byteOffset, 'reset reuses the region');
  assert.ok(
    again.every((v) => v === 0),
    'zeroed',
  );
  const big = arena.floats(10_000); // more than the region holds
  assert.ok(!(big.buffer instanceof SharedArrayBuffer));
  arena.reset();
  assert.equal(arena.floats(100).byteOffset, a.byteOffset, 'grown in place: nothing was allocated after it');
  assert.ok(eng.heap.bytesUsed - top < 2 * 4 * 10_100, `${eng.heap.bytesUsed - top} more bytes`);
  // a linear that reads and writes arena arrays in place gives what the copying path gives
  const W = randomArray(16 * 24, 81),
    xs = randomArray(3 * 24, 82);
  const w = eng.allocate('F32', 16, 24, 'f32');
  eng.writeRowsF32(w, 0, W);
  const x = arena.floats(3 * 24);
  x.set(xs);
  assert.deepEqual(eng.linear(w, x, 3, arena.floats(3 * 16)), eng.linear(w, xs, 3));
});

test('gemmAdd adds scale · a·bᵀ into out (a LoRA term): in place in the heap or copied, the same numbers as float64', async () => {
  const eng = await MatmulEngine.create({ threads: 2, serialWork: 0 });
  engines.push(eng);
  const arena = eng.arena();
  for (const [M, K, N] of [
    [7, 8, 24],
    [33, 4, 64],
    [5, 8, 13], // N not a multiple of 8: the product, then a JS add
  ]) {
    const a = randomArray(M * K, 91 + M),
      b = randomArray(N * K, 92 + N),
      y0 = randomArray(M * N, 93);
    const want = Float64Array.from(y0);
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[m * K + k] * b[n * K + k];
        want[m * N + n] += 0.75 * s;
      }
    arena.reset();
    arena.reset(); // sized: the next arrays are heap views
    for (const out of [y0.slice(), arena.floats(M * N)]) {
      out.set(y0);
      eng.gemmAdd(a, M, b, N, K, out, 0.75);
      assertClose(`gemmAdd M=${M} K=${K} N=${N}`, out, want, 1e-6, 1e-6);
    }
  }
});
