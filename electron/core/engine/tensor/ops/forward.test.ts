import { test } from 'node:test';
import assert from 'node:assert/strict';
// The fast forwards the model runs against float64 formulas.
import { geluTanh } from './gelu.ts';
import { rmsNorm } from './rmsnorm.ts';
import { ropeNeox } from './rope.ts';
import { softmaxRow } from './softmax.ts';
import { f16ToF32, f32ToF16, roundToF16 } from '../../gguf/half.ts';
import { randomArray } from '../random.ts';
import { assertClose } from '../test-util.ts';

test('rmsNorm matches a float64 reference', () => {
  const R = 5,
    D = 48,
    eps = 1e-6;
  const x = randomArray(R * D, 1, 3);
  const w = randomArray(D, 2);
  const want = new Float64Array(R * D);
  for (let r = 0; r < R; r++) {
    let ss = 0;
    for (let i = 0; i < D; i++) ss += x[r * D + i] ** 2;
    const s = 1 / Math.sqrt(ss / D + eps);
    for (let i = 0; i < D; i++) want[r * D + i] = x[r * D + i] * s * w[i];
  }
  assertClose('rmsNorm', rmsNorm(x, R, D, w, eps), want, 1e-6, 1e-6);
});

test('NeoX RoPE rotates pairs (i, i + Dh/2) by p·base^(−2i/Dh), matching float64', () => {
  const rows = 3,
    H = 2,
    Dh = 16,
    base = 10000;
  const positions = [0, 7, 300];
  const x = randomArray(rows * H * Dh, 3);
  const want = new Float64Array(x.length);
  for (let r = 0; r < rows; r++)
    for (let h = 0; h < H; h++)
      for (let i = 0; i < Dh / 2; i++) {
        const th = positions[r] * Math.pow(base, (-2 * i) / Dh);
        const o = (r * H + h) * Dh;
        want[o + i] = x[o + i] * Math.cos(th) - x[o + i + Dh / 2] * Math.sin(th);
        want[o + i + Dh / 2] = x[o + i] * Math.sin(th) + x[o + i + Dh / 2] * Math.cos(th);
      }
  const got = x.slice();
  ropeNeox(got, rows, H, Dh, positions, base);
  // θ is accumulated in float32 like ggml, so large positions carry ~1e-5 relative angle error.
  assertClose('rope', got, want, 2e-4);
  // Position 0 is the identity.
  assertClose('rope p=0', got.subarray(0, H * Dh), x.subarray(0, H * Dh), 0);
});

test('GELU (tanh) matches float64; the f16 table stays within f16 rounding', () => {
  const x = randomArray(2000, 4, 12);
  const want = Array.from(x, (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
  const exact = x.slice();
  geluTanh(exact);
  assertClose('gelu', exact, want, 1e-6, 1e-6);
  const table = x.slice();
  geluTanh(table, table.length, true);
  assertClose('gelu f16 table', table, want, 2e-3, 2e-3);
});

test('softmax over a sub-range sums to one and leaves the rest alone', () => {
  const x = randomArray(10, 5, 30);
  const before = x.slice();
  softmaxRow(x, 2, 8);
  let s = 0;
  const m = Math.max(...before.subarray(2, 8));
  let z = 0;
  for (let i = 2; i < 8; i++) z += Math.exp(before[i] - m);
  for (let i = 2; i < 8; i++) {
    s += x[i];
    assert.ok(Math.abs(x[i] - Math.exp(before[i] - m) / z) < 1e-7, `softmax[${i}] = ${x[i]}`);
  }
  assert.ok(Math.abs(s - 1) < 1e-6);
  assert.deepEqual([...x.subarray(0, 2), ...x.subarray(8)], [...before.subarray(0, 2), ...before.subarray(8)]);
});

test('f16 conversion rounds to nearest even and round-trips every f16 value', () => {
  for (let h = 0; h < 65536; h++) {
    const v = f16ToF32(h);
    if (Number.isNaN(v)) continue;
    const back = f32ToF16(v);
    assert.ok(back === h || (v === 0 && (back & 0x7fff) === 0), `f16 ${h} → ${v} → ${back}`);
  }
  assert.equal(roundToF16(1 + 2 ** -11), 1); // tie → even
  assert.equal(roundToF16(1 + 3 * 2 ** -11), 1 + 2 ** -9); // tie → even (up)
  assert.equal(roundToF16(70000), Infinity);
});
