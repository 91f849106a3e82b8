// Dequantizers against two independent references:
// 1. ggml's own dequantize_row_* output for pseudo-random blocks (testdata/ggml-reference.json);
// 2. blocks packed in this test from chosen scales, mins and quants, checked element by element
//    against x = d·sc·q − dmin·m computed from those chosen numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ref from './testdata/ggml-reference.json' with { type: 'json' };
import { dequantize } from './dequant.ts';
import { f16ToF32, f32ToF16 } from './half.ts';
import { openGguf } from './reader.ts';
import { GgmlType } from './types.ts';
import { writeGguf } from './writer.ts';
import { GgufError } from './errors.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const floats = (s: string) => new Float32Array(hex(s).buffer);

function assertBitExact(got: Float32Array, want: Float32Array, label: string) {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${label}: element ${i} is ${got[i]}, ggml gives ${want[i]}`);
  }
}

const REF_TYPES: [keyof typeof ref, GgmlType][] = [
  ['q4_K', GgmlType.Q4_K],
  ['q5_K', GgmlType.Q5_K],
  ['q6_K', GgmlType.Q6_K],
  ['q4_0', GgmlType.Q4_0],
  ['q8_0', GgmlType.Q8_0],
];

for (const [key, type] of REF_TYPES) {
  test(`${key}: bit-exact with ggml's reference dequantizer`, () => {
    const e = ref[key] as { bytes: string; f32: string };
    const want = floats(e.f32);
    assertBitExact(dequantize(type, hex(e.bytes), want.length), want, key);
  });
}

// ---- hand-packed blocks -------------------------------------------------------------------------

