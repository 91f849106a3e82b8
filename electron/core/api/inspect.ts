// inspect.*: the activation and gradient inspectors over our own Gemma 3 engine. Heavy work (a forward
// with captures, an intervention rerun, a backward) runs as a job in the engine worker: the method
// returns `{ jobId }` at once (a JobId typed with the result below), `jobs.update` carries progress,
// and the finished snapshot's `result` holds that result. Lazy views of a run (one attention map, the
// logit lens at one position) are plain methods: the run's activations stay in the engine worker,
// keyed by runId. Activation and gradient runs are stored in SQLite (`runs`, `getRun`) and reopen
// after a restart; a lazy view of a reopened run reruns its prompt in the engine when needed.
import { z } from 'zod';
import { event, method } from './define.ts';

/** What a token is in the vocabulary (llama.cpp's token type): control tokens are marked in the UI. */
export type TokenKind = 'normal' | 'byte' | 'control' | 'user-defined' | 'unknown' | 'unused';

/** One token of a prompt as the UI shows it (a chip). */
export interface TokenInfo {
  id: number;
  /**
   * the token as the model sees it: the piece with spaces as ▁ (`▁the`), a byte-fallback token as its
   * byte (`\n`, `\xE6`), other invisible characters escaped, a control token by its name (`<bos>`)
   */
  text: string;
  /** absent in runs stored before it was recorded */
  kind?: TokenKind;
}

export interface ModelSummary {
  path: string;
  /** L, H, Hkv, D, F, V, W as the GGUF says */
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  hidden: number;
  ffn: number;
  vocab: number;
  window: number;
  contextLength: number;
  /** per layer: true when it attends only within the sliding window */
  sliding: boolean[];
}

/** Statistics of one [T, D] tensor (the residual stream after a block). */
export interface TensorStats {
  mean: number;
  std: number;
  maxAbs: number;
  /** fraction of values with |x| > 65504, the largest finite fp16: they would overflow in half precision */
  fp16Overflow: number;
  count: number;
}

export interface LayerStats extends TensorStats {
  /** −1 = the scaled embeddings (inp_embd), else the block whose output (l_out) this is */
  layer: number;
}

export interface TopToken {
  id: number;
  /** as TokenInfo.text */
  text: string;
  kind?: TokenKind;
  prob: number;
  logit: number;
}

/** The logit lens at one position: what each layer's residual stream would predict next. */
export interface LensAt {
  position: number;
  /** index 0 = embeddings (layer −1), then one row per block; the last row is the model's own prediction */
  layers: { layer: number; top: TopToken[]; entropy: number }[];
}

export interface Histogram {
  /** bin edges, bins + 1 of them */
  edges: number[];
  counts: number[];
  /** values below the first / above the last edge */
  under: number;
  over: number;
}

/** MLP activations of one block: histograms and where GELU is saturated. */
export interface MlpLayerSummary {
  layer: number;
  /** ffn_gate pre-activations (the GELU's input) */
  gate: Histogram;
  /** ffn_gelu outputs */
  gelu: Histogram;
  /** fraction of (token, unit) pairs with pre-activation below −3: GELU's flat tail, slope < 0.012 */
  flatFraction: number;
  /** fraction above +3: GELU is linear there (not saturated) */
  linearFraction: number;
  /** units flat at every token */
  deadUnits: number;
  /** the units with the largest mean |gelu(gate)·up| (candidates to ablate) */
  topUnits: { unit: number; meanAbs: number }[];
}

export interface HeadSummary {
  layer: number;
  head: number;
  /** mean attention entropy in nats over queries that see ≥ 2 keys */
  entropy: number;
  /** entropy / log(visible keys): 1 uniform, 0 one-hot */
  normalizedEntropy: number;
}

/** A LoRA adapter a run was computed with: y += scale·(alpha/rank)·B(A·x) on each adapted projection, as llama.cpp applies it. */
export interface AppliedAdapter {
  path: string;
  /** the adapter file's name (without .gguf) */
  name: string;
  /** the user's scale (llama.cpp's lora scale); 1 = as trained */
  scale: number;
  rank: number;
  alpha: number;
}

