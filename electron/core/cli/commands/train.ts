// `npm run glassbox -- train --model M.gguf --data rows.jsonl|rows.csv --out RUN_DIR [options]`
// Trains a LoRA adapter on our engine exactly as the app does (../../../finetune/pipeline.ts) and
// writes RUN_DIR/adapter.gguf (llama.cpp), RUN_DIR/peft/ (PEFT), RUN_DIR/config.json and
// RUN_DIR/checkpoint.bin (`--resume` continues from it exactly). Prints one JSON line per step
// ("step {…}") and per validation ("eval {…}").
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { guessFormat, parseDataset } from '../../datasets/formats.ts';
import { runTraining } from '../../finetune/pipeline.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../engine/train/config.ts';
import { isLoraTarget } from '../../engine/train/lora.ts';
import { parseThreads } from '../flags.ts';

export const summary = 'train a LoRA adapter on a JSONL/CSV dataset; writes adapter.gguf and a PEFT folder';

const NUM: Record<string, keyof TrainConfig> = {
  rank: 'rank',
  alpha: 'alpha',
  lr: 'learningRate',
  epochs: 'epochs',
  batch: 'batchSize',
  accum: 'gradAccum',
  'max-length': 'maxLength',
  seed: 'seed',
  warmup: 'warmupSteps',
  'weight-decay': 'weightDecay',
  clip: 'maxGradNorm',
  'eval-every': 'evalEvery',
  'checkpoint-every': 'checkpointEvery',
  'target-val-loss': 'targetValLoss',
  patience: 'patience',
};

export async function run(args: string[]): Promise<void> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    model: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string' },
    config: { type: 'string' },
    targets: { type: 'string' },
    schedule: { type: 'string' },
    'val-fraction': { type: 'string' },
    overflow: { type: 'string' },
    resume: { type: 'boolean' },
    threads: { type: 'string' },
    'max-steps': { type: 'string' },
  };
  for (const k of Object.keys(NUM)) options[k] = { type: 'string' };
  const { values } = parseArgs({ args, options });
  const v = values as Record<string, string | boolean | undefined>;
  if (typeof v.model !== 'string' || typeof v.data !== 'string' || typeof v.out !== 'string') {
    throw new Error(
      `usage: train --model M.gguf --data rows.jsonl|rows.csv --out RUN_DIR [--config cfg.json] [--${Object.keys(NUM).join(' N] [--')} N] [--targets q,k,v,o,gate,up,down] [--schedule cosine|linear|constant] [--val-fraction 0.1] [--overflow truncate|refuse] [--resume] [--threads N]`,
    );
  }
  let config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG };
  if (typeof v.config === 'string') config = { ...config, ...(JSON.parse(readFileSync(v.config, 'utf8')) as Partial<TrainConfig>) };
  for (const [flag, key] of Object.entries(NUM)) {
    if (typeof v[flag] !== 'string') continue;
    const n = Number(v[flag]);
    if (!Number.isFinite(n)) throw new Error(`--${flag} must be a number`);
    (config as unknown as Record<string, number>)[key] = n;
  }
  if (typeof v.targets === 'string') {
    const t = v.targets.split(',').map((s) => s.trim());
    for (const x of t) if (!isLoraTarget(x)) throw new Error(`--targets: ${x} is not one of q, k, v, o, gate, up, down`);
    config.targets = t as TrainConfig['targets'];
  }
  if (typeof v.schedule === 'string') config.schedule = v.schedule as TrainConfig['schedule'];
  const overflow = v.overflow === undefined ? 'truncate' : v.overflow;
  if (overflow !== 'truncate' && overflow !== 'refuse') throw new Error('--overflow must be truncate or refuse');
  const bytes = readFileSync(v.data);
  const parsed = parseDataset(bytes, guessFormat(v.data, bytes));
  const rows = parsed.map((r, i) => ({ id: `line ${r.line}`, messages: r.messages, split: r.split, index: i }));
  const maxSteps = typeof v['max-steps'] === 'string' ? Number(v['max-steps']) : undefined;
  let ran = 0;
  const out = await runTraining(
    {
      modelPath: v.model,
      rows,
      config,
      overflow,
      valFraction: typeof v['val-fraction'] === 'string' ? Number(v['val-fraction']) : 0.1,
      runDir: v.out,
      resume: v.resume === true,
      threads: parseThreads(typeof v.threads === 'string' ? v.threads : undefined),
    },
    {
      stopRequested: () => maxSteps !== undefined && ran >= maxSteps,
      onPrepared: (p) =>
        console.log(
          `prepared ${JSON.stringify({ trainRows: p.trainRows, validationRows: p.validationRows, totalSteps: p.totalSteps, overMaxLength: p.stats.overCount, meanTokens: Math.round(p.stats.mean) })}`,
        ),
      onStep: (m) => {
        ran++;
        console.log(
          `step ${JSON.stringify({ step: m.step, loss: m.loss, lr: m.lr, gradNorm: m.gradNorm, tokensPerSec: Math.round(m.tokensPerSec) })}`,
        );
      },
      onEval: (m) => console.log(`eval ${JSON.stringify(m)}`),
      onCheckpoint: (s) => console.log(`checkpoint ${JSON.stringify({ step: s })}`),
    },
  );
  console.log(
    `done ${JSON.stringify({ reason: out.result.reason, steps: out.result.steps, totalSteps: out.result.totalSteps, bestValLoss: out.result.bestValLoss, gguf: out.ggufPath, peft: out.peftPath })}`,
  );
}
