import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { MatmulEngine } from './matmul.ts';
import { matmulNaive, matmulQ8Naive, type RawMatrix, Q8_BLOCK_BYTES } from './matmul-naive.ts';
import { f16ToF32, f32ToF16 } from './f16.ts';
import { assertClose, randomArray, rng } from './test-util.ts';
import { hasRelaxedSimd } from './wasm/kernels.ts';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
  const bytes = new Uint8Array((N * K / 32) * Q8_BLOCK_BYTES);
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

for (const threads of [1, 2]) {
  test(`SIMD f32 matmul matches a float64 reference (${threads} thread(s))`, async () => {
    const eng = await MatmulEngine.create({ threads });
    engines.push(eng);
    for (const { T, N, K } of shapes) {
      const x = randomArray(T * K, 1 + T);
      const W = randomArray(N * K, 2 + N);
      const w = eng.allocate('F32', N, K, 'f32');
      eng.writeRowsF32(w, 0, W);
      const got = eng.linear(w, x, T);
      assertClose(`f32 T=${T} N=${N} K=${K}`, got, reference(x, T, W, N, K), 1e-5, 1e-5);
      assertClose('naive f32', matmulNaive(x, T, { format: 'f32', rows: N, cols: K, data: W }, new Float32Array(T * N)), reference(x, T, W, N, K), 1e-5, 1e-5);
    }
  });

  test(`SIMD Q8_0 matmul equals llama.cpp's Q8_0×Q8_0 arithmetic (${threads} thread(s))`, async () => {
    const eng = await MatmulEngine.create({ threads });
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
  const T = 3, N = 10, K = 64;
  const x = randomArray(T * K, 9);
  const { raw, deq } = quantizeQ8(randomArray(N * K, 10), N, K);
  const w = eng.allocate('Q8_0', N, K, 'q8_0');
  eng.writeRowsQ8(w, 0, raw.data as Uint8Array);
  assertClose('q8 float path', eng.linear(w, x, T), reference(x, T, deq, N, K), 1e-5, 1e-5);
  assert.ok(rng(1)() !== rng(2)());
});

// The fused multiply-add kernels only exist where V8 has relaxed SIMD (Electron's V8 does; Node 20
// only behind a flag), so run this file's checks once more in a child process with the flag on.
test('the relaxed-SIMD (FMA) kernels pass the same checks', () => {
  if (process.env.GLASSBOX_FMA_CHILD) {
    assert.ok(hasRelaxedSimd(), 'child runs with relaxed SIMD');
    return;
  }
  // NODE_TEST_CONTEXT would make the child report to our runner instead of printing TAP.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--test', '--test-reporter=tap', fileURLToPath(import.meta.url)], {
    env: { ...env, GLASSBOX_FMA_CHILD: '1' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `FMA run failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /# pass [1-9]\d*\n/);
  assert.match(r.stdout, /# fail 0\n/);
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
