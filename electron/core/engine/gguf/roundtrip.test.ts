// Write → read is exact: every metadata value type (nested arrays, 64-bit extremes, unicode), every
// tensor type we write, custom alignment, v2 headers; and re-encoding what was read gives the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dequantize } from './dequant.ts';
import { arr, bool, f32, f64, i16, i32, i64, i8, str, u16, u32, u64, u8 } from './meta.ts';
import { quantize } from './quant.ts';
import { openGguf, openGgufBuffer, readTensorRangeBytes, readTensorRangeF32 } from './reader.ts';
import { GgmlType, GgufValueType, type GgufTypedValue } from './types.ts';
import { encodeGguf, writeGguf, type GgufSpec } from './writer.ts';

function values(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 2 ** 32 - 0.5) * 3;
  }
  return x;
}

const METADATA: Record<string, GgufTypedValue> = {
  'general.architecture': str('gemma3'),
  'test.u8': u8(255),
  'test.i8': i8(-128),
  'test.u16': u16(65535),
  'test.i16': i16(-32768),
  'test.u32': u32(4294967295),
  'test.i32': i32(-2147483648),
  'test.f32': f32(Math.fround(1e-6)),
  'test.f64': f64(Math.PI),
  'test.u64': u64(18446744073709551615n),
  'test.i64': i64(-9223372036854775808n),
  'test.bool.true': bool(true),
  'test.bool.false': bool(false),
  'test.str.unicode': str('héllo ▁wörld 🙂 <start_of_turn>\n'),
  'test.str.empty': str(''),
  'test.arr.empty': arr(GgufValueType.INT32, []),
  'test.arr.str': arr(GgufValueType.STRING, ['a', '', '▁the', '<0x0A>']),
  'test.arr.f32': arr(GgufValueType.FLOAT32, [0, -0, 1.5, Math.fround(-3.25e-20), Infinity]),
  'test.arr.u64': arr(GgufValueType.UINT64, [0n, 1n, 1n << 63n]),
  'test.arr.bool': arr(GgufValueType.BOOL, [true, false, true]),
  'test.arr.nested': arr(GgufValueType.ARRAY, [
    arr(GgufValueType.UINT8, [1, 2, 3]),
    arr(GgufValueType.STRING, ['x']),
    arr(GgufValueType.ARRAY, [arr(GgufValueType.INT16, [-1])]),
  ]),
};

const F32_TYPES = [GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0];

function spec(alignment?: number): GgufSpec {
  const tensors: GgufSpec['tensors'] = F32_TYPES.map((type, k) => ({
    name: `t.${GgmlType[type]}`,
    dims: [64, 3],
    type,
    data: values(192, k + 1),
  }));
  // K-quants are written from ready-made bytes (any bytes with sane f16 scales are valid blocks).
  for (const [type, size, dOffsets] of [
    [GgmlType.Q4_K, 144, [0, 2]],
    [GgmlType.Q5_K, 176, [0, 2]],
    [GgmlType.Q6_K, 210, [208]],
  ] as const) {
    const bytes = new Uint8Array(size * 2).map((_, i) => (i * 37 + type) & 0xff);
    for (let b = 0; b < 2; b++) for (const o of dOffsets) bytes.set([0x00, 0x2c], b * size + o); // d = 0.0625
    tensors.push({ name: `t.${GgmlType[type]}`, dims: [512], type, bytes });
  }
  tensors.push({ name: 't.lazy', dims: [8, 2, 2, 1], type: GgmlType.F32, produce: () => values(32, 9) });
  return { metadata: METADATA, tensors, alignment };
}

test('metadata of every value type reads back exactly, typed and plain', () => {
  const f = openGgufBuffer(encodeGguf(spec()));
  assert.equal(f.version, 3);
  assert.deepEqual(f.typedMetadata, METADATA);
  assert.equal(f.metadata['test.u64'], 18446744073709551615n);
  assert.equal(f.metadata['test.i64'], -9223372036854775808n);
  assert.equal(f.metadata['test.u32'], 4294967295);
  assert.equal(f.metadata['test.f32'], Math.fround(1e-6));
  assert.deepEqual(f.metadata['test.arr.nested'], [[1, 2, 3], ['x'], [[-1]]]);
  assert.ok(Object.is((f.metadata['test.arr.f32'] as number[])[1], -0));
});

test('tensors of every written type read back exactly (bytes and values)', () => {
  const s = spec();
  const f = openGgufBuffer(encodeGguf(s));
  assert.equal(f.tensors.length, s.tensors.length);
  for (const t of s.tensors) {
    const info = f.tensor(t.name)!;
    assert.deepEqual(info.dims, t.dims);
    assert.equal(info.type, t.type);
    assert.equal(info.offset % 32, 0);
    const data = t.data ?? (t.produce?.() as Float32Array | undefined);
    const expectBytes = t.bytes ?? quantize(t.type, data!);
    assert.deepEqual(f.readTensorBytes(t.name), expectBytes, t.name);
    assert.deepEqual(f.readTensorF32(t.name), dequantize(t.type, expectBytes, info.elementCount), t.name);
    if (t.type === GgmlType.F32) assert.deepEqual(f.readTensorF32(t.name), data);
  }
});

test('re-encoding what was read reproduces the file byte for byte', () => {
  const bytes = encodeGguf(spec());
  const f = openGgufBuffer(bytes);
  const again = encodeGguf({
    metadata: f.typedMetadata,
    tensors: f.tensors.map((t) => ({ name: t.name, dims: t.dims, type: t.type, bytes: f.readTensorBytes(t.name) })),
  });
  assert.deepEqual(again, bytes);
});

test('writeGguf on disk equals encodeGguf in memory; a custom alignment is recorded and honoured', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gguf-rt-'));
  try {
    const p = join(dir, 'a.gguf');
    const s = spec(256);
    writeGguf(p, s);
    assert.deepEqual(new Uint8Array(readFileSync(p)), encodeGguf(s));
    const f = openGguf(p);
    try {
      assert.equal(f.alignment, 256);
      assert.equal(f.metadata['general.alignment'], 256);
      assert.equal(f.dataOffset % 256, 0);
      for (const t of f.tensors) assert.equal(t.offset % 256, 0);
      assert.deepEqual(f.readTensorF32('t.F32'), values(192, 1));
      // A range read returns the same elements as the whole-tensor read.
      assert.deepEqual(readTensorRangeF32(f, 't.Q8_0', 64, 64), f.readTensorF32('t.Q8_0').subarray(64, 128));
      assert.deepEqual(readTensorRangeBytes(f, 't.Q8_0', 64, 64), f.readTensorBytes('t.Q8_0').subarray(68, 136));
      assert.deepEqual(readTensorRangeF32(f, 't.Q6_K', 256, 256), f.readTensorF32('t.Q6_K').subarray(256));
      assert.throws(() => readTensorRangeF32(f, 't.Q8_0', 16, 32), /multiple of 32/);
      assert.throws(() => readTensorRangeF32(f, 't.Q8_0', 160, 64), /outside/);
    } finally {
      f.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a version 2 file (same layout) is read', () => {
  const bytes = encodeGguf(spec());
  new DataView(bytes.buffer).setUint32(4, 2, true);
  const f = openGgufBuffer(bytes);
  assert.equal(f.version, 2);
  assert.equal(f.tensors.length, spec().tensors.length);
});
