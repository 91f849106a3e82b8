// Every hand-written backward against central finite differences of its float64 reference forward
// on tiny random shapes (loss = Σ out·dOut). Prints each op's max relative error; fails above 1e-6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOp, type GradCheckResult } from './gradcheck.ts';
import { randn, rng } from '../random.ts';
import { linearBackwardReference, linearReference } from './linear.ts';
import { rmsNormBackward, rmsNormReference } from './rmsnorm.ts';
import { ropeAngles, ropeBackward, ropeNeox, ropeReference, ropeTables } from './rope.ts';
import { attentionBackward, attentionBackwardReference, attentionReference, referenceProducts, type AttentionShape } from './attention.ts';
import { gatedGeluBackward, gatedGeluReference, gelu, geluGrad } from './gelu.ts';
import { embeddingBackward, embeddingReference } from './embedding.ts';
import { crossEntropyBackward, crossEntropyBackwardTransposed, crossEntropyForward } from './cross-entropy.ts';

const TOL = 1e-6;

function report(op: string, results: Record<string, GradCheckResult>): void {
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `  ${op} d/d${name}: max rel err ${r.maxRelErr.toExponential(2)} (abs ${r.maxAbsErr.toExponential(2)}, ${r.checked} entries)`,
    );
    assert.ok(
      r.maxRelErr <= TOL,
      `${op} d/d${name}: max rel err ${r.maxRelErr} at index ${r.worst.index}: analytic ${r.worst.analytic} vs numeric ${r.worst.numeric}`,
    );
  }
}

test('linear x·Wᵀ: grads wrt x and W', () => {
  const rand = rng(1);
  const T = 3,
    IN = 5,
    OUT = 4;
  const x = randn(rand, T * IN),
    w = randn(rand, OUT * IN);
  const y = new Float64Array(T * OUT);
  report(
    'linear',
    checkOp({
      inputs: { x, w },
      forward: () => (linearReference(y, x, w, T, IN, OUT), y),
      backward: (dy, g) => linearBackwardReference(g.x, g.w, dy, x, w, T, IN, OUT),
    }),
  );
});

test('RMSNorm with stored (1+w) weight: grads wrt x and weight', () => {
  const rand = rng(2);
  const R = 4,
    N = 6,
    eps = 1e-6;
  const x = randn(rand, R * N),
    g = randn(rand, N, 0.3, 1);
  const y = new Float64Array(R * N);
  report(
    'rmsnorm',
    checkOp({
      inputs: { x, g },
      forward: () => (rmsNormReference(y, x, g, R, N, eps), y),
      backward: (dy, gr) => rmsNormBackward(gr.x, gr.g, dy, x, g, R, N, eps),
    }),
  );
});

test('half-split RoPE', () => {
  const rand = rng(3);
  const T = 5,
    H = 2,
    Dh = 8;
  const tables = ropeTables([0, 1, 2, 7, 100], Dh, 10000);
  const x = randn(rand, T * H * Dh);
  const y = new Float64Array(x.length);
  report(
    'rope',
    checkOp({
      inputs: { x },
      forward: () => (ropeReference(y, x, tables, T, H, Dh), y),
      backward: (dy, g) => ropeBackward(g.x, dy, tables, T, H, Dh),
    }),
  );
  // a rotation preserves the norm of every head's vector (up to the float32 rounding of cos/sin)
  ropeReference(y, x, tables, T, H, Dh);
  let nx = 0,
    ny = 0;
  for (let i = 0; i < x.length; i++) {
    nx += x[i] ** 2;
    ny += y[i] ** 2;
  }
  assert.ok(Math.abs(nx - ny) < 1e-6 * nx);
});

