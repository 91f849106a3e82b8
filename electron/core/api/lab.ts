// lab.*: three questions people ask of a small model, answered in the app.
// - check: does our engine compute what llama.cpp computes on this model? (per position, with a verdict)
// - speed: how fast is this model here, on every backend and thread count, and on our engine?
// - embeddings: how similar are these texts (llama.cpp's embedding context, or our engine's hidden states)?
// Long work runs as jobs; results are stored in SQLite and reopen after a restart.
import { z } from 'zod';
import { event, method } from './define.ts';

// ── check ───────────────────────────────────────────────────────────────────────────────────────

export interface AgreementBound {
  measuredFor: string;
  tv: number;
  tieMargin: number;
  why: string;
}

export interface PositionAgreement {
  /** index in the evaluated token sequence: the distribution predicts the token after this one */
  position: number;
  /** total variation: half the L1 distance, 0 = identical, 1 = disjoint */
  tv: number;
  oursTop: number;
  theirsTop: number;
  /** llama.cpp's probability gap between its top two tokens (small = a near-tie) */
  theirsMargin: number;
}

export interface PromptCheck {
  text: string;
  tokenCount: number;
  /** our tokenizer gives llama.cpp's ids for this prompt */
  tokenizerAgrees: boolean;
  positions: PositionAgreement[];
  worstTv: number;
  worstPosition: number;
  argmaxMismatches: { position: number; ours: number; theirs: number; margin: number; tolerated: boolean }[];
  greedy: { tokens: number; agreed: number; ours: number[]; theirs: number[] };
}

export interface ModelCheckResult {
  quantization: string;
  bound: AgreementBound;
  boundMeasured: boolean;
  prompts: PromptCheck[];
  verdict: {
    ok: boolean;
    headline: string;
    details: string[];
    firstFailure?: { prompt: number; position: number; reason: string };
  };
  limits: string[];
}

export interface StoredCheck {
  id: string;
  modelId: string | null;
  modelPath: string;
  modelName: string;
  quantization: string;
  createdAt: number;
  ok: boolean;
  headline: string;
  result: ModelCheckResult;
}

// ── speed ───────────────────────────────────────────────────────────────────────────────────────

export interface MachineInfo {
  os: string;
  cpu: string;
  cores: number;
  memoryBytes: number;
  gpus: string[];
  /** llama.cpp release and node-llama-cpp version the numbers were measured with */
  backendBuild: string;
  label: string;
}

export type SpeedEngine = 'llama.cpp' | 'glassbox';

export interface SpeedConfig {
  engine: SpeedEngine;
  /** llama.cpp backend: cpu, metal, cuda, vulkan; 'cpu' for our engine */
  backend: 'cpu' | 'metal' | 'cuda' | 'vulkan';
  threads: number;
}

export interface SpeedResult extends SpeedConfig {
  label: string;
  /** per prompt length: prefill tokens/s and time to first token */
  prefill: { promptTokens: number; tokensPerSecond: number; timeToFirstTokenMs: number }[];
  decodeTokensPerSecond: number;
  /** resident memory the measurement added (model + context), MiB */
  memoryMiB: number;
  error?: string;
}

export interface SpeedRun {
  id: string;
  createdAt: number;
  modelName: string;
  quantization: string;
  machine: MachineInfo;
  results: SpeedResult[];
  /** brought in from another machine */
  imported: boolean;
}

export interface SpeedPlan {
  machine: MachineInfo;
  configs: SpeedConfig[];
}

// ── embeddings ──────────────────────────────────────────────────────────────────────────────────

export type Pooling = 'mean' | 'last';

export interface SimilarityResult {
  texts: string[];
  method: string;
  dims: number;
  /** cosine similarity, row-major [n, n] */
  matrix: number[];
  /** 2-D PCA projection of the vectors, one [x, y] per text */
  projection: [number, number][];
  /** fraction of variance the two components explain */
  explained: [number, number];
  /** how many vectors came from the stored cache */
  cached: number;
}

export interface NearDuplicates {
  datasetId: string;
  method: string;
  rows: number;
  /** pairs of rows at or above the threshold, most similar first */
  pairs: { a: { id: string; position: number; text: string }; b: { id: string; position: number; text: string }; similarity: number }[];
  cached: number;
}

export interface NearestTokens {
  token: { id: number; text: string };
  neighbours: { id: number; text: string; similarity: number }[];
}

const embeddingMethod = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('llama') }).strict(),
  z.object({ kind: z.literal('engine'), layer: z.number().int().min(-1).max(511), pooling: z.enum(['mean', 'last']) }).strict(),
]);
export type EmbeddingMethod = z.infer<typeof embeddingMethod>;

export const labMethods = {
  /** Our engine against llama.cpp on the active model; the job's result is a StoredCheck. */
  check: method(z.object({ prompts: z.array(z.string().min(1).max(2000)).min(1).max(8).optional() }).strict()).job<StoredCheck>(),
  /** The newest stored check of the active model (or of the model file at `path`). */
  latestCheck: method(z.object({ path: z.string().min(1).max(4096).optional() }).strict()).returns<StoredCheck | null>(),
  /** What a speed run would measure on this machine. */
  speedPlan: method(z.object({}).strict()).returns<SpeedPlan>(),
  /** Measures the active model; waits for a running chat reply first. The job's result is a SpeedRun. */
  speedRun: method(
    z
      .object({
        configs: z
          .array(
            z
              .object({
                engine: z.enum(['llama.cpp', 'glassbox']),
                backend: z.enum(['cpu', 'metal', 'cuda', 'vulkan']),
                threads: z.number().int().min(1).max(256),
              })
              .strict(),
          )
          .min(1)
          .max(32)
          .optional(),
        promptLengths: z.array(z.number().int().min(1).max(4096)).min(1).max(4).default([32, 128]),
        decodeTokens: z.number().int().min(2).max(256).default(16),
      })
      .strict(),
  ).job<SpeedRun>(),
  speedRuns: method(z.object({}).strict()).returns<SpeedRun[]>(),
  speedRemove: method(z.object({ id: z.string().min(1).max(100) }).strict()).returns<{ removed: boolean }>(),
  /** A run as a file another machine can import. */
  speedExport: method(z.object({ id: z.string().min(1).max(100) }).strict()).returns<{ fileName: string; json: string }>(),
  speedImport: method(z.object({ json: z.string().min(2).max(5_000_000) }).strict()).returns<SpeedRun>(),
  /** Cosine similarity between texts, and a 2-D PCA projection. */
  similarity: method(
    z.object({ texts: z.array(z.string().min(1).max(20_000)).min(2).max(64), method: embeddingMethod }).strict(),
  ).returns<SimilarityResult>(),
  /** Pairs of a dataset's rows whose embeddings are nearly the same (near-duplicates). */
  datasetDuplicates: method(
    z
      .object({
        datasetId: z.string().min(1).max(100),
        method: embeddingMethod,
        threshold: z.number().min(-1).max(1).default(0.95),
        limit: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
  ).returns<NearDuplicates>(),
  /** Nearest tokens of a token in the (tied) embedding matrix. */
  nearestTokens: method(
    z.object({ token: z.string().min(1).max(200), k: z.number().int().min(1).max(50).default(10) }).strict(),
  ).returns<NearestTokens>(),
} as const;

export const labEvents = {
  /** a check finished and was stored (the inspectors re-read the verdict) */
  checkStored: event<{ modelPath: string; ok: boolean }>(),
} as const;
