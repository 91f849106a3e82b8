// The training configuration: every knob, its default, and a one-line explanation the UI shows.
import { LORA_TARGETS, type LoraTarget } from './lora.ts';
import type { ScheduleKind } from './schedule.ts';

export interface TrainConfig {
  targets: LoraTarget[];
  rank: number;
  alpha: number;
  learningRate: number;
  schedule: ScheduleKind;
  /** optimizer steps of linear warm-up */
  warmupSteps: number;
  epochs: number;
  /** examples per forward/backward micro-batch */
  batchSize: number;
  /** micro-batches per optimizer step */
  gradAccum: number;
  /** tokens per example (prompt + answer); longer rows are truncated or refused by the dataset step */
  maxLength: number;
  seed: number;
  weightDecay: number;
  /** clip the global gradient norm to this (0 = off) */
  maxGradNorm: number;
  /** run validation every N optimizer steps (and at the end) */
  evalEvery: number;
  /** write a checkpoint every N optimizer steps */
  checkpointEvery: number;
  /** stop once validation loss ≤ this (0 = off) */
  targetValLoss: number;
  /** stop after this many validations without improvement (0 = off) */
  patience: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'],
  rank: 8,
  alpha: 16,
  learningRate: 2e-4,
  schedule: 'cosine',
  warmupSteps: 5,
  epochs: 3,
  batchSize: 4,
  gradAccum: 1,
  maxLength: 256,
  seed: 42,
  weightDecay: 0,
  maxGradNorm: 1,
  evalEvery: 10,
  checkpointEvery: 10,
  targetValLoss: 0,
  patience: 0,
};

/** Gemma 3 270M: small model, small data; a higher learning rate than big-model recipes use. */
export const GEMMA3_270M_PRESET: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  rank: 8,
  alpha: 16,
  learningRate: 5e-4,
  maxLength: 256,
};

export const CONFIG_HELP: Record<keyof TrainConfig, string> = {
  targets: 'Which linear layers of every block get an adapter. All seven is the usual choice; attention-only (q, v) is smaller and weaker.',
  rank: 'Width r of each adapter (A is r×in, B is out×r). 8 is plenty for teaching a format or a style; more can learn more and overfit sooner.',
  alpha: 'Adapters are scaled by alpha / r. Keeping alpha = 2·r keeps the effective step size the same when you change r.',
  learningRate: 'Peak AdamW step size. 1e-4…5e-4 for LoRA; too high and the loss jumps, too low and nothing moves.',
  schedule: 'How the learning rate moves after warm-up: cosine (smooth fall to 0), linear (straight to 0) or constant.',
  warmupSteps: 'Optimizer steps during which the learning rate rises from 0, so the first noisy gradients do no harm.',
  epochs: 'Passes over the training rows. Small datasets need 3–5; watch validation loss for overfitting.',
  batchSize:
    'Rows per forward/backward. They run packed into one pass through the weights (up to 512 tokens and 128 answer tokens per pass), which on a CPU is faster per row than one at a time; memory grows with it.',
  gradAccum: 'Micro-batches summed before each optimizer step. Effective batch = batch size × accumulation.',
  maxLength: 'Tokens per row (prompt + answer). Longer rows are truncated or refused, as you choose on the dataset.',
  seed: 'Fixes the adapter initialisation and the row order: the same seed gives the same run.',
  weightDecay: 'AdamW weight decay on the adapter weights. 0 is the usual LoRA choice.',
  maxGradNorm: 'Gradients are scaled down when their total norm is above this (1.0 is standard); 0 turns clipping off.',
  evalEvery: 'Validation loss is measured every N optimizer steps and at the end.',
  checkpointEvery: 'A checkpoint (adapter + optimizer state) is written every N steps; a run resumes exactly from it.',
  targetValLoss: 'Stop as soon as validation loss reaches this value (0 = never).',
  patience: 'Stop when validation loss has not improved for this many evaluations (0 = never).',
};

export function checkConfig(c: TrainConfig): void {
  const bad = (m: string) => {
    throw new Error(`training config: ${m}`);
  };
  if (c.targets.length === 0) bad('choose at least one target');
  for (const t of c.targets) if (!(LORA_TARGETS as readonly string[]).includes(t)) bad(`unknown target ${t}`);
  for (const k of ['rank', 'epochs', 'batchSize', 'gradAccum', 'maxLength', 'evalEvery', 'checkpointEvery'] as const) {
    if (!(Number.isInteger(c[k]) && c[k] > 0)) bad(`${k} must be a positive integer`);
  }
  if (!(c.alpha > 0)) bad('alpha must be positive');
  if (!(c.learningRate > 0 && c.learningRate < 1)) bad('learning rate must be in (0, 1)');
  if (!(Number.isInteger(c.warmupSteps) && c.warmupSteps >= 0)) bad('warm-up steps must be ≥ 0');
  if (!(c.maxGradNorm >= 0 && c.weightDecay >= 0 && c.targetValLoss >= 0 && c.patience >= 0))
    bad('clip, decay, target and patience must be ≥ 0');
}