const rnd = (() => {
  let s = 99;
  return (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
})();

function setHalf(b: Uint8Array, o: number, v: number): number {
  const h = f32ToF16(v);
  b[o] = h & 0xff;
  b[o + 1] = h >> 8;
  return f16ToF32(h);
}

/** Packs eight 6-bit (scale, min) pairs the way the K-quant format documents it. */
function packScales(sc: number[], mn: number[]): Uint8Array {
  const out = new Uint8Array(12);
  for (let j = 0; j < 8; j++) {
    if (j < 4) {
      out[j] |= sc[j] & 63;
      out[j + 4] |= mn[j] & 63;
    } else {
      out[j + 4] |= (sc[j] & 15) | ((mn[j] & 15) << 4); // low 4 bits of scale and min share a byte
      out[j - 4] |= (sc[j] >> 4) << 6; // their top 2 bits ride in the top of bytes 0..3 (scale)
      out[j] |= (mn[j] >> 4) << 6; // and of bytes 4..7 (min)
    }
  }
  return out;
}

function writeAndRead(type: GgmlType, bytes: Uint8Array, n: number): Float32Array {
  const dir = mkdtempSync(join(tmpdir(), 'gguf-kq-'));
  try {
    const p = join(dir, 't.gguf');
    writeGguf(p, { metadata: { 'general.architecture': 'test' }, tensors: [{ name: 't', dims: [n], type, bytes }] });
    const f = openGguf(p);
    try {
      return f.readTensorF32('t');
    } finally {
      f.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('Q4_K: hand-packed blocks decode to d·sc·q − dmin·m element by element', () => {
  const nb = 2;
  const bytes = new Uint8Array(144 * nb);
  const expect: number[] = [];
  for (let blk = 0; blk < nb; blk++) {
    const o = 144 * blk;
    const d = setHalf(bytes, o, 0.0123 * (blk + 1));
    const dmin = setHalf(bytes, o + 2, 0.0031 * (blk + 2));
    const sc = Array.from({ length: 8 }, () => rnd(64));
    const mn = Array.from({ length: 8 }, () => rnd(64));
    sc[0] = 63;
    mn[7] = 63; // extremes of the 6-bit range
    bytes.set(packScales(sc, mn), o + 4);
    // Element e of the block: sub-block s = e/32; sub-blocks 2k and 2k+1 share 32 bytes,
    // the even one in the low nibbles, the odd one in the high nibbles.
    for (let e = 0; e < 256; e++) {
      const q = rnd(16);
      const s = e >> 5;
      const byte = o + 16 + 32 * (s >> 1) + (e & 31);
      bytes[byte] |= s & 1 ? q << 4 : q;
      expect.push(Math.fround(Math.fround(d * sc[s]) * q - Math.fround(dmin * mn[s])));
    }
  }
  const got = writeAndRead(GgmlType.Q4_K, bytes, 256 * nb);
  expect.forEach((v, i) => assert.ok(Object.is(got[i], v), `element ${i}: ${got[i]} vs ${v}`));
});

test('Q5_K: the fifth bit of element e comes from qh[e % 32], bit e / 32', () => {
  const bytes = new Uint8Array(176);
  const d = setHalf(bytes, 0, 0.02);
  const dmin = setHalf(bytes, 2, 0.005);
  const sc = Array.from({ length: 8 }, () => 1 + rnd(63));
  const mn = Array.from({ length: 8 }, () => rnd(64));
  bytes.set(packScales(sc, mn), 4);
  const expect: number[] = [];
  for (let e = 0; e < 256; e++) {
    const q = rnd(32);
    const s = e >> 5;
    bytes[48 + 32 * (s >> 1) + (e & 31)] |= s & 1 ? (q & 15) << 4 : q & 15;
    if (q & 16) bytes[16 + (e & 31)] |= 1 << s;
    expect.push(Math.fround(Math.fround(d * sc[s]) * q - Math.fround(dmin * mn[s])));
  }
  const got = writeAndRead(GgmlType.Q5_K, bytes, 256);
  expect.forEach((v, i) => assert.ok(Object.is(got[i], v), `element ${i}: ${got[i]} vs ${v}`));
});

test('Q6_K: 16 signed scales of 16 elements, 6-bit quants offset by 32', () => {
  const bytes = new Uint8Array(210);
  const d = setHalf(bytes, 208, 0.0077);
  const sc = Array.from({ length: 16 }, () => rnd(256) - 128);
  sc[3] = -128;
  sc[4] = 127;
  sc.forEach((v, i) => (bytes[192 + i] = v & 0xff));
  const expect: number[] = [];
  for (let e = 0; e < 256; e++) {
    const q = rnd(64); // stored value; the weight is q - 32
    // Within each half of 128: 4 groups of 32. Group g takes ql's low (g 0,1) or high (g 2,3)
    // nibble of byte 32·(g&1) + l, and bits 2g..2g+1 of qh[l].
    const h = e >> 7,
      g = (e >> 5) & 3,
      l = e & 31;
    const qlByte = 64 * h + 32 * (g & 1) + l;
    bytes[qlByte] |= g >= 2 ? (q & 15) << 4 : q & 15;
    bytes[128 + 32 * h + l] |= (q >> 4) << (2 * g);
    expect.push(Math.fround(Math.fround(d * sc[e >> 4]) * (q - 32)));
  }
  const got = writeAndRead(GgmlType.Q6_K, bytes, 256);
  expect.forEach((v, i) => assert.ok(Object.is(got[i], v), `element ${i}: ${got[i]} vs ${v}`));
});

test('Q4_0 and Q8_0: hand-packed blocks', () => {
  const q4 = new Uint8Array(18);
  const d4 = setHalf(q4, 0, -0.25);
  const e4: number[] = new Array(32);
  for (let j = 0; j < 32; j++) {
    const q = rnd(16);
    q4[2 + (j & 15)] |= j < 16 ? q : q << 4;
    e4[j] = d4 * (q - 8);
  }
  assert.deepEqual(Array.from(writeAndRead(GgmlType.Q4_0, q4, 32)), e4);

  const q8 = new Uint8Array(34);
  const d8 = setHalf(q8, 0, 0.5);
  const e8: number[] = [];
  for (let j = 0; j < 32; j++) {
    const q = rnd(256) - 128;
    q8[2 + j] = q & 0xff;
    e8.push(d8 * q);
  }
  assert.deepEqual(Array.from(writeAndRead(GgmlType.Q8_0, q8, 32)), e8);
});

test('dequantize rejects what it cannot do, with typed errors', () => {
  assert.throws(
    () => dequantize(GgmlType.Q2_K, new Uint8Array(84), 256),
    (e: GgufError) => e.code === 'UNSUPPORTED_TYPE',
  );
  assert.throws(
    () => dequantize(99 as GgmlType, new Uint8Array(4), 1),
    (e: GgufError) => e.code === 'UNKNOWN_TYPE',
  );
  assert.throws(
    () => dequantize(GgmlType.Q8_0, new Uint8Array(33), 32),
    (e: GgufError) => e.code === 'TRUNCATED',
  );
  assert.throws(
    () => dequantize(GgmlType.Q8_0, new Uint8Array(34), 31),
    (e: GgufError) => e.code === 'INVALID_ARGUMENT',
  );
});
