// The gradient inspector's numbers (and `glassbox grad`'s gradients): ONE forward that keeps the
// backward's captures, ONE backward, summarised as plain data (numbers and arrays only, safe to send
// over IPC/WebSocket) for charts and heat strips. Both the app's inspector and the command line call
// computeGradients / computeGradientsAsync on a loaded Gemma3Model.
// Legend: T tokens, D hidden, L layers, P loss positions.
import { backward, backwardAsync, forwardForLoss, forwardForLossAsync, type GradSink, type LossForward } from './backward.ts';
import { isSliding } from './config.ts';
import { checkLoss, lossWeights, nextTokenTargets, type LossTargets } from './loss.ts';
import type { Gemma3Model, LinearAdapter } from './model.ts';
import { EXPLAIN, geluSaturation, headEntropies, type GeluSaturation, type HeadEntropy } from './saturation.ts';
import type { TensorSpec } from './weights.ts';

export interface GradientRequest {
  tokens: number[];
  /** default: mean next-token cross-entropy over all positions */
  targets?: LossTargets;
}

export interface TensorGradStat {
  /** GGUF tensor name */
  name: string;
  /** block index, −1 for token_embd / output_norm */
  layer: number;
  numel: number;
  gradNorm: number;
  weightNorm: number;
  /** gradNorm / weightNorm: how big one SGD step at lr 1 would be relative to the weight */
  ratio: number;
}

export interface GradientReport {
  loss: number;
  tokens: number[];
  targets: { positions: number[]; targets: number[]; weights: number[] };
  /** every tensor, GGUF order */
  perTensor: TensorGradStat[];
  /** L2 norm over all of a block's tensors, index = layer */
  perLayer: number[];
  /**
   * ‖dL/d residual‖ after each block: index 0 = the scaled embeddings (inp_embd), index l + 1 =
   * l_out of block l. Falling toward the input = vanishing, growing = exploding.
   */
  residualNorm: number[];
  /** [L + 1][T] per-token norms of the same gradients (a layer × token heatmap) */
  residualNormPerToken: number[][];
  /** per prompt token: Σ_d x0·dL/dx0 (gradient × input at the scaled embedding) and ‖dL/dx0‖ */
  attribution: { position: number; token: number; gradXInput: number; gradNorm: number }[];
  saturation: {
    gelu: GeluSaturation[];
    heads: HeadEntropy[];
    explanations: typeof EXPLAIN;
  };
  /** milliseconds */
  timing: { forward: number; backward: number };
}

/** Every weight's gradient, one flat buffer in the engine's heap with a view per GGUF name. */
export interface GradientBuffers {
  flat: Float32Array;
  specs: readonly TensorSpec[];
  get(name: string): Float32Array;
}

export interface GradientOptions {
  /** weights to treat as frozen: no dW is computed for them (their entries stay 0) */
  freeze?: (name: string) => boolean;
  /**
   * Only the report (the Gradients tab): the embedding's gradient [V, D] is never formed, its norm
   * is computed from the head's output gradient and the input gradient instead (P²·V work instead
   * of P·V·D, no 4·V·D bytes to zero and read), and `grads` is null.
   */
  reportOnly?: boolean;
  signal?: AbortSignal;
  /** fraction done in [0, 1]: the forward's layers, then the backward's */
  onProgress?: (fraction: number) => void;
  /** LoRA adapters applied in the forward (and passed through in the backward): the gradients of the adapted model */
  adapters?: ReadonlyMap<string, LinearAdapter>;
}

