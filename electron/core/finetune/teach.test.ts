// The must-show, end to end through `glassbox train` and llama.cpp:
//   on a small real-vocabulary model (rv-small: Gemma 3's 262,144-token vocabulary and tokenizer,
//   random weights, F32), a generated dataset teaches a behaviour its base lacks (answer every
//   question with one fixed sentence); the training loss falls; llama.cpp loading the exported GGUF
//   adapter greedily produces the taught answer for held-out prompts, and the base model does not.
// And durability: the training process killed with SIGKILL after a checkpoint, then `--resume`,
// gives the uninterrupted run's loss trajectory exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Llama } from 'node-llama-cpp';
import { REPO_ROOT, ensureRealVocabModel } from '../../../test-support/models.ts';
import {
  GLASSBOX_CLI,
  TEACH_ANSWER,
  TEACH_HELD_OUT,
  glassbox,
  greedyReply,
  tempDir,
  testLlama,
  trainLosses,
  writeTeachDataset,
} from '../../../test-support/lora-fixtures.ts';

const { dir, remove } = tempDir('glassbox-teach-');
let modelPath: string;
let llama: Llama;
before(async () => {
  modelPath = await ensureRealVocabModel('small', 'F32');
  llama = await testLlama();
});
after(async () => {
  await llama?.dispose();
  remove();
});

// 12 rows × 6 epochs, 2 rows per optimizer step, packed into one forward: 36 steps (measured: ~15 s of CPU on rv-small)
const TRAIN_ARGS = [
  '--rank',
  '4',
  '--alpha',
  '8',
  '--lr',
  '3e-3',
  '--epochs',
  '6',
  '--batch',
  '2',
  '--accum',
  '1',
  '--warmup',
  '2',
  '--max-length',
  '64',
  '--seed',
  '5',
  '--val-fraction',
  '0',
  '--checkpoint-every',
  '2',
  '--eval-every',
  '100',
  '--threads',
  '2',
];

let fullLosses: number[] = [];

test('training teaches the answer: loss falls, llama.cpp with the GGUF adapter answers it greedily, the base does not', async () => {
  const run = join(dir, 'run');
  const r = glassbox(['train', '--model', modelPath, '--data', writeTeachDataset(dir), '--out', run, ...TRAIN_ARGS]);
  assert.equal(r.status, 0, r.stderr);
  fullLosses = trainLosses(r.stdout);
  assert.equal(fullLosses.length, 36);
  console.log(`# training loss ${fullLosses[0].toFixed(3)} → ${fullLosses.at(-1)!.toFixed(3)} over ${fullLosses.length} steps`);
  assert.ok(fullLosses.at(-1)! < 0.1 * fullLosses[0], 'the loss must fall by 10×');
  const lm = await llama.loadModel({ modelPath });
  try {
    assert.equal(lm.tokens.bos, 2, 'a real-vocabulary model (Gemma 3 ids)');
    for (const p of TEACH_HELD_OUT) {
      const tuned = await greedyReply(lm, join(run, 'adapter.gguf'), p);
      const base = await greedyReply(lm, undefined, p);
      console.log(`# "${p}": base → ${JSON.stringify(base)}; tuned → ${JSON.stringify(tuned)}`);
      assert.equal(tuned.trim(), TEACH_ANSWER);
      assert.notEqual(base.trim(), TEACH_ANSWER);
    }
  } finally {
    await lm.dispose();
  }
});

test('kill -9 of the training process, then --resume: the same loss trajectory as the uninterrupted run', async () => {
  assert.equal(fullLosses.length, 36, 'needs the first test');
  const run = join(dir, 'killed');
  const data = writeTeachDataset(dir);
  const child = spawn(process.execPath, [...GLASSBOX_CLI, 'train', '--model', modelPath, '--data', data, '--out', run, ...TRAIN_ARGS], {
    cwd: REPO_ROOT,
  });
  let buf = '';
  const killedAfter = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const seen = [...buf.matchAll(/checkpoint \{"step":(\d+)\}/g)].map((m) => Number(m[1]));
      if (seen.length && seen.at(-1)! >= 10 && child.signalCode === null && child.exitCode === null) {
        child.kill('SIGKILL');
        resolve(seen.at(-1)!);
      }
    });
    child.on('exit', (code, sig) => {
      if (sig !== 'SIGKILL') reject(new Error(`trainer exited (${code}) before the kill`));
    });
  });
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
  const r = glassbox(['train', '--model', modelPath, '--data', data, '--out', run, ...TRAIN_ARGS, '--resume']);
  assert.equal(r.status, 0, r.stderr);
  const resumed = trainLosses(r.stdout);
  // the resumed process prints the steps after the last checkpoint it found (≥ the one seen)
  assert.ok(
    resumed.length > 0 && resumed.length <= 36 - killedAfter,
    `resumed ${resumed.length} steps after a kill at checkpoint ${killedAfter}`,
  );
  assert.deepEqual(resumed, fullLosses.slice(36 - resumed.length));
});
