// The training loop: LoRA on our engine through model-step.ts, AdamW, a schedule, validation,
// early stopping, checkpoints that resume exactly, stop-and-save and cancel.
//
// Determinism: optimizer step s covers examples order(epoch)[k·E .. (k+1)·E) with E = batch × accum,
// epoch = ⌊s / stepsPerEpoch⌋, k = s mod stepsPerEpoch, and order(epoch) a shuffle seeded by
// (seed, epoch). So a run resumed at step s from its checkpoint does exactly what the uninterrupted
// run did from s on.
import { completionTargets } from '../models/gemma3/loss.ts';
import { adamwStep, clipGradNorm, newAdamWState, type AdamWState } from './adamw.ts';
import { readCheckpoint, writeCheckpoint, type CheckpointIo } from './checkpoint.ts';
import { checkConfig, type TrainConfig } from './config.ts';
import { initAdapter, type Adapter } from './lora.ts';
import type { ModelStep, StepItem } from './model-step.ts';
import { epochOrder } from './random.ts';
import { learningRate } from './schedule.ts';
import { existsSync } from 'node:fs';

/** One tokenized row: the loss covers tokens[promptLength..] (the answer) only. */
export interface TrainExample {
  tokens: number[];
  promptLength: number;
}

export interface StepMetrics {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  gradNorm: number;
  /** ‖dA, dB‖ of each block's adapters, index = layer */
  layerGradNorms: number[];
  tokens: number;
  tokensPerSec: number;
  elapsedMs: number;
  etaMs: number;
}

export interface EvalMetrics {
  step: number;
  valLoss: number;
}

export type StopReason = 'finished' | 'target' | 'patience' | 'stopped';

export interface TrainHistory {
  steps: StepMetrics[];
  evals: EvalMetrics[];
}

export interface TrainOptions {
  config: TrainConfig;
  train: TrainExample[];
  val: TrainExample[];
  /** where checkpoints go; resumes from it when it exists and `resume` is set */
  checkpointPath?: string;
  resume?: boolean;
  signal?: AbortSignal;
  /** polled between steps: true = save a checkpoint and finish with the adapter so far */
  stopRequested?: () => boolean;
  onStep?: (m: StepMetrics) => void;
  onEval?: (m: EvalMetrics) => void;
  onCheckpoint?: (step: number) => void;
  /** stop after this many optimizer steps (tests that simulate a crash) */
  maxSteps?: number;
  checkpointIo?: CheckpointIo;
}

export interface TrainResult {
  adapter: Adapter;
  steps: number;
  totalSteps: number;
  reason: StopReason;
  history: TrainHistory;
  bestValLoss: number | null;
}

interface CheckpointHeader {
  kind: 'glassbox-lora-training';
  config: TrainConfig;
  step: number;
  optimizerT: number;
  pairs: { base: string; inDim: number; outDim: number; rank: number }[];
  history: TrainHistory;
  bestValLoss: number | null;
  sinceBest: number;
  elapsedMs: number;
  trainRows: number;
}

export function stepsPerEpoch(c: TrainConfig, rows: number): number {
  return Math.ceil(rows / (c.batchSize * c.gradAccum));
}

function toItems(rows: TrainExample[]): StepItem[] {
  return rows
    .filter((r) => r.tokens.length > r.promptLength && r.promptLength >= 1)
    .map((r) => ({ tokens: r.tokens, loss: completionTargets(r.tokens, r.promptLength) }));
}

function layerOf(base: string): number {
  return Number(/^blk\.(\d+)\./.exec(base)?.[1] ?? -1);
}