export function norm(v: ArrayLike<number>, from = 0, to = v.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

// Heap allocations are permanent (a bump allocator), so the gradient buffer and the weight norms are
// made once per loaded model and reused by every later call.
const perModel = new WeakMap<Gemma3Model, { grads?: GradientBuffers; weightNorms: Map<string, number> }>();

function state(model: Gemma3Model) {
  let s = perModel.get(model);
  if (!s) perModel.set(model, (s = { weightNorms: new Map() }));
  return s;
}

/** The model's gradient buffer (made on first use, zeroed by every computeGradients call). */
export function gradientBuffers(model: Gemma3Model): GradientBuffers {
  const s = state(model);
  if (!s.grads) {
    const specs = model.weights.specs;
    const flat = model.matmul.allocFloats(specs.reduce((n, t) => n + t.rows * t.cols, 0));
    const views = new Map<string, Float32Array>();
    let off = 0;
    for (const t of specs) {
      const n = t.rows * t.cols;
      views.set(t.name, model.matmul.view(flat.byteOffset + off * 4, n));
      off += n;
    }
    s.grads = {
      flat,
      specs,
      get(name) {
        const v = views.get(name);
        if (!v) throw new RangeError(`no weight named ${name}`);
        return v;
      },
    };
  }
  return s.grads;
}

function weightNorm(model: Gemma3Model, spec: TensorSpec): number {
  const norms = state(model).weightNorms;
  let n = norms.get(spec.name);
  if (n === undefined) {
    n = spec.kind === 'vector' ? norm(model.weights.vector(spec.name)) : norm(model.matmul.floatMatrix(model.weights.matrix(spec.name)));
    norms.set(spec.name, n);
  }
  return n;
}

interface Prepared {
  loss: LossTargets;
  grads: GradientBuffers;
  reportOnly: boolean;
  frozen: (name: string) => boolean;
  sink: GradSink;
  /** reportOnly: ‖dL/d token_embd‖ from the parts of the tied gradient (filled by finish()) */
  embedding: TiedEmbeddingNorm | null;
  residualNorm: number[];
  residualNormPerToken: number[][];
  onResidualGrad: (layer: number, g: Float32Array) => void;
}

function prepare(model: Gemma3Model, req: GradientRequest, opts: GradientOptions): Prepared {
  const cfg = model.config;
  const { tokens } = req;
  const loss = req.targets ?? nextTokenTargets(tokens);
  checkLoss(loss, tokens.length, cfg.vocab);
  const T = tokens.length,
    D = cfg.hidden;
  const grads = gradientBuffers(model);
  const reportOnly = opts.reportOnly ?? false;
  const frozen = (n: string) => opts.freeze?.(n) ?? false;
  const embedding = reportOnly && !frozen('token_embd.weight') ? new TiedEmbeddingNorm(model, tokens) : null;
  // Report only: each tensor's part of the buffer is zeroed when the backward first asks for it.
  const zeroed = new Set<string>();
  if (!reportOnly) grads.flat.fill(0);
  const residualNorm: number[] = new Array(cfg.layers + 1).fill(0);
  const residualNormPerToken: number[][] = Array.from({ length: cfg.layers + 1 }, () => new Array(T).fill(0));
  return {
    loss,
    grads,
    reportOnly,
    frozen,
    embedding,
    residualNorm,
    residualNormPerToken,
    sink: (n) => {
      if (frozen(n) || (reportOnly && n === 'token_embd.weight')) return null;
      const v = grads.get(n);
      if (reportOnly && !zeroed.has(n)) {
        v.fill(0);
        zeroed.add(n);
      }
      return v;
    },
    onResidualGrad: (layer, g) => {
      residualNorm[layer + 1] = norm(g, 0, T * D);
      for (let t = 0; t < T; t++) residualNormPerToken[layer + 1][t] = norm(g, t * D, (t + 1) * D);
    },
  };
}

/** One forward + backward, every weight's gradient (in the model's reused buffer) and the report. */
export function computeGradients(
  model: Gemma3Model,
  req: GradientRequest,
  opts?: GradientOptions & { reportOnly?: false },
): { report: GradientReport; grads: GradientBuffers };
export function computeGradients(
  model: Gemma3Model,
  req: GradientRequest,
  opts: GradientOptions,
): { report: GradientReport; grads: GradientBuffers | null };
export function computeGradients(
  model: Gemma3Model,
  req: GradientRequest,
  opts: GradientOptions = {},
): { report: GradientReport; grads: GradientBuffers | null } {
  const run = prepare(model, req, opts);
  const t0 = performance.now();
  const fwd = forwardForLoss(model, req.tokens, run.loss, { adapters: opts.adapters });
  const t1 = performance.now();
  const dx0 = backward(model, fwd, run.sink, {
    onResidualGrad: run.onResidualGrad,
    onLogitGrad: run.embedding?.onLogitGrad(fwd),
    adapters: opts.adapters,
  });
  return summarise(model, run, fwd, dx0, t1 - t0, performance.now() - t1);
}

/**
 * computeGradients for a job: cancellable through `signal` between layers, reporting progress per
 * layer (forward layers, then backward layers) as a fraction in [0, 1].
 */
export async function computeGradientsAsync(
  model: Gemma3Model,
  req: GradientRequest,
  opts?: GradientOptions & { reportOnly?: false },
): Promise<{ report: GradientReport; grads: GradientBuffers }>;
export async function computeGradientsAsync(
  model: Gemma3Model,
  req: GradientRequest,
  opts: GradientOptions,
): Promise<{ report: GradientReport; grads: GradientBuffers | null }>;
export async function computeGradientsAsync(
  model: Gemma3Model,
  req: GradientRequest,
  opts: GradientOptions = {},
): Promise<{ report: GradientReport; grads: GradientBuffers | null }> {
  opts.signal?.throwIfAborted();
  const run = prepare(model, req, opts);
  const L = model.config.layers;
  const steps = 2 * L + 1;
  let done = 0;
  const step = () => opts.onProgress?.(Math.min(1, ++done / steps));
  const t0 = performance.now();
  const fwd = await forwardForLossAsync(model, req.tokens, run.loss, { signal: opts.signal, onLayer: step, adapters: opts.adapters });
  const t1 = performance.now();
  const dx0 = await backwardAsync(model, fwd, run.sink, {
    onResidualGrad: run.onResidualGrad,
    onLogitGrad: run.embedding?.onLogitGrad(fwd),
    signal: opts.signal,
    onLayer: step,
    adapters: opts.adapters,
  });
  const t2 = performance.now();
  const out = summarise(model, run, fwd, dx0, t1 - t0, t2 - t1);
  opts.onProgress?.(1);
  return out;
}

function summarise(
  model: Gemma3Model,
  run: Prepared,
  fwd: LossForward,
  dx0: Float32Array,
  forwardMs: number,
  backwardMs: number,
): { report: GradientReport; grads: GradientBuffers | null } {
  const cfg = model.config;
  const { grads, loss } = run;
  const tokens = fwd.tokens;
  const T = tokens.length,
    D = cfg.hidden;
  const embeddingNorm = run.embedding?.finish(dx0);
  const perTensor: TensorGradStat[] = grads.specs.map((spec) => {
    const gradNorm =
      spec.name === 'token_embd.weight' && embeddingNorm !== undefined
        ? embeddingNorm
        : run.frozen(spec.name)
          ? 0
          : norm(grads.get(spec.name));
    const wn = weightNorm(model, spec);
    return {
      name: spec.name,
      layer: spec.layer,
      numel: spec.rows * spec.cols,
      gradNorm,
      weightNorm: wn,
      ratio: wn > 0 ? gradNorm / wn : 0,
    };
  });
  const perLayer = new Array(cfg.layers).fill(0);
  for (const t of perTensor) if (t.layer >= 0) perLayer[t.layer] += t.gradNorm ** 2;
  for (let l = 0; l < cfg.layers; l++) perLayer[l] = Math.sqrt(perLayer[l]);

  const x0 = fwd.activations['inp_embd'].data;
  const attribution = tokens.map((token, t) => {
    let gx = 0;
    for (let d = 0; d < D; d++) gx += x0[t * D + d] * dx0[t * D + d];
    return { position: t, token, gradXInput: gx, gradNorm: norm(dx0, t * D, (t + 1) * D) };
  });

  const gelu: GeluSaturation[] = [];
  const heads: HeadEntropy[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    gelu.push(geluSaturation(l, fwd.activations[`ffn_gate.${l}`].data, T, cfg.ffn));
    heads.push(...headEntropies(l, fwd.activations[`kq_soft_max.${l}`].data, T, cfg.heads, isSliding(cfg, l) ? cfg.window : 0));
  }

  return {
    grads: run.reportOnly ? null : grads,
    report: {
      loss: fwd.value,
      tokens: [...tokens],
      targets: { positions: [...loss.positions], targets: [...loss.targets], weights: lossWeights(loss) },
      perTensor,
      perLayer,
      residualNorm: run.residualNorm,
      residualNormPerToken: run.residualNormPerToken,
      attribution,
      saturation: { gelu, heads, explanations: EXPLAIN },
      timing: { forward: forwardMs, backward: backwardMs },
    },
  };
}

/**
 * ‖dL/dE‖ for the tied embedding E [V, D] without forming it. The gradient has two parts: the head's
 * Hd = dzᵀ·R (dz [P, V] the head output's gradient, R [P, D] result_norm) and the input's S, the
 * rows of s·dx0 [T, D] scatter-added at the prompt's tokens. ‖Hd + S‖² = ‖Hd‖² + 2⟨Hd, S⟩ + ‖S‖², with
 * ‖Hd‖² = Σ_pq (dz·dzᵀ)_pq (R·Rᵀ)_pq (a [P, P] product on the pool) and ⟨Hd, S⟩ over the token rows only.
 * An untied head (output.weight) has no Hd part here.
 */
class TiedEmbeddingNorm {
  private headSq = 0;
  private tokenRows = new Map<number, Float64Array>(); // v → Hd[v, :]

  constructor(
    private readonly model: Gemma3Model,
    private readonly tokens: number[],
  ) {}

  onLogitGrad(fwd: LossForward): ((dz: Float32Array) => void) | undefined {
    if (this.model.weights.headName !== 'token_embd.weight') return undefined;
    return (dz) => {
      const { vocab: V, hidden: D } = this.model.config;
      const P = fwd.loss.positions.length;
      const R = fwd.activations['result_norm'].data;
      const G = this.model.matmul.gemm(dz, P, dz, P, V); // [P, P]
      for (let p = 0; p < P; p++) {
        for (let q = 0; q < P; q++) {
          let h = 0;
          for (let d = 0; d < D; d++) h += R[p * D + d] * R[q * D + d];
          this.headSq += G[p * P + q] * h;
        }
      }
      for (const v of new Set(this.tokens)) {
        const row = new Float64Array(D);
        for (let p = 0; p < P; p++) {
          const g = dz[p * V + v];
          for (let d = 0; d < D; d++) row[d] += g * R[p * D + d];
        }
        this.tokenRows.set(v, row);
      }
    };
  }

  finish(dx0: Float32Array): number {
    const D = this.model.config.hidden;
    const scale = Math.fround(Math.sqrt(D));
    const S = new Map<number, Float64Array>();
    this.tokens.forEach((v, t) => {
      let row = S.get(v);
      if (!row) S.set(v, (row = new Float64Array(D)));
      for (let d = 0; d < D; d++) row[d] += scale * dx0[t * D + d];
    });
    let total = this.headSq;
    for (const [v, row] of S) {
      const hd = this.tokenRows.get(v);
      for (let d = 0; d < D; d++) total += 2 * (hd ? hd[d] * row[d] : 0) + row[d] * row[d];
    }
    return Math.sqrt(Math.max(0, total));
  }
}
