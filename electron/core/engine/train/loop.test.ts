// The training loop on the nano model: the loss on a taught answer falls; stop-and-save then resume
// reproduces the uninterrupted run's loss trajectory exactly; a disk that fills up while a
// checkpoint is written leaves the previous checkpoint intact; validation-based early stopping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestModels } from '../../../../test-support/models.ts';
import { loadGemma3, type Gemma3 } from '../models/gemma3/index.ts';
import { createModelStep, type ModelStep } from './model-step.ts';
import { train, type TrainExample } from './loop.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from './config.ts';
import { readCheckpoint } from './checkpoint.ts';
import { writeSync } from 'node:fs';

let g: Gemma3;
let step: ModelStep;
const dir = mkdtempSync(join(tmpdir(), 'glassbox-loop-'));
before(async () => {
  g = await loadGemma3((await ensureTestModels()).nano, { threads: 1 });
  step = await createModelStep(g);
});
after(() => {
  step.dispose();
  g.dispose();
  rmSync(dir, { recursive: true, force: true });
});

// prompt: BOS + 3 varying tokens; answer: the same 3 tokens every time (a behaviour to learn)
const rows: TrainExample[] = Array.from({ length: 8 }, (_, i) => ({ tokens: [2, 10 + i, 40 + 3 * i, 7, 300, 301, 302], promptLength: 4 }));
const val: TrainExample[] = [{ tokens: [2, 90, 91, 7, 300, 301, 302], promptLength: 4 }];
const config: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  targets: ['q', 'v', 'down'],
  rank: 4,
  alpha: 8,
  learningRate: 1e-2,
  warmupSteps: 2,
  epochs: 4,
  batchSize: 2,
  gradAccum: 2,
  maxLength: 16,
  seed: 3,
  evalEvery: 2,
  checkpointEvery: 1,
};

test('the loss on the taught answer falls, and so does validation loss', async () => {
  const r = await train(step, { config, train: rows, val });
  const losses = r.history.steps.map((s) => s.loss);
  assert.equal(r.steps, 8);
  assert.equal(r.reason, 'finished');
  console.log(
    `# loss ${losses[0].toFixed(3)} → ${losses.at(-1)!.toFixed(3)}; val ${r.history.evals[0].valLoss.toFixed(3)} → ${r.history.evals.at(-1)!.valLoss.toFixed(3)}`,
  );
  assert.ok(losses.at(-1)! < 0.5 * losses[0], `loss did not fall enough: ${losses.join(', ')}`);
  assert.ok(r.history.evals.at(-1)!.valLoss < r.history.evals[0].valLoss);
  assert.equal(r.history.steps[0].layerGradNorms.length, g.config.layers);
  assert.ok(r.history.steps[0].layerGradNorms.every((n) => n > 0));
});

test('stop-and-save then resume gives exactly the uninterrupted loss trajectory', async () => {
  const ck = join(dir, 'resume.bin');
  const full = await train(step, { config, train: rows, val });
  let n = 0;
  const first = await train(step, { config, train: rows, val, checkpointPath: ck, stopRequested: () => n++ >= 3 });
  assert.equal(first.reason, 'stopped');
  assert.equal(first.steps, 3);
  const second = await train(step, { config, train: rows, val, checkpointPath: ck, resume: true });
  assert.equal(second.steps, 8);
  assert.deepEqual(
    second.history.steps.map((s) => s.loss),
    full.history.steps.map((s) => s.loss),
  );
  assert.deepEqual(
    second.history.evals.map((e) => e.valLoss),
    full.history.evals.map((e) => e.valLoss),
  );
  for (const [i, p] of full.adapter.pairs.entries()) assert.deepEqual(second.adapter.pairs[i].b, p.b);
  await assert.rejects(
    train(step, { config: { ...config, rank: 2 }, train: rows, val, checkpointPath: ck, resume: true }),
    /another configuration/,
  );
});

test('a full disk while checkpointing leaves the previous checkpoint intact', async () => {
  const ck = join(dir, 'disk.bin');
  let saves = 0;
  const io = {
    write(fd: number, bytes: Uint8Array) {
      // the third checkpoint runs out of space after its header
      if (saves === 2 && bytes.length > 100) {
        const e = new Error('ENOSPC: no space left on device, write') as NodeJS.ErrnoException;
        e.code = 'ENOSPC';
        throw e;
      }
      writeSync(fd, bytes);
    },
  };
  let before: Buffer | undefined;
  await assert.rejects(
    train(step, {
      config,
      train: rows,
      val,
      checkpointPath: ck,
      checkpointIo: io,
      onCheckpoint: () => {
        saves++;
        before = readFileSync(ck);
      },
    }),
    /ENOSPC/,
  );
  assert.equal(saves, 2);
  assert.deepEqual(readFileSync(ck), before, 'the last good checkpoint is unchanged');
  assert.equal(readCheckpoint<{ step: number }>(ck).header.step, 2);
  const resumed = await train(step, { config, train: rows, val, checkpointPath: ck, resume: true });
  assert.equal(resumed.steps, 8);
});

test('training stops at a target validation loss, or when it stops improving', async () => {
  const target = await train(step, { config: { ...config, evalEvery: 1, targetValLoss: 5.5 }, train: rows, val });
  assert.equal(target.reason, 'target');
  assert.ok(target.history.evals.at(-1)!.valLoss <= 5.5);
  assert.ok(target.steps < 8);
  const flat = await train(step, {
    config: { ...config, evalEvery: 1, learningRate: 1e-9, warmupSteps: 0, patience: 2 },
    train: rows,
    val,
  });
  assert.equal(flat.reason, 'patience');
  assert.equal(flat.steps, 3);
});
