// Quantize → dequantize error within each format's bound, and the quantizers' bytes identical to
// ggml's reference quantizers (testdata/ggml-reference.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ref from './testdata/ggml-reference.json' with { type: 'json' };
import { dequantize, scaleMinK4 } from './dequant.ts';
import { f16ToF32 } from './half.ts';
import { GgufError } from './errors.ts';
import { quantize } from './quant.ts';
import { GgmlType, ggmlTypeName } from './types.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

function testData(n: number): Float32Array {
  // Mixed magnitudes across blocks (as real weights have), plus outliers and exact zeros.
  const x = new Float32Array(n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32 - 0.5;
    const scale = 10 ** (((i >> 5) % 7) - 3); // 1e-3 .. 1e3 per block of 32
    x[i] = u * scale;
  }
  x[5] = 0;
  x[100] = 4000;
  x.fill(0, 64, 96); // a block of zeros
  return x;
}

test('Q8_0 and Q4_0 quantizers produce the same bytes as ggml', () => {
  const x = new Float32Array(hex(ref.quant.x).buffer);
  assert.equal(Buffer.from(quantize(GgmlType.Q8_0, x)).toString('hex'), ref.quant.q8_0);
  assert.equal(Buffer.from(quantize(GgmlType.Q4_0, x)).toString('hex'), ref.quant.q4_0);
});

test('F32 and F16/BF16 in range: round trips exact / within half an ulp', () => {
  const x = testData(4096);
  assert.deepEqual(dequantize(GgmlType.F32, quantize(GgmlType.F32, x), x.length), x);
  for (const [type, rel] of [
    [GgmlType.F16, 2 ** -11],
    [GgmlType.BF16, 2 ** -8],
  ] as const) {
    const y = dequantize(type, quantize(type, x), x.length);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      // below f16's normal range (6.1e-5) the error is absolute: half the subnormal step, 2^-25
      const bound = type === GgmlType.F16 && Math.abs(x[i]) < 2 ** -14 ? 2 ** -25 : rel * Math.abs(x[i]);
      const err = Math.abs(y[i] - x[i]);
      worst = Math.max(worst, err / Math.max(bound, 1e-300));
      assert.ok(err <= bound, `${ggmlTypeName(type)} element ${i}: ${x[i]} -> ${y[i]}`);
    }
    console.log(`${ggmlTypeName(type)}: worst error ${worst.toFixed(3)} of its bound (${rel} relative)`);
  }
});

/**
 * Block formats: per element |x − x̂| ≤ k·d + qmax·|d − f16(d)|, where f16 rounding of d costs at most
 * 2^-11·d, or 2^-25 absolute when d is below f16's normal range (blocks with max|x| below ~1e-2).
 * Q8_0: d = max|x|/127, round to nearest → k = 1/2. Q4_0: d = max/−8; the far side is clamped at +7,
 * so the value opposite the extreme can be off by a whole step → k = 1.
 */
for (const [type, k, qmax] of [
  [GgmlType.Q8_0, 0.5, 127],
  [GgmlType.Q4_0, 1, 8],
] as const) {
  test(`${ggmlTypeName(type)}: quantize → dequantize error within its bound`, () => {
    const x = testData(32 * 512);
    const y = dequantize(type, quantize(type, x), x.length);
    let worstRatio = 0;
    for (let b = 0; b < x.length / 32; b++) {
      let amax = 0;
      for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b * 32 + j]));
      const d = amax / qmax;
      const bound = k * d + qmax * Math.max(d * 2 ** -11, 2 ** -25) + 1e-30;
      for (let j = 0; j < 32; j++) {
        const i = b * 32 + j;
        const err = Math.abs(y[i] - x[i]);
        worstRatio = Math.max(worstRatio, err / bound);
        assert.ok(err <= bound, `block ${b} element ${j}: ${x[i]} -> ${y[i]}, error ${err} > ${bound}`);
      }
    }
    console.log(`${ggmlTypeName(type)}: worst error ${worstRatio.toFixed(3)} of the bound ${k}·d + f16(d) rounding`);
    // and the extreme of each block is reproduced almost exactly (only d's f16 rounding remains)
    assert.ok(Math.abs(y[100] - x[100]) <= qmax * (x[100] / qmax) * 2 ** -11 + 1e-9);
  });
}

test('quantize rejects unsupported types and partial blocks', () => {
  assert.throws(
    () => quantize(GgmlType.Q2_K, new Float32Array(256)),
    (e: GgufError) => e.code === 'UNSUPPORTED_TYPE',
  );
  assert.throws(
    () => quantize(GgmlType.Q4_K, new Float32Array(32)),
    (e: GgufError) => e.code === 'INVALID_ARGUMENT',
  );
  assert.throws(
    () => quantize(GgmlType.Q8_0, new Float32Array(33)),
    (e: GgufError) => e.code === 'INVALID_ARGUMENT',
  );
});

/**
 * K-quants: the decoded block parameters bound the error. Q4_K/Q5_K (L = 15/31 levels): inside the
 * covered range error ≤ s/2 with s = d·sc; at the ends the 6-bit rounding of scale and min can leave
 * values outside it, off by at most L·d/2 + dmin/2. Q6_K: the far side clamps one step (|s|) and the
 * 8-bit scale rounding adds 32·d/2.
 */
function kBound(type: GgmlType, block: Uint8Array, i: number): number {
  const half = (o: number) => f16ToF32(block[o] | (block[o + 1] << 8));
  if (type === GgmlType.Q6_K) {
    const d = half(208);
    const sc = (block[192 + (i >> 4)] << 24) >> 24;
    return Math.abs(d * sc) + 16 * d;
  }
  const L = type === GgmlType.Q4_K ? 15 : 31;
  const d = half(0),
    dmin = half(2);
  const [sc] = scaleMinK4(block, 4, i >> 5);
  return (d * sc) / 2 + (L * d) / 2 + dmin / 2;
}

for (const [type, size, maxRelRms] of [
  [GgmlType.Q4_K, 144, 0.12],
  [GgmlType.Q5_K, 176, 0.06],
  [GgmlType.Q6_K, 210, 0.03],
] as const) {
  test(`${ggmlTypeName(type)}: encoder gives valid blocks with bounded error`, () => {
    const x = testData(256 * 64);
    const bytes = quantize(type, x);
    assert.equal(bytes.length, 64 * size);
    const y = dequantize(type, bytes, x.length);
    let worst = 0;
    let relRmsWorst = 0;
    for (let b = 0; b < 64; b++) {
      const block = bytes.subarray(b * size, (b + 1) * size);
      let se = 0,
        sx = 0;
      for (let i = 0; i < 256; i++) {
        const k = b * 256 + i;
        const err = Math.abs(y[k] - x[k]);
        const bound = kBound(type, block, i) * 1.001 + 1e-7;
        worst = Math.max(worst, err / bound);
        assert.ok(err <= bound, `block ${b} element ${i}: ${x[k]} -> ${y[k]} (error ${err} > ${bound})`);
        se += err * err;
        sx += x[k] * x[k];
      }
      if (sx > 0) relRmsWorst = Math.max(relRmsWorst, Math.sqrt(se / sx));
    }
    console.log(
      `${ggmlTypeName(type)}: worst error ${worst.toFixed(3)} of its bound; worst block relative RMS error ${relRmsWorst.toFixed(4)}`,
    );
    assert.ok(relRmsWorst < maxRelRms, `relative RMS error ${relRmsWorst}`);
  });
}
