// finetune.*: LoRA training runs on our engine (a job in the engine worker), their metrics, and the
// adapters they produce (GGUF for llama.cpp, PEFT folder).
import { z } from 'zod';
import { event, method } from './define.ts';

/** How strongly llama.cpp applies a LoRA adapter: 1 as trained, 0 off; the same range wherever an adapter is chosen. */
export const ADAPTER_SCALE = { min: 0, max: 4 } as const;
export const adapterScale = z.number().min(ADAPTER_SCALE.min).max(ADAPTER_SCALE.max).default(1);

export type LoraTargetName = 'q' | 'k' | 'v' | 'o' | 'gate' | 'up' | 'down';

export interface FinetuneConfig {
  targets: LoraTargetName[];
  rank: number;
  alpha: number;
  learningRate: number;
  schedule: 'cosine' | 'linear' | 'constant';
  warmupSteps: number;
  epochs: number;
  batchSize: number;
  gradAccum: number;
  maxLength: number;
  seed: number;
  weightDecay: number;
  maxGradNorm: number;
  evalEvery: number;
  checkpointEvery: number;
  targetValLoss: number;
  patience: number;
}

export interface FinetuneStepMetrics {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  gradNorm: number;
  layerGradNorms: number[];
  tokens: number;
  tokensPerSec: number;
  elapsedMs: number;
  etaMs: number;
}

export interface FinetuneEvalMetrics {
  step: number;
  valLoss: number;
}

export type FinetuneStatus = 'queued' | 'running' | 'completed' | 'stopped' | 'cancelled' | 'failed' | 'interrupted';

export interface FinetuneRun {
  id: string;
  datasetId: string | null;
  modelPath: string;
  config: FinetuneConfig;
  status: FinetuneStatus;
  stopReason: string | null;
  error: string | null;
  step: number;
  totalSteps: number;
  checkpointStep: number | null;
  createdAt: number;
  updatedAt: number;
  jobId: string | null;
  adapter: AdapterInfo | null;
}

export interface AdapterInfo {
  id: string;
  runId: string | null;
  name: string;
  modelPath: string;
  ggufPath: string;
  peftPath: string | null;
  rank: number;
  alpha: number;
  createdAt: number;
}

export interface ChatAdapterChoice {
  adapterId: string;
  path: string;
  modelPath: string;
  scale: number;
}

const id = z.string().min(1).max(100);
const target = z.enum(['q', 'k', 'v', 'o', 'gate', 'up', 'down']);
export const finetuneConfig = z
  .object({
    targets: z.array(target).min(1, 'choose at least one target').max(7),
    rank: z.number().int().min(1).max(256),
    alpha: z.number().positive().max(4096),
    learningRate: z.number().positive().max(0.1),
    schedule: z.enum(['cosine', 'linear', 'constant']),
    warmupSteps: z.number().int().min(0).max(100_000),
    epochs: z.number().int().min(1).max(1000),
    batchSize: z.number().int().min(1).max(256),
    gradAccum: z.number().int().min(1).max(256),
    maxLength: z.number().int().min(8).max(32_768),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31),
    weightDecay: z.number().min(0).max(1),
    maxGradNorm: z.number().min(0).max(1000),
    evalEvery: z.number().int().min(1).max(100_000),
    checkpointEvery: z.number().int().min(1).max(100_000),
    targetValLoss: z.number().min(0).max(100),
    patience: z.number().int().min(0).max(1000),
  })
  .strict();

export const finetuneMethods = {
  /** Defaults, the Gemma 3 270M preset and a one-line explanation of every setting. */
  presets: method(z.object({}).strict()).returns<{
    defaults: FinetuneConfig;
    presets: { name: string; config: FinetuneConfig }[];
    help: Record<keyof FinetuneConfig, string>;
  }>(),
  start: method(
    z
      .object({
        datasetId: id,
        modelPath: z.string().min(1).max(4096),
        config: finetuneConfig,
        overflow: z.enum(['truncate', 'refuse']).default('truncate'),
        valFraction: z.number().min(0).max(0.9).default(0.1),
      })
      .strict(),
  ).returns<{ runId: string; jobId: string }>(),
  runs: method(z.object({}).strict()).returns<FinetuneRun[]>(),
  run: method(z.object({ runId: id }).strict()).returns<{ run: FinetuneRun; steps: FinetuneStepMetrics[]; evals: FinetuneEvalMetrics[] }>(),
  /** Stop-and-save: the run checkpoints, exports its adapter and finishes as 'stopped'. */
  stop: method(z.object({ runId: id }).strict()).returns<{ stopping: true }>(),
  /** Cancel: the run ends now without exporting; its last checkpoint stays for a resume. */
  cancel: method(z.object({ runId: id }).strict()).returns<{ cancelling: true }>(),
  /** Continues a stopped, cancelled, failed or interrupted run from its last checkpoint. */
  resume: method(z.object({ runId: id }).strict()).returns<{ runId: string; jobId: string }>(),
  adapters: method(z.object({}).strict()).returns<AdapterInfo[]>(),
  /** Chat with an adapter: llama.cpp applies it (at `scale`) when chatting with its base model; null = none. */
  useInChat: method(z.object({ adapterId: id.nullable(), scale: adapterScale }).strict()).returns<ChatAdapterChoice | null>(),
  chatAdapter: method(z.object({}).strict()).returns<ChatAdapterChoice | null>(),
  deleteRun: method(z.object({ runId: id }).strict()).returns<{ deleted: true }>(),
};

export const finetuneEvents = {
  /** A run's status or counters changed. */
  runChanged: event<{ run: FinetuneRun }>(),
  /** New metrics of a running run (high rate: one per optimizer step). */
  metrics: event<{ runId: string; step?: FinetuneStepMetrics; eval?: FinetuneEvalMetrics }>(),
};
