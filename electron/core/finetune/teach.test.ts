// The must-show, end to end through `glassbox train` and llama.cpp:
//   a generated dataset teaches the mini model (F32) a behaviour its base lacks (answer every
//   question with one fixed sentence); the training loss falls; llama.cpp loading the exported GGUF
//   adapter greedily produces the taught answer for held-out prompts, and the base model does not.
// And durability: the training process killed with SIGKILL after a checkpoint, then `--resume`,
// gives the uninterrupted run's loss trajectory exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, type Llama, type LlamaModel } from 'node-llama-cpp';
import { REPO_ROOT, ensureTestModels, type TestModels } from '../../../test-support/models.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-teach-'));
let models: TestModels;
let llama: Llama;
before(async () => {
  models = await ensureTestModels();
  llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: 'error' as never });
});
after(async () => {
  await llama?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const ANSWER = 'the water is blue';
const WORDS = ['time', 'people', 'number', 'way', 'word', 'water', 'first', 'find', 'look', 'make', 'call', 'write', 'see', 'many'];
const prompt = (w: string, i: number) => `what about ${w} ${i % 2 ? 'now' : 'then'}`;

function datasetFile(): string {
  const lines = WORDS.slice(0, 12).map((w, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: prompt(w, i) },
        { role: 'assistant', content: ANSWER },
      ],
    }),
  );
  const path = join(dir, 'teach.jsonl');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const CLI = ['--import', 'tsx', join(REPO_ROOT, 'electron/core/cli/glassbox.ts')];
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
  '1',
  '--accum',
  '2',
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

function parseSteps(stdout: string): number[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('step '))
    .map((l) => (JSON.parse(l.slice(5)) as { loss: number }).loss);
}

async function greedy(model: LlamaModel, adapter: string | undefined, text: string): Promise<string> {
  const ctx = await model.createContext({
    contextSize: 128,
    threads: 2,
    ...(adapter ? { lora: { adapters: [{ filePath: adapter, scale: 1 }] } } : {}),
  });
  try {
    const seq = ctx.getSequence();
    const ids = [model.tokens.bos!, ...model.tokenize(`<start_of_turn>user\n${text}<end_of_turn>\n<start_of_turn>model\n`, true)];
    const out: number[] = [];
    for await (const t of seq.evaluate(ids, { temperature: 0 })) {
      if (Number(t) === 106 || Number(t) === 1 || out.length >= 12) break;
      out.push(Number(t));
    }
    return model.detokenize(out as never);
  } finally {
    await ctx.dispose();
  }
}

let fullLosses: number[] = [];

test('training teaches the answer: loss falls, llama.cpp with the GGUF adapter answers it greedily, the base does not', async () => {
  const run = join(dir, 'run');
  const r = spawnSync(
    process.execPath,
    [...CLI, 'train', '--model', models.miniF32, '--data', datasetFile(), '--out', run, ...TRAIN_ARGS],
    { encoding: 'utf8', cwd: REPO_ROOT },
  );
  assert.equal(r.status, 0, r.stderr);
  fullLosses = parseSteps(r.stdout);
  assert.equal(fullLosses.length, 36);
  console.log(`# training loss ${fullLosses[0].toFixed(3)} → ${fullLosses.at(-1)!.toFixed(3)} over ${fullLosses.length} steps`);
  assert.ok(fullLosses.at(-1)! < 0.1 * fullLosses[0], 'the loss must fall by 10×');
  const lm = await llama.loadModel({ modelPath: models.miniF32 });
  try {
    const heldOut = [prompt(WORDS[12], 12), prompt(WORDS[13], 13), 'what about people then'];
    for (const p of heldOut) {
      const tuned = await greedy(lm, join(run, 'adapter.gguf'), p);
      const base = await greedy(lm, undefined, p);
      console.log(`# "${p}": base → ${JSON.stringify(base)}; tuned → ${JSON.stringify(tuned)}`);
      assert.equal(tuned.trim(), ANSWER);
      assert.notEqual(base.trim(), ANSWER);
    }
  } finally {
    await lm.dispose();
  }
});

test('kill -9 of the training process, then --resume: the same loss trajectory as the uninterrupted run', async () => {
  assert.equal(fullLosses.length, 36, 'needs the first test');
  const run = join(dir, 'killed');
  const data = datasetFile();
  const child = spawn(process.execPath, [...CLI, 'train', '--model', models.miniF32, '--data', data, '--out', run, ...TRAIN_ARGS], {
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
  const r = spawnSync(
    process.execPath,
    [...CLI, 'train', '--model', models.miniF32, '--data', data, '--out', run, ...TRAIN_ARGS, '--resume'],
    { encoding: 'utf8', cwd: REPO_ROOT },
  );
  assert.equal(r.status, 0, r.stderr);
  const resumed = parseSteps(r.stdout);
  // the resumed process prints the steps after the last checkpoint it found (≥ the one seen)
  assert.ok(
    resumed.length > 0 && resumed.length <= 36 - killedAfter,
    `resumed ${resumed.length} steps after a kill at checkpoint ${killedAfter}`,
  );
  assert.deepEqual(resumed, fullLosses.slice(36 - resumed.length));
});