test("RoPE: the backward rotates by the forward's angles bit for bit (float32 products, not Math.pow), at positions up to 8,000", () => {
  const Dh = 256,
    half = Dh / 2,
    base = 1e6,
    freqScale = 0.125;
  const positions = [0, 1, 17, 2000, 8191];
  // Probe the forward with unit vectors: rotating e_i gives (cos θ_i, sin θ_i) as the forward computed them.
  const x = new Float32Array(positions.length * Dh * half);
  const rows = positions.length * half;
  const rowPositions: number[] = [];
  for (let p = 0; p < positions.length; p++) {
    for (let i = 0; i < half; i++) {
      x[(p * half + i) * Dh + i] = 1;
      rowPositions.push(positions[p]);
    }
  }
  ropeNeox(x, rows, 1, Dh, rowPositions, base, freqScale);
  // Probe the backward with the same unit vectors: Rᵀ·e_i = (cos θ_i, −sin θ_i).
  const tables = ropeTables(positions, Dh, base, freqScale); // what backward.ts builds
  const dx = new Float32Array(positions.length * Dh);
  const dy = new Float32Array(positions.length * Dh);
  let differsFromPow = 0;
  for (let p = 0; p < positions.length; p++) {
    for (let i = 0; i < half; i++) {
      dy.fill(0);
      dx.fill(0);
      dy[p * Dh + i] = 1;
      ropeBackward(dx, dy, tables, positions.length, 1, Dh);
      const fwdCos = x[(p * half + i) * Dh + i],
        fwdSin = x[(p * half + i) * Dh + i + half];
      assert.equal(dx[p * Dh + i], fwdCos, `cos at position ${positions[p]}, pair ${i}`);
      assert.ok(-dx[p * Dh + i + half] === fwdSin, `sin at position ${positions[p]}, pair ${i}: ${-dx[p * Dh + i + half]} vs ${fwdSin}`); // (−0 === 0)
      // the float64 Math.pow angle the old backward used is a different function at large positions
      const powTheta = positions[p] * freqScale * Math.pow(base, (-2 * i) / Dh);
      if (Math.fround(Math.cos(powTheta)) !== fwdCos) differsFromPow++;
    }
  }
  assert.ok(differsFromPow > 0, 'the probe cannot tell float32 angles from float64 ones');
  // and the angle function is the one ropeTables uses
  const theta = ropeAngles([2000], Dh, base, freqScale);
  assert.equal(tables.cos[3 * half + 5], Math.fround(Math.cos(theta[5])));
  console.log(`  RoPE forward/backward angles identical; ${differsFromPow} of ${positions.length * half} differ from Math.pow angles`);
});

for (const window of [0, 3]) {
  test(`causal attention, GQA, ${window ? `sliding window ${window}` : 'global'}`, () => {
    const rand = rng(4 + window);
    const s: AttentionShape = { T: 6, H: 4, Hkv: 2, Dh: 3, scale: 1 / Math.sqrt(3), window };
    const q = randn(rand, s.T * s.H * s.Dh),
      k = randn(rand, s.T * s.Hkv * s.Dh),
      v = randn(rand, s.T * s.Hkv * s.Dh);
    const out = new Float64Array(s.T * s.H * s.Dh);
    const probs = new Float64Array(s.H * s.T * s.T);
    report(
      `attention loops (W=${window})`,
      checkOp({
        inputs: { q, k, v },
        forward: () => (attentionReference(out, probs, q, k, v, s), out),
        backward: (dOut, g) => attentionBackwardReference(g.q, g.k, g.v, dOut, probs, q, k, v, s),
      }),
    );
    // the per-head product form (what the model runs) gives the same gradients
    report(
      `attention products (W=${window})`,
      checkOp({
        inputs: { q, k, v },
        forward: () => (attentionReference(out, probs, q, k, v, s), out),
        backward: (dOut, g) => attentionBackward(referenceProducts, g.q, g.k, g.v, dOut, probs, q, k, v, s, (n) => new Float64Array(n)),
      }),
    );
    // masked entries stay exactly zero: the future, and (sliding) keys older than the window
    attentionReference(out, probs, q, k, v, s);
    for (let h = 0; h < s.H; h++)
      for (let t = 0; t < s.T; t++)
        for (let j = 0; j < s.T; j++) {
          const visible = j <= t && (window === 0 || t - j < window);
          const p = probs[(h * s.T + t) * s.T + j];
          assert.ok(visible ? p > 0 : p === 0, `probs[h=${h},t=${t},s=${j}] = ${p}`);
        }
  });
}

