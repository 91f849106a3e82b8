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
import { mutate, rng } from './fuzz-mutate.ts';

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
      'tokenizer.ggml.scores': arr(
        GgufValueType.FLOAT32,
        tokens.map((_, i) => -i),
      ),
      'tokenizer.ggml.token_type': arr(
        GgufValueType.INT32,
        tokens.map(() => 1),
      ),
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
