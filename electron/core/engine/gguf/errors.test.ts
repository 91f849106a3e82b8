// Every kind of bad input gets a GgufError with a code that names the problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GgufError, type GgufErrorCode } from './errors.ts';
import { str, u32, arr } from './meta.ts';
import { openGguf, openGgufBuffer } from './reader.ts';
import { GgmlType, GgufValueType } from './types.ts';
import { encodeGguf } from './writer.ts';

function rejects(fn: () => unknown, code: GgufErrorCode, pattern?: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GgufError, `expected GgufError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

/** A small valid file and the byte offsets of its interesting fields. */
function valid() {
  const bytes = encodeGguf({
    metadata: { 'general.architecture': str('gemma3'), 'a.b': u32(7), 'a.list': arr(GgufValueType.STRING, ['x', 'yz']) },
    tensors: [
      { name: 'tq8', dims: [32, 2], type: GgmlType.Q8_0, data: new Float32Array(64).fill(0.5) },
      { name: 'tf32', dims: [4], type: GgmlType.F32, data: new Float32Array([1, 2, 3, 4]) },
    ],
  });
  const view = new DataView(bytes.buffer);
  const find = (s: string) => Buffer.from(bytes).indexOf(Buffer.from(s));
  return { bytes, view, find };
}

const withDir = (fn: (dir: string) => void) => {
  const dir = mkdtempSync(join(tmpdir(), 'gguf-err-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test('the valid base file parses', () => {
  const f = openGgufBuffer(valid().bytes);
  assert.equal(f.tensors.length, 2);
  assert.deepEqual(Array.from(f.readTensorF32('tf32')), [1, 2, 3, 4]);
});

test('empty file, missing path, directory', () => {
  rejects(() => openGgufBuffer(new Uint8Array(0)), 'EMPTY_FILE');
  withDir((dir) => {
    const p = join(dir, 'empty.gguf');
    writeFileSync(p, '');
    rejects(() => openGguf(p), 'EMPTY_FILE');
    rejects(() => openGguf(join(dir, 'missing.gguf')), 'NOT_A_FILE', /ENOENT/);
    mkdirSync(join(dir, 'sub'));
    rejects(() => openGguf(join(dir, 'sub')), 'NOT_A_FILE');
  });
});

test('non-model files are named in the BAD_MAGIC message', () => {
  withDir((dir) => {
    const txt = join(dir, 'notes.gguf');
    writeFileSync(txt, 'hello, this is just text\n');
    rejects(() => openGguf(txt), 'BAD_MAGIC', /text file/);
    const png = join(dir, 'image.gguf');
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    rejects(() => openGguf(png), 'BAD_MAGIC', /PNG/);
  });
  rejects(() => openGgufBuffer(Buffer.from('{"a": 1}')), 'BAD_MAGIC', /JSON/);
  rejects(() => openGgufBuffer(Buffer.from('GG')), 'TRUNCATED'); // a prefix of the magic: cut short
  rejects(() => openGgufBuffer(Buffer.from('GGML....')), 'BAD_MAGIC');
});

test('unsupported versions', () => {
  for (const [v, re] of [
    [1, /version 1/],
    [4, /version 4/],
    [0x03000000, /big-endian/],
  ] as const) {
    const { bytes, view } = valid();
    view.setUint32(4, v, true);
    rejects(() => openGgufBuffer(bytes), 'UNSUPPORTED_VERSION', re);
  }
});

test('truncation anywhere is TRUNCATED (or a count that no longer fits)', () => {
  const { bytes } = valid();
  const last = openGgufBuffer(bytes).tensor('tf32')!;
  const dataEnd = last.offset + last.byteSize; // after this only alignment padding follows
  for (let len = 1; len < dataEnd; len++) {
    let err: unknown = null;
    try {
      openGgufBuffer(bytes.subarray(0, len));
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof GgufError, `a file cut to ${len} of ${bytes.length} bytes gave ${String(err)}`);
    assert.ok(['TRUNCATED', 'ABSURD_COUNT'].includes(err.code), `cut at ${len}: ${err.message}`);
  }
  assert.equal(openGgufBuffer(bytes.subarray(0, dataEnd)).tensors.length, 2, 'trailing padding is optional');
});

test('absurd counts and lengths', () => {
  let v = valid();
  v.view.setBigUint64(8, 1n << 40n, true); // tensor count
  rejects(() => openGgufBuffer(v.bytes), 'ABSURD_COUNT', /tensor count/);
  v = valid();
  v.view.setBigUint64(16, 0xffffffffffffffffn, true); // kv count beyond any safe integer
  rejects(() => openGgufBuffer(v.bytes), 'OUT_OF_RANGE');
  v = valid();
  v.view.setBigUint64(16, 1000n, true);
  rejects(() => openGgufBuffer(v.bytes), 'ABSURD_COUNT', /metadata count/);
  v = valid();
  v.view.setBigUint64(24, 1n << 50n, true); // first key's length
  rejects(() => openGgufBuffer(v.bytes), 'TRUNCATED', /claims/);
  v = valid();
  const listAt = v.find('a.list') + 'a.list'.length + 4 + 4; // key, value type, item type → length
  v.view.setBigUint64(listAt, 1n << 33n, true);
  rejects(() => openGgufBuffer(v.bytes), 'ABSURD_COUNT', /a\.list/);
  v = valid();
  rejects(() => openGgufBuffer(v.bytes, { maxArrayLength: 1 }), 'ABSURD_COUNT', /limit/);
  // dims > 4
  v = valid();
  v.view.setUint32(v.find('tq8') + 2 + 1, 9, true);
  rejects(() => openGgufBuffer(v.bytes), 'ABSURD_COUNT', /dimensions/);
});

test('unknown metadata value type and unknown ggml type', () => {
  let v = valid();
  v.view.setUint32(v.find('a.b') + 3, 13, true);
  rejects(() => openGgufBuffer(v.bytes), 'UNKNOWN_TYPE', /value type 13/);
  v = valid();
  const typeAt = v.find('tq8') + 2 + 1 + 4 + 16; // name, n_dims, 2 dims
  v.view.setUint32(typeAt, 5, true); // removed Q4_2
  rejects(() => openGgufBuffer(v.bytes), 'UNKNOWN_TYPE', /ggml type 5/);
});

test('offsets and sizes out of range', () => {
  let v = valid();
  const offAt = v.find('tf32') + 3 + 1 + 4 + 8 + 4; // tensor "n": name, n_dims, 1 dim, type → offset
  v.view.setBigUint64(offAt, 1n << 40n, true);
  rejects(() => openGgufBuffer(v.bytes), 'OUT_OF_RANGE', /past the end/);
  v = valid();
  v.view.setBigUint64(offAt, 8n, true);
  rejects(() => openGgufBuffer(v.bytes), 'OUT_OF_RANGE', /not aligned/);
  v = valid();
  v.view.setBigUint64(v.find('tf32') + 3 + 1 + 4, 1000n, true); // dim so large the data runs off the end
  rejects(() => openGgufBuffer(v.bytes), 'TRUNCATED', /needs bytes/);
  v = valid();
  v.view.setBigUint64(v.find('tq8') + 2 + 1 + 4, 33n, true); // Q8_0 row of 33: not a whole block
  rejects(() => openGgufBuffer(v.bytes), 'BAD_SHAPE', /block size 32/);
});

test('duplicates, bad alignment, empty key', () => {
  const dupKey = encodeGguf({ metadata: { 'a.b': u32(1), 'a.c': u32(2) }, tensors: [] });
  dupKey.set(Buffer.from('a.b'), Buffer.from(dupKey).indexOf('a.c'));
  rejects(() => openGgufBuffer(dupKey), 'DUPLICATE', /a\.b/);

  const alignAt = (b: Uint8Array) => Buffer.from(b).indexOf('general.alignment') + 'general.alignment'.length;
  const badAlign = encodeGguf({ metadata: { 'general.alignment': u32(32) }, tensors: [] });
  new DataView(badAlign.buffer).setUint32(alignAt(badAlign), GgufValueType.FLOAT32, true);
  rejects(() => openGgufBuffer(badAlign), 'BAD_METADATA', /u32/);
  const npot = encodeGguf({ metadata: { 'general.alignment': u32(32) }, tensors: [] });
  new DataView(npot.buffer).setUint32(alignAt(npot) + 4, 48, true);
  rejects(() => openGgufBuffer(npot), 'BAD_METADATA', /power of two/);

  const emptyKey = encodeGguf({ metadata: { x: u32(1) }, tensors: [] });
  new DataView(emptyKey.buffer).setBigUint64(24, 0n, true);
  // the key is now empty and "x" becomes part of the type field: either way it must be rejected
  assert.throws(() => openGgufBuffer(emptyKey), GgufError);
});

test('reading a tensor that does not exist', () => {
  rejects(() => openGgufBuffer(valid().bytes).readTensorF32('nope'), 'NO_SUCH_TENSOR');
});

test('what llama.cpp asserts on or refuses: a zero-sized dimension, a data section that is not dense', () => {
  let v = valid();
  v.view.setBigUint64(v.find('tq8') + 2 + 1 + 4 + 8, 0n, true); // tq8's second dimension
  rejects(() => openGgufBuffer(v.bytes), 'BAD_SHAPE', /"tq8" has a zero-sized dimension 1/);
  v = valid();
  v.view.setBigUint64(v.find('tf32') + 3 + 1 + 4, 0n, true); // tf32's only dimension
  rejects(() => openGgufBuffer(v.bytes), 'BAD_SHAPE', /"tf32" has a zero-sized dimension 0/);
  // tf32 moved one alignment step further: aligned and inside the file, but llama.cpp wants it
  // right after tq8 (gguf.cpp: "has offset …, expected …").
  v = valid();
  const offAt = v.find('tf32') + 3 + 1 + 4 + 8 + 4;
  const rel = v.view.getBigUint64(offAt, true);
  assert.ok(rel > 0n, 'tf32 follows tq8');
  v.view.setBigUint64(offAt, rel - 32n, true);
  rejects(() => openGgufBuffer(v.bytes), 'OUT_OF_RANGE', new RegExp(`data offset ${rel - 32n}, expected ${rel}`));
});

test('NUL bytes in a metadata key or a tensor name (llama.cpp copies them as C strings)', () => {
  let v = valid();
  v.bytes[v.find('a.b')] = 0;
  rejects(() => openGgufBuffer(v.bytes), 'BAD_METADATA', /holds a NUL byte/);
  v = valid();
  v.bytes[v.find('tf32') + 1] = 0;
  rejects(() => openGgufBuffer(v.bytes), 'OUT_OF_RANGE', /tensor name #1 "t\\u0000.*holds a NUL byte/);
});
