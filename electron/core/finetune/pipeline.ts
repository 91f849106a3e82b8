// One training run from rows to adapter files, the same for the app's worker and `glassbox train`:
// load the model, tokenize and check the rows, split, train LoRA on our engine (checkpoints in the
// run folder), then write the GGUF adapter for llama.cpp and the PEFT folder.
//
// Run folder: config.json (the real configuration), checkpoint.bin, adapter.gguf, peft/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGemma3 } from '../engine/models/gemma3/index.ts';
import { createModelStep } from '../engine/train/model-step.ts';
import { train, type EvalMetrics, type StepMetrics, type TrainResult } from '../engine/train/loop.ts';
import { checkConfig, type TrainConfig } from '../engine/train/config.ts';
import { writeGgufAdapter, writePeftAdapter } from '../engine/export/adapter.ts';
import type { CheckpointIo } from '../engine/train/checkpoint.ts';
import { prepareExamples, splitRows, tokenStats, type OverflowPolicy, type TokenStats } from '../datasets/prepare.ts';
import type { RowMessages } from '../datasets/rows.ts';
import { f32, str, u32 } from '../engine/gguf/meta.ts';

export interface RunInput {
  modelPath: string;
  rows: { id: string; messages: RowMessages; split?: 'train' | 'validation' }[];
  config: TrainConfig;
  overflow: OverflowPolicy;
  /** used when no row names its split: this share goes to validation (deterministic in the seed) */
  valFraction: number;
  runDir: string;
  name?: string;
  resume?: boolean;
  threads?: number;
}

export interface RunHooks {
  signal?: AbortSignal;
  stopRequested?: () => boolean;
  onPrepared?: (info: { trainRows: number; validationRows: number; stats: TokenStats; totalSteps: number }) => void;
  onStep?: (m: StepMetrics) => void;
  onEval?: (m: EvalMetrics) => void;
  onCheckpoint?: (step: number, path: string) => void;
  checkpointIo?: CheckpointIo;
}

export interface RunOutput {
  result: TrainResult;
  ggufPath: string;
  peftPath: string;
  checkpointPath: string;
  stats: TokenStats;
}

export async function runTraining(input: RunInput, hooks: RunHooks = {}): Promise<RunOutput> {
  const c = input.config;
  checkConfig(c);
  mkdirSync(input.runDir, { recursive: true });
  writeFileSync(
    join(input.runDir, 'config.json'),
    JSON.stringify({ modelPath: input.modelPath, overflow: input.overflow, valFraction: input.valFraction, config: c }, null, 2) + '\n',
  );
  const g = await loadGemma3(input.modelPath, { threads: input.threads, numerics: 'exact', q8Activations: false });
  try {
    const tokenize = (text: string, o: { addBos: boolean }) => g.tokenize(text, { addBos: o.addBos });
    const stats = tokenStats(input.rows, tokenize, c.maxLength);
    const named = input.rows.some((r) => r.split === 'validation');
    const { train: trainRows, validation: valRows } = named
      ? { train: input.rows.filter((r) => r.split !== 'validation'), validation: input.rows.filter((r) => r.split === 'validation') }
      : splitRows(input.rows, input.valFraction, c.seed);
    const trainEx = prepareExamples(trainRows, tokenize, c.maxLength, input.overflow);
    const valEx = prepareExamples(valRows, tokenize, c.maxLength, input.overflow);
    const totalSteps = Math.ceil(trainEx.length / (c.batchSize * c.gradAccum)) * c.epochs;
    hooks.onPrepared?.({ trainRows: trainEx.length, validationRows: valEx.length, stats, totalSteps });
    const step = await createModelStep(g);
    const checkpointPath = join(input.runDir, 'checkpoint.bin');
    try {
      const result = await train(step, {
        config: c,
        train: trainEx,
        val: valEx,
        checkpointPath,
        resume: input.resume,
        signal: hooks.signal,
        stopRequested: hooks.stopRequested,
        onStep: hooks.onStep,
        onEval: hooks.onEval,
        onCheckpoint: (s) => hooks.onCheckpoint?.(s, checkpointPath),
        checkpointIo: hooks.checkpointIo,
      });
      const ggufPath = join(input.runDir, 'adapter.gguf');
      const peftPath = join(input.runDir, 'peft');
      writeGgufAdapter(ggufPath, result.adapter, {
        architecture: step.architecture,
        name: input.name ?? 'Glassbox LoRA adapter',
        metadata: {
          'training.steps': u32(result.steps),
          'training.rank': u32(c.rank),
          'training.learning_rate': f32(c.learningRate),
          'training.config': str(JSON.stringify(c)),
        },
      });
      writePeftAdapter(peftPath, result.adapter, { baseModel: input.modelPath });
      return { result, ggufPath, peftPath, checkpointPath, stats };
    } finally {
      step.dispose();
    }
  } finally {
    g.dispose();
  }
}
