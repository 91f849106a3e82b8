import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSafetensorsHeader, readSafetensors, writeSafetensors } from './safetensors.ts';

test('safetensors: 8-byte length, padded JSON header with dtype/shape/data_offsets, raw f32 data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'st-'));
  const a = Float32Array.from([1, -2.5, 3e-8, 4, 5, 6]);
  const b = Float32Array.from([7]);
  const path = join(dir, 'x.safetensors');
  writeSafetensors(
    path,
    [
      { name: 'a', shape: [2, 3], data: a },
      { name: 'b', shape: [1], data: b },
    ],
    { note: 'hi' },
  );
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  assert.equal(n % 8, 0, 'header padded to 8 bytes');
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  assert.deepEqual(header.a, { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
  assert.deepEqual(header.b, { dtype: 'F32', shape: [1], data_offsets: [24, 28] });
  assert.deepEqual(header.__metadata__, { note: 'hi' });
  assert.equal(bytes.length, 8 + n + 28);
  assert.equal(bytes.readFloatLE(8 + n + 4), -2.5);
  const back = readSafetensors(new Uint8Array(bytes));
  assert.deepEqual([...back.a.data], [...a]);
  assert.deepEqual(back.b.shape, [1]);
  assert.throws(() => encodeSafetensorsHeader([{ name: 'c', shape: [2, 2], data: a }]), /holds 4 values, data has 6/);
  assert.throws(
    () =>
      encodeSafetensorsHeader([
        { name: 'a', shape: [1], data: b },
        { name: 'a', shape: [1], data: b },
      ]),
    /duplicate/,
  );
});
