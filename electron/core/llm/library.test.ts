// The import gate: a file llama.cpp would abort on is refused with a message a user can act on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestModels } from '../../../test-support/models.ts';
import { inspectModelFile, ModelFileError } from './library.ts';

test('a model with a zero-sized tensor dimension is refused at import, naming the tensor', async () => {
  const { nano } = await ensureTestModels();
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-import-'));
  try {
    assert.equal(inspectModelFile(nano).architecture, 'gemma3');
    const bytes = Buffer.from(readFileSync(nano));
    // blk.0.attn_norm.weight has one dimension (D); set it to 0 where its tensor info stands.
    const name = Buffer.from('blk.0.attn_norm.weight');
    const at = bytes.indexOf(name);
    assert.ok(at > 0, 'tensor info found');
    const nDims = bytes.readUInt32LE(at + name.length);
    assert.equal(nDims, 1);
    bytes.writeBigUInt64LE(0n, at + name.length + 4);
    const path = join(dir, 'zero-dim.gguf');
    writeFileSync(path, bytes);
    assert.throws(
      () => inspectModelFile(path),
      (e: unknown) =>
        e instanceof ModelFileError &&
        /zero-dim\.gguf: a tensor has a shape llama\.cpp cannot load/.test(e.message) &&
        /"blk\.0\.attn_norm\.weight" has a zero-sized dimension 0/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
