// "Check this model" on generated models: our engine and llama.cpp agree on an intact file, and a
// deliberately perturbed engine weight makes the check fail, naming the first position it fails at.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, openSync, readSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, type Llama } from 'node-llama-cpp';
import { ensureTestModels, type TestModels } from '../../../test-support/models.ts';
import { openGguf } from '../engine/gguf/index.ts';
import { runModelCheck } from './run.ts';

let llama: Llama;
let models: TestModels;
let dir: string;

before(async () => {
  models = await ensureTestModels();
  llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: 'error' as never });
  dir = mkdtempSync(join(tmpdir(), 'glassbox-check-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('an intact F32 model: the engines agree, with the numbers behind the verdict', async () => {
  const progress: number[] = [];
  const r = await runModelCheck({ llama, modelPath: models.miniF32, quantization: 'F32', threads: 2, onProgress: (d) => progress.push(d) });
  assert.equal(r.verdict.ok, true, r.verdict.details.join('\n'));
  assert.match(r.verdict.headline, /agrees with llama\.cpp/);
  assert.equal(r.boundMeasured, true);
  for (const p of r.prompts) {
    assert.equal(p.positions.length, p.tokenCount);
    assert.ok(p.worstTv <= r.bound.tv, `worst TV ${p.worstTv}`);
    assert.deepEqual(p.argmaxMismatches, []);
    assert.deepEqual(p.greedy.ours, p.greedy.theirs);
    assert.equal(p.tokenizerAgrees, true);
  }
  assert.deepEqual(progress, [1, 2, 3, 4, 5, 6]);
});

test('a perturbed engine weight fails the check at the first position beyond the bound', async () => {
  // Our engine reads a copy whose last FFN down-projection has every weight nudged; llama.cpp reads the original.
  const perturbed = join(dir, 'perturbed.gguf');
  copyFileSync(models.miniF32, perturbed);
  const f = openGguf(perturbed);
  const t = f.tensor('blk.5.ffn_down.weight')!;
  f.close();
  const fd = openSync(perturbed, 'r+');
  try {
    const buf = Buffer.alloc(t.byteSize);
    readSync(fd, buf, 0, t.byteSize, t.offset);
    for (let i = 0; i < t.byteSize; i += 4) buf.writeFloatLE(buf.readFloatLE(i) * 1.5 + 0.01, i);
    writeSync(fd, buf, 0, t.byteSize, t.offset);
  } finally {
    closeSync(fd);
  }

  const r = await runModelCheck({
    llama,
    modelPath: models.miniF32,
    enginePath: perturbed,
    quantization: 'F32',
    threads: 2,
    prompts: ['The quick brown fox jumps over the lazy dog.'],
  });
  assert.equal(r.verdict.ok, false);
  const ff = r.verdict.firstFailure;
  assert.ok(ff, 'the verdict names where it fails');
  assert.equal(ff.prompt, 0);
  const positions = r.prompts[0].positions;
  const firstOver = positions.findIndex((p) => p.tv > r.bound.tv);
  assert.ok(firstOver >= 0, 'some position is beyond the bound');
  assert.equal(ff.position, firstOver, 'the first failure is the first position beyond the bound');
  assert.ok(positions.slice(0, firstOver).every((p) => p.tv <= r.bound.tv));
  assert.match(r.verdict.headline, new RegExp(`DISAGREES with llama\\.cpp on this model, first at prompt 1, position ${firstOver}\\b`));
  assert.match(ff.reason, new RegExp(`position ${firstOver}: the two next-token distributions differ by`));
});
