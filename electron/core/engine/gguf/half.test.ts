import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from './half.ts';

test('f16: every half decodes and re-encodes to itself', () => {
  for (let h = 0; h < 65536; h++) {
    const v = f16ToF32(h);
    if (Number.isNaN(v)) {
      assert.ok(Number.isNaN(f16ToF32(f32ToF16(v))), `NaN ${h.toString(16)}`);
      continue;
    }
    assert.equal(f32ToF16(v), h, `half 0x${h.toString(16)} = ${v}`);
  }
});

test('f16: known values and round-to-nearest-even at midpoints', () => {
  assert.equal(f16ToF32(0x3c00), 1);
  assert.equal(f16ToF32(0xc000), -2);
  assert.equal(f16ToF32(0x7bff), 65504);
  assert.equal(f16ToF32(0x0001), 2 ** -24);
  assert.equal(f16ToF32(0x7c00), Infinity);
  // 1 + 2^-11 lies halfway between 1 (even mantissa) and 1 + 2^-10: ties go to the even one.
  assert.equal(f32ToF16(1 + 2 ** -11), 0x3c00);
  // 1 + 3·2^-11 lies halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even).
  assert.equal(f32ToF16(1 + 3 * 2 ** -11), 0x3c02);
  assert.equal(f32ToF16(65520), 0x7c00, 'rounds up to infinity past the largest half');
  assert.equal(f32ToF16(65519), 0x7bff);
  assert.equal(f32ToF16(2 ** -25), 0x0000, 'exact half of the smallest subnormal ties to zero');
  assert.equal(f32ToF16(2 ** -25 * 1.0001), 0x0001);
  assert.equal(f32ToF16(3 * 2 ** -25), 0x0002, 'subnormal tie to even');
  assert.equal(f32ToF16(-0), 0x8000);
  assert.equal(f32ToF16(1e-10), 0x0000);
});

test('f16: rounding error over the normal range is within 2^-11 relative', () => {
  let worst = 0;
  for (let i = 0; i < 100_000; i++) {
    const frac = (i * 0.6180339887) % 1;
    const v = Math.fround((i % 2 ? -1 : 1) * (1 + frac) * 2 ** ((i % 29) - 14));
    const r = f16ToF32(f32ToF16(v));
    worst = Math.max(worst, Math.abs(r - v) / Math.abs(v));
  }
  assert.ok(worst <= 2 ** -11, `worst relative error ${worst}`);
});

test('bf16: round trip, ties to even, quiet NaN', () => {
  for (let h = 0; h < 65536; h += 7) {
    const v = bf16ToF32(h);
    if (!Number.isNaN(v)) assert.equal(f32ToBf16(v), h);
  }
  assert.equal(bf16ToF32(0x3f80), 1);
  // 1 + 2^-8 is halfway between bf16 1 (0x3f80, even) and 1 + 2^-7 (0x3f81).
  assert.equal(f32ToBf16(1 + 2 ** -8), 0x3f80);
  assert.equal(f32ToBf16(1 + 3 * 2 ** -8), 0x3f82);
  assert.ok(Number.isNaN(bf16ToF32(f32ToBf16(NaN))));
  assert.equal(f32ToBf16(NaN) & 0x40, 0x40, 'NaN forced quiet');
});