/** The result of inspect.run: every view of one prompt, small enough to send whole. */
export interface InspectRun {
  runId: string;
  prompt: string;
  model: ModelSummary;
  /** the LoRA adapter applied to every view of this run; absent or null = the base model */
  adapter?: AppliedAdapter | null;
  tokens: TokenInfo[];
  /** [L + 1][T]: ‖x_t‖ of the residual stream; row 0 = embeddings, row l + 1 = after block l */
  residualNorms: number[][];
  /** L + 1 rows, same order */
  layerStats: LayerStats[];
  mlp: MlpLayerSummary[];
  heads: HeadSummary[];
  /** the model's next-token distribution after the last token */
  next: TopToken[];
  /** logit lens at these positions (always the last; every position when the vocabulary is small) */
  lens: LensAt[];
  timing: { forwardMs: number; summariesMs: number; lensMs: number; totalMs: number };
}

/** One attention map: probs[q · keys + k], exactly 0 outside the causal (and sliding) window. */
export interface AttentionMap {
  runId: string;
  layer: number;
  head: number;
  queries: number;
  keys: number;
  sliding: boolean;
  window: number;
  data: Float32Array;
}

export type Intervention =
  | { kind: 'head'; layer: number; head: number; scale: number }
  | { kind: 'mlp'; layer: number; unit: number; scale: number }
  | { kind: 'steer'; layer: number; promptA: string; promptB: string; scale: number; from: 'mean' | 'last' };

export interface TokenChange {
  id: number;
  text: string;
  before: number;
  after: number;
  delta: number;
}

export interface InterventionResult {
  runId: string;
  position: number;
  interventions: Intervention[];
  before: TopToken[];
  after: TopToken[];
  /** every token in either top-k, by |delta| */
  changes: TokenChange[];
  /** KL(before ‖ after) in nats over the whole vocabulary */
  kl: number;
  /** ‖steering vector‖ for each steer intervention, in order */
  steeringNorms: number[];
  timing: { totalMs: number };
}

export interface CompareResult {
  a: InspectRun;
  b: InspectRun;
  /** per layer (row 0 = embeddings): cosine similarity of the last token's residual and of the mean residual */
  similarity: { layer: number; cosineLast: number; cosineMean: number }[];
}

export interface TensorGradient {
  name: string;
  layer: number;
  numel: number;
  gradNorm: number;
  weightNorm: number;
  ratio: number;
}

export interface GradientResult {
  /** the stored run's id (inspect.getRun) */
  runId: string;
  model: ModelSummary;
  /** the LoRA adapter the gradients were taken through; absent or null = the base model */
  adapter?: AppliedAdapter | null;
  prompt: string;
  target: string;
  tokens: TokenInfo[];
  /** how many of `tokens` are the prompt (the rest is the target) */
  promptLength: number;
  loss: number;
  /** positions whose next token carries the loss, and those tokens */
  lossPositions: number[];
  lossTargets: number[];
  perTensor: TensorGradient[];
  /** L2 norm of each block's gradient, index = layer */
  perLayer: number[];
  /** ‖dL/dx‖ of the residual stream: index 0 = embeddings, l + 1 = after block l */
  residualNorm: number[];
  /** per token: Σ_d x·dL/dx at the scaled embedding, and ‖dL/dx‖ there */
  attribution: { position: number; token: number; gradXInput: number; gradNorm: number }[];
  gelu: { layer: number; flatFraction: number; linearFraction: number; deadUnits: number[]; flagged: boolean }[];
  heads: { layer: number; head: number; meanEntropy: number; normalizedEntropy: number; flagged: boolean }[];
  explanations: { geluFlat: string; lowEntropyHead: string };
  timing: { forwardMs: number; backwardMs: number; totalMs: number };
}

/** What the engine worker computes for inspect.gradients; the core stores it and adds the runId. */
export type GradientReportData = Omit<GradientResult, 'runId'>;

export type StoredRunKind = 'activations' | 'gradients';

/** One row of the "Recent runs" list. */
export interface RunListItem {
  runId: string;
  kind: StoredRunKind;
  prompt: string;
  /** the gradient run's target ('' for activations or a next-token loss) */
  target: string;
  modelPath: string;
  tokenCount: number;
  createdAt: number;
  /** one line: the top next token for activations, the loss for gradients */
  headline: string;
}