export async function train(model: ModelStep, o: TrainOptions): Promise<TrainResult> {
  const c = o.config;
  checkConfig(c);
  if (o.train.length === 0) throw new Error('the training split has no rows');
  const perEpoch = stepsPerEpoch(c, o.train.length);
  const totalSteps = perEpoch * c.epochs;
  const E = c.batchSize * c.gradAccum;
  const valItems = toItems(o.val);

  let adapter = initAdapter(model.shape, { targets: c.targets, rank: c.rank, alpha: c.alpha, seed: c.seed });
  const params = () => adapter.pairs.flatMap((p) => [p.a, p.b]);
  let opt: AdamWState = newAdamWState(params());
  let step = 0;
  let history: TrainHistory = { steps: [], evals: [] };
  let bestValLoss: number | null = null;
  let sinceBest = 0;
  let elapsedBefore = 0;

  if (o.resume && o.checkpointPath && existsSync(o.checkpointPath)) {
    const ck = readCheckpoint<CheckpointHeader>(o.checkpointPath);
    const h = ck.header;
    if (h.kind !== 'glassbox-lora-training') throw new Error('the checkpoint is not a LoRA training checkpoint');
    if (JSON.stringify(h.config) !== JSON.stringify(c))
      throw new Error('the checkpoint was written with another configuration; start a new run instead');
    if (h.trainRows !== o.train.length)
      throw new Error(`the checkpoint was trained on ${h.trainRows} rows, the dataset now has ${o.train.length}`);
    adapter = {
      rank: c.rank,
      alpha: c.alpha,
      pairs: h.pairs.map((p, i) => ({ ...p, a: ck.arrays[`a${i}`], b: ck.arrays[`b${i}`] })),
    };
    opt = { t: h.optimizerT, m: [], v: [] };
    for (let i = 0; i < h.pairs.length; i++) {
      opt.m.push(ck.arrays[`ma${i}`], ck.arrays[`mb${i}`]);
      opt.v.push(ck.arrays[`va${i}`], ck.arrays[`vb${i}`]);
    }
    step = h.step;
    history = h.history;
    bestValLoss = h.bestValLoss;
    sinceBest = h.sinceBest;
    elapsedBefore = h.elapsedMs;
  }

  const started = performance.now();
  const elapsed = () => elapsedBefore + (performance.now() - started);
  const save = () => {
    if (!o.checkpointPath) return;
    const arrays: Record<string, Float32Array> = {};
    adapter.pairs.forEach((p, i) => {
      arrays[`a${i}`] = p.a;
      arrays[`b${i}`] = p.b;
      arrays[`ma${i}`] = opt.m[2 * i];
      arrays[`mb${i}`] = opt.m[2 * i + 1];
      arrays[`va${i}`] = opt.v[2 * i];
      arrays[`vb${i}`] = opt.v[2 * i + 1];
    });
    const header: CheckpointHeader = {
      kind: 'glassbox-lora-training',
      config: c,
      step,
      optimizerT: opt.t,
      pairs: adapter.pairs.map(({ base, inDim, outDim, rank }) => ({ base, inDim, outDim, rank })),
      history,
      bestValLoss,
      sinceBest,
      elapsedMs: elapsed(),
      trainRows: o.train.length,
    };
    writeCheckpoint(o.checkpointPath, { header, arrays }, o.checkpointIo);
    o.onCheckpoint?.(step);
  };
  const evaluate = async (): Promise<StopReason | null> => {
    if (valItems.length === 0) return null;
    const { loss } = await model.loss(adapter, valItems);
    const m = { step, valLoss: loss };
    history.evals.push(m);
    o.onEval?.(m);
    if (bestValLoss === null || loss < bestValLoss - 1e-6) {
      bestValLoss = loss;
      sinceBest = 0;
    } else sinceBest++;
    if (c.targetValLoss > 0 && loss <= c.targetValLoss) return 'target';
    if (c.patience > 0 && sinceBest >= c.patience) return 'patience';
    return null;
  };

  let reason: StopReason = 'finished';
  let ran = 0;
  while (step < totalSteps) {
    o.signal?.throwIfAborted();
    if (o.stopRequested?.()) {
      reason = 'stopped';
      break;
    }
    if (o.maxSteps !== undefined && ran >= o.maxSteps) {
      reason = 'stopped';
      break;
    }
    const t0 = performance.now();
    const epoch = Math.floor(step / perEpoch);
    const k = step % perEpoch;
    const order = epochOrder(o.train.length, c.seed, epoch);
    const rows = order.slice(k * E, (k + 1) * E).map((i) => o.train[i]);
    const items = toItems(rows);
    const grads = adapter.pairs.flatMap((p) => [new Float32Array(p.a.length), new Float32Array(p.b.length)]);
    let loss = 0,
      tokens = 0,
      micro = 0;
    for (let m = 0; m < items.length; m += c.batchSize) {
      const r = await model.lossAndGrads(adapter, items.slice(m, m + c.batchSize), { signal: o.signal });
      micro++;
      loss += r.loss;
      tokens += r.tokens;
      adapter.pairs.forEach((p, i) => {
        const gr = r.grads.get(p.base)!;
        const ga = grads[2 * i],
          gb = grads[2 * i + 1];
        for (let j = 0; j < ga.length; j++) ga[j] += gr.a[j];
        for (let j = 0; j < gb.length; j++) gb[j] += gr.b[j];
      });
    }
    const lr = learningRate(step, totalSteps, c.learningRate, c.warmupSteps, c.schedule);
    let gradNorm = 0;
    const layerGradNorms = new Array<number>(model.shape.layers).fill(0);
    if (micro > 0) {
      for (const g of grads) for (let j = 0; j < g.length; j++) g[j] /= micro;
      adapter.pairs.forEach((p, i) => {
        let s = 0;
        for (const g of [grads[2 * i], grads[2 * i + 1]]) for (let j = 0; j < g.length; j++) s += g[j] * g[j];
        layerGradNorms[layerOf(p.base)] += s;
      });
      gradNorm = clipGradNorm(grads, c.maxGradNorm);
      adamwStep(params(), grads, opt, lr, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: c.weightDecay });
      loss /= micro;
    }
    step++;
    ran++;
    const dt = performance.now() - t0;
    const doneMs = elapsed();
    const m: StepMetrics = {
      step,
      epoch,
      loss,
      lr,
      gradNorm,
      layerGradNorms: layerGradNorms.map(Math.sqrt),
      tokens,
      tokensPerSec: tokens / (dt / 1000),
      elapsedMs: doneMs,
      etaMs: (doneMs / step) * (totalSteps - step),
    };
    history.steps.push(m);
    o.onStep?.(m);
    let stop: StopReason | null = null;
    if (step % c.evalEvery === 0 || step === totalSteps) stop = await evaluate();
    if (step % c.checkpointEvery === 0 || step === totalSteps || stop) save();
    if (stop) {
      reason = stop;
      break;
    }
  }
  if (reason === 'stopped') save();
  return { adapter, steps: step, totalSteps, reason, history, bestValLoss };
}
