// 10,000 mutated or truncated GGUF files through the reader, from memory: each must either parse
// (and then every tensor must read) or be rejected with a GgufError. No other exception, no hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canDequantize } from './dequant.ts';
import { GgufError } from './errors.ts';
import { arr, f32, i64, str, u32, u64 } from './meta.ts';
import { openGguf, openGgufBuffer } from './reader.ts';
import { GgmlType, GgufValueType } from './types.ts';
import { encodeGguf } from './writer.ts';

const CASES = 10_000;

function seedFile(): Uint8Array {
  const tokens = ['<pad>', '<eos>', '<bos>', '<unk>', '<start_of_turn>', '<end_of_turn>', '▁the', 'a', 'b', '<0x0A>'];
  const kq = (size: number, dAt: number[]) => {
    const b = new Uint8Array(size).map((_, i) => (i * 131) & 0xff);
    for (const o of dAt) b.set([0x00, 0x30], o);
    return b;
  };
  return encodeGguf({
    metadata: {
      'general.architecture': str('gemma3'),
      'gemma3.block_count': u32(1),
      'gemma3.attention.layer_norm_rms_epsilon': f32(1e-6),
      'test.u64': u64(123456789n),
      'test.i64': i64(-5n),
      'tokenizer.ggml.tokens': arr(GgufValueType.STRING, tokens),
      'tokenizer.ggml.scores': arr(GgufValueType.FLOAT32, tokens.map((_, i) => -i)),
      'tokenizer.ggml.token_type': arr(GgufValueType.INT32, tokens.map(() => 1)),
      'test.nested': arr(GgufValueType.ARRAY, [arr(GgufValueType.UINT8, [1, 2]), arr(GgufValueType.BOOL, [true])]),
    },
    tensors: [
      { name: 'token_embd.weight', dims: [32, 4], type: GgmlType.Q8_0, data: new Float32Array(128).map((_, i) => Math.sin(i)) },
      { name: 'norm.weight', dims: [8], type: GgmlType.F32, data: new Float32Array(8).fill(1.5) },
      { name: 'half.weight', dims: [16, 2], type: GgmlType.F16, data: new Float32Array(32).fill(-0.25) },
      { name: 'k4.weight', dims: [256], type: GgmlType.Q4_K, bytes: kq(144, [0, 2]) },
      { name: 'k6.weight', dims: [256], type: GgmlType.Q6_K, bytes: kq(210, [208]) },
    ],
  });
}

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s % n;
  };
}

const U64S = [0n, 1n, 2n, 7n, 12n, 13n, 31n, 32n, 255n, 256n, 65535n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n,
  2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];
const U32S = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 30, 31, 39, 43, 64, 0x7fffffff, 0xffffffff];

function mutate(base: Uint8Array, headerEnd: number, r: (n: number) => number): Uint8Array {
  let b = Uint8Array.from(base);
  const pos = () => (r(10) < 8 ? r(headerEnd) : r(b.length));
  const ops = 1 + r(3);
  for (let k = 0; k < ops; k++) {
    switch (r(8)) {
      case 0: // flip bits
        for (let i = 1 + r(4); i > 0; i--) b[pos()] ^= 1 << r(8);
        break;
      case 1: { // a boundary u64 (counts, lengths, dims, offsets)
        const p = Math.min(pos(), b.length - 8);
        if (p >= 0) new DataView(b.buffer).setBigUint64(p, U64S[r(U64S.length)], true);
        break;
      }
      case 2: { // a boundary u32 (value types, ggml types, n_dims, versions)
        const p = Math.min(pos(), b.length - 4);
        if (p >= 0) new DataView(b.buffer).setUint32(p, U32S[r(U32S.length)], true);
        break;
      }
      case 3: // truncate
        b = b.subarray(0, r(b.length + 1));
        break;
      case 4: { // delete a slice
        const p = pos(), n = 1 + r(16);
        b = Uint8Array.from([...b.subarray(0, p), ...b.subarray(p + n)]);
        break;
      }
      case 5: { // insert random bytes
        const p = pos(), n = 1 + r(16);
        const ins = Array.from({ length: n }, () => r(256));
        b = Uint8Array.from([...b.subarray(0, p), ...ins, ...b.subarray(p)]);
        break;
      }
      case 6: { // copy a region over another (duplicated keys, names)
        const from = pos(), to = pos(), n = 1 + r(32);
        b.copyWithin(to, from, from + n);
        break;
      }
      default: // random byte
        b[pos()] = r(256);
    }
    if (b.length === 0) break;
  }
  return b;
}

test(`fuzz: ${CASES} mutated GGUF files are parsed or rejected with GgufError`, { timeout: 180_000 }, () => {
  const base = seedFile();
  const headerEnd = openGgufBuffer(base).dataOffset;
  const r = rng(20261126);
  const outcomes = new Map<string, number>();
  let parsed = 0;
  let worstMs = 0;
  const t0 = performance.now();
  for (let i = 0; i < CASES; i++) {
    const bytes = mutate(base, headerEnd, r);
    const c0 = performance.now();
    try {
      const f = openGgufBuffer(bytes);
      for (const t of f.tensors) {
        if (canDequantize(t.type)) f.readTensorF32(t.name);
        else f.readTensorBytes(t.name);
      }
      parsed++;
    } catch (e) {
      if (!(e instanceof GgufError)) {
        assert.fail(`case ${i}: ${String(e)}\n${(e as Error).stack}\nfile (hex): ${Buffer.from(bytes).toString('hex')}`);
      }
      outcomes.set(e.code, (outcomes.get(e.code) ?? 0) + 1);
    }
    worstMs = Math.max(worstMs, performance.now() - c0);
  }
  const total = performance.now() - t0;
  const rejected = [...outcomes.values()].reduce((a, b) => a + b, 0);
  console.log(`fuzz: ${CASES} files, ${parsed} parsed, ${rejected} rejected with GgufError, 0 crashes, 0 hangs`);
  console.log(`fuzz: rejections by code ${JSON.stringify(Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])))}`);
  console.log(`fuzz: ${total.toFixed(0)} ms in all, slowest file ${worstMs.toFixed(2)} ms`);
  assert.equal(parsed + rejected, CASES);
  assert.ok(parsed > 0 && rejected > CASES / 2, 'the mutations should both keep some files valid and break most');
  assert.ok(worstMs < 1000, `a single file took ${worstMs} ms`);
});

test('fuzz: 300 mutated files on disk give the same verdicts as from memory', () => {
  const base = seedFile();
  const headerEnd = openGgufBuffer(base).dataOffset;
  const r = rng(7);
  const dir = mkdtempSync(join(tmpdir(), 'gguf-fuzz-'));
  const verdict = (open: () => ReturnType<typeof openGguf>) => {
    try {
      const f = open();
      const n = f.tensors.length;
      f.close();
      return `ok:${n}`;
    } catch (e) {
      assert.ok(e instanceof GgufError, String(e));
      return e.code;
    }
  };
  try {
    for (let i = 0; i < 300; i++) {
      const bytes = mutate(base, headerEnd, r);
      const p = join(dir, `${i}.gguf`);
      writeFileSync(p, bytes);
      const fromDisk = verdict(() => openGguf(p));
      const fromMemory = verdict(() => openGgufBuffer(bytes));
      assert.equal(fromDisk, fromMemory, `case ${i}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