/** A stored run as it reopens: the same result the job gave when it finished. */
export type StoredRun = { kind: 'activations'; run: InspectRun } | { kind: 'gradients'; run: GradientResult };

export interface ModelChoice {
  path: string;
  name: string;
  sizeBytes: number;
}

const modelPath = z.string().trim().min(1, 'choose a model file (.gguf)').max(4096);
const prompt = z.string().min(1, 'the prompt is empty').max(200_000);
const topK = z.number().int().min(1).max(50).default(10);
const runId = z.string().min(1).max(100);
const layer = z.number().int().min(0).max(1000);
const scale = z.number().min(-1000).max(1000);
/** A LoRA adapter (GGUF file or PEFT folder, as finetune.adapters lists them) and its scale. */
export const adapterChoice = z
  .object({ path: z.string().trim().min(1, 'choose an adapter').max(4096), scale: z.number().min(-100).max(100).default(1) })
  .strict();
export type AdapterChoice = z.infer<typeof adapterChoice>;

export const interventionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('head'), layer, head: z.number().int().min(0).max(1000), scale }).strict(),
  z.object({ kind: z.literal('mlp'), layer, unit: z.number().int().min(0).max(1_000_000), scale }).strict(),
  z
    .object({
      kind: z.literal('steer'),
      layer,
      promptA: prompt,
      promptB: prompt,
      scale,
      from: z.enum(['mean', 'last']).default('mean'),
    })
    .strict(),
]);

export const MAX_INSPECT_TOKENS = 2048;

export const inspectMethods = {
  /** GGUF files in the app's models folder (the user may also type any path). */
  models: method(z.object({}).strict()).returns<ModelChoice[]>(),
  /** Forward pass with every view captured, stored as a run. */
  run: method(
    z.object({ modelPath, prompt, topK, addBos: z.boolean().default(true), adapter: adapterChoice.optional() }).strict(),
  ).job<InspectRun>(),
  /** One head's attention pattern of a finished run. */
  attention: method(z.object({ runId, layer, head: z.number().int().min(0).max(1000) }).strict()).returns<AttentionMap>(),
  /** The logit lens of a finished run at one position (computed on demand for large vocabularies). */
  lens: method(z.object({ runId, position: z.number().int().min(0), topK }).strict()).returns<LensAt>(),
  /** The logit lens at every position of a run, as a job (seconds per position on a 262k vocabulary). */
  lensAll: method(z.object({ runId, topK }).strict()).job<LensAt[]>(),
  /** Reruns the run's prompt with the interventions applied. */
  intervene: method(
    z
      .object({ runId, interventions: z.array(interventionSchema).min(1).max(32), position: z.number().int().min(0).optional(), topK })
      .strict(),
  ).job<InterventionResult>(),
  /** Two prompts through the same model. */
  compare: method(
    z
      .object({ modelPath, promptA: prompt, promptB: prompt, topK, addBos: z.boolean().default(true), adapter: adapterChoice.optional() })
      .strict(),
  ).job<CompareResult>(),
  /** Loss on the target (or on every next token of the prompt when target is empty), backward, gradient report; stored as a run. Cancellable between layers. */
  gradients: method(
    z
      .object({
        modelPath,
        prompt,
        target: z.string().max(20_000).default(''),
        addBos: z.boolean().default(true),
        adapter: adapterChoice.optional(),
      })
      .strict(),
  ).job<GradientResult>(),
  /** Stored runs, newest first. */
  runs: method(z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict()).returns<RunListItem[]>(),
  /** A stored run, as its job returned it (after a restart too). */
  getRun: method(z.object({ runId }).strict()).returns<StoredRun>(),
  deleteRun: method(z.object({ runId }).strict()).returns<{ deleted: boolean }>(),
};

export const inspectEvents = {
  /** A run finished (any client): lets a second window follow along. */
  runFinished: event<{ runId: string; prompt: string; jobId: string }>(),
  /** The stored runs changed (a run was added or deleted): the "Recent runs" list reloads. */
  runsChanged: event<{ runId: string; change: 'added' | 'deleted' }>(),
};