test('gated GELU-tanh', () => {
  const rand = rng(5);
  const n = 20;
  const gate = randn(rand, n, 2),
    up = randn(rand, n);
  const h = new Float64Array(n);
  report(
    'gatedGelu',
    checkOp({
      inputs: { gate, up },
      forward: () => (gatedGeluReference(h, gate, up, n), h),
      backward: (dh, g) => gatedGeluBackward(g.gate, g.up, dh, gate, up, n),
    }),
  );
  // known values of gelu_tanh and the flat/linear tails of its slope
  assert.ok(Math.abs(gelu(1) - 0.8411919906) < 1e-9);
  assert.ok(Math.abs(geluGrad(-4)) < 1e-3 && Math.abs(geluGrad(4) - 1) < 1e-3);
});

test('embedding with √D scale: scatter-add into the (tied) table, repeated tokens', () => {
  const rand = rng(6);
  const V = 7,
    D = 4,
    tokens = [3, 1, 3, 6];
  const E = randn(rand, V * D);
  const x0 = new Float64Array(tokens.length * D);
  report(
    'embedding',
    checkOp({
      inputs: { E },
      forward: () => (embeddingReference(x0, E, tokens, V, D, Math.sqrt(D)), x0),
      backward: (dx, g) => embeddingBackward(g.E, dx, tokens, D, Math.sqrt(D)),
    }),
  );
});

for (const softcap of [0, 5]) {
  test(`cross-entropy over chosen rows${softcap ? ', soft-capped' : ''}`, () => {
    const rand = rng(7);
    const P = 3,
      V = 9;
    const z = randn(rand, P * V, 3);
    const targets = [2, 8, 0],
      weights = [0.5, 0.25, 0.25];
    const out = new Float64Array(1);
    report(
      `crossEntropy(cap=${softcap})`,
      checkOp({
        inputs: { z },
        forward: () => ((out[0] = crossEntropyForward(z, targets, weights, P, V, softcap)), out),
        backward: (dl, g) => {
          const dz = new Float64Array(P * V);
          crossEntropyBackward(dz, z, targets, weights, P, V, softcap);
          for (let i = 0; i < dz.length; i++) g.z[i] += dl[0] * dz[i];
        },
      }),
    );
  });

  test(`cross-entropy backward written transposed (the frozen head's fused path)${softcap ? ', soft-capped' : ''} = the row-major one`, () => {
    const rand = rng(8);
    const P = 3,
      V = 5000, // more than one vocabulary block
      Pp = 8;
    const z = Float32Array.from(randn(rand, P * V, 3));
    const targets = [4999, 2048, 0],
      weights = [0.5, 0.25, 0.25];
    const lse = new Float64Array(P);
    crossEntropyForward(z, targets, weights, P, V, softcap, lse);
    const dz = new Float32Array(P * V);
    crossEntropyBackward(dz, z, targets, weights, P, V, softcap, lse);
    const dzT = new Float32Array(V * Pp).fill(7); // padding columns must stay untouched
    crossEntropyBackwardTransposed(dzT, Pp, z, targets, weights, P, V, softcap, lse);
    for (let i = 0; i < V; i++) {
      for (let p = 0; p < P; p++) assert.equal(dzT[i * Pp + p], dz[p * V + i], `dz[${p}, ${i}]`);
      for (let p = P; p < Pp; p++) assert.equal(dzT[i * Pp + p], 7);
    }
  });
}
