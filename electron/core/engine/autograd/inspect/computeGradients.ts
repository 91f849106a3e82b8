// The gradient inspector's engine side: one forward + backward, summarised as plain data
// (numbers and arrays only, safe to send over IPC/WebSocket) for charts and heat strips.
// Legend: T tokens, D hidden, L layers, P loss positions.
import type { Vec } from '../types.ts';
import { modelBackward, modelBackwardAsync, type GradSink } from '../model/backward.ts';
import { lossWeights, nextTokenTargets, type ForwardCache, type LossTargets } from '../model/cache.ts';
import { checkLoss, referenceForward } from '../model/forward.ts';
import type { LinearKernels } from '../model/kernels.ts';
import { allocFlat, type FlatParams, type WeightSource } from '../model/params.ts';
import { isSliding, type Gemma3Shape } from '../model/shape.ts';
import { EXPLAIN, geluSaturation, headEntropies, type GeluSaturation, type HeadEntropy } from './saturation.ts';

/** What the inspector needs from a model: its shape, f32 weights by GGUF name, and a forward that keeps the backward's cache. */
export interface GradientModel {
  shape: Gemma3Shape;
  weight: WeightSource;
  forward(tokens: number[], loss: LossTargets): { loss: number; cache: ForwardCache };
  /** cancellable forward (yields between layers); computeGradientsAsync falls back to forward */
  forwardAsync?(tokens: number[], loss: LossTargets, signal?: AbortSignal): Promise<{ loss: number; cache: ForwardCache }>;
  kernels?: LinearKernels;
  /** ‖W‖ by GGUF name, if the model can cache it (weights do not change between calls) */
  weightNorm?(name: string): number;
  /** where gradients should live (e.g. in the engine's heap, reused across calls); default a fresh flat buffer */
  allocGrads?(): FlatParams;
}

/** A GradientModel over the autograd's own reference forward (float32). */
export function referenceGradientModel(shape: Gemma3Shape, weight: WeightSource, kernels?: LinearKernels): GradientModel {
  return {
    shape, weight, kernels,
    forward: (tokens, loss) => referenceForward(shape, weight, tokens, loss, { precision: 'f32', kernels }),
  };
}

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
   * ‖dL/d residual‖ after each block: index 0 = the scaled embeddings (inp_scaled), index l + 1 =
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

export function norm(v: ArrayLike<number>, from = 0, to = v.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

export function computeGradients(
  model: GradientModel, req: GradientRequest, opts: GradientOptions = {},
): { report: GradientReport; grads: FlatParams } {
  const run = prepare(model, req, opts);
  const t0 = performance.now();
  const fwd = model.forward(req.tokens, run.loss);
  const t1 = performance.now();
  const dx0 = modelBackward(model.shape, model.weight, fwd.cache, run.sink, { kernels: model.kernels, onResidualGrad: run.onResidualGrad });
  return summarise(model, req, run, fwd, dx0, t1 - t0, performance.now() - t1);
}

/**
 * computeGradients for a job: cancellable through `signal` between layers, reporting progress as a
 * fraction in [0, 1] (forward = first half when the model has forwardAsync, backward = the rest).
 */
export async function computeGradientsAsync(
  model: GradientModel, req: GradientRequest,
  opts: GradientOptions & { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<{ report: GradientReport; grads: FlatParams }> {
  const run = prepare(model, req, opts);
  const L = model.shape.L;
  opts.signal?.throwIfAborted();
  const t0 = performance.now();
  const fwd = model.forwardAsync ? await model.forwardAsync(req.tokens, run.loss, opts.signal) : model.forward(req.tokens, run.loss);
  opts.onProgress?.(0.4);
  const t1 = performance.now();
  const dx0 = await modelBackwardAsync(model.shape, model.weight, fwd.cache, run.sink, {
    kernels: model.kernels, onResidualGrad: run.onResidualGrad, signal: opts.signal,
    onLayer: (l) => opts.onProgress?.(0.4 + (0.55 * (L - l)) / L),
  });
  const t2 = performance.now();
  const out = summarise(model, req, run, fwd, dx0, t1 - t0, t2 - t1);
  opts.onProgress?.(1);
  return out;
}

export interface GradientOptions {
  /** accumulate here instead of model.allocGrads() / a fresh buffer (zeroed first either way) */
  grads?: FlatParams;
  /** tensors to treat as frozen: no dW is computed for them (e.g. everything but LoRA targets) */
  freeze?: (name: string) => boolean;
}

interface Prepared {
  loss: LossTargets;
  grads: FlatParams;
  sink: GradSink;
  residualNorm: number[];
  residualNormPerToken: number[][];
  onResidualGrad: (layer: number, g: Vec) => void;
}

function prepare(model: GradientModel, req: GradientRequest, opts: GradientOptions): Prepared {
  const s = model.shape;
  const { tokens } = req;
  const loss = req.targets ?? nextTokenTargets(tokens);
  checkLoss(loss, tokens.length, s.V);
  const T = tokens.length, D = s.D;
  const grads = opts.grads ?? model.allocGrads?.() ?? allocFlat(s, 'f32');
  grads.flat.fill(0);
  const residualNorm: number[] = new Array(s.L + 1).fill(0);
  const residualNormPerToken: number[][] = Array.from({ length: s.L + 1 }, () => new Array(T).fill(0));
  return {
    loss, grads, residualNorm, residualNormPerToken,
    sink: (n) => (opts.freeze?.(n) ? null : grads.get(n)),
    onResidualGrad: (layer: number, g: Vec) => {
      residualNorm[layer + 1] = norm(g, 0, T * D);
      for (let t = 0; t < T; t++) residualNormPerToken[layer + 1][t] = norm(g, t * D, (t + 1) * D);
    },
  };
}

function summarise(
  model: GradientModel, req: GradientRequest, run: Prepared, fwd: { loss: number; cache: ForwardCache }, dx0: Vec,
  forwardMs: number, backwardMs: number,
): { report: GradientReport; grads: FlatParams } {
  const s = model.shape;
  const { tokens } = req;
  const { grads, loss } = run;
  const T = tokens.length, D = s.D;
  const perTensor: TensorGradStat[] = grads.specs.map((spec) => {
    const gradNorm = norm(grads.get(spec.name));
    const weightNorm = model.weightNorm ? model.weightNorm(spec.name) : norm(model.weight(spec.name));
    return { name: spec.name, layer: spec.layer, numel: spec.rows * spec.cols, gradNorm, weightNorm, ratio: weightNorm > 0 ? gradNorm / weightNorm : 0 };
  });
  const perLayer = new Array(s.L).fill(0);
  for (const t of perTensor) if (t.layer >= 0) perLayer[t.layer] += t.gradNorm ** 2;
  for (let l = 0; l < s.L; l++) perLayer[l] = Math.sqrt(perLayer[l]);

  const x0 = fwd.cache.x0;
  const attribution = tokens.map((token, t) => {
    let gx = 0;
    for (let d = 0; d < D; d++) gx += x0[t * D + d] * dx0[t * D + d];
    return { position: t, token, gradXInput: gx, gradNorm: norm(dx0, t * D, (t + 1) * D) };
  });

  const gelu: GeluSaturation[] = [];
  const heads: HeadEntropy[] = [];
  fwd.cache.layers.forEach((c, l) => {
    gelu.push(geluSaturation(l, c.gate, T, s.F));
    heads.push(...headEntropies(l, c.probs, T, s.H, isSliding(s, l) ? s.window : 0));
  });

  return {
    grads,
    report: {
      loss: fwd.loss,
      tokens: [...tokens],
      targets: { positions: [...loss.positions], targets: [...loss.targets], weights: lossWeights(loss) },
      perTensor, perLayer, residualNorm: run.residualNorm, residualNormPerToken: run.residualNormPerToken, attribution,
      saturation: { gelu, heads, explanations: EXPLAIN },
      timing: { forward: forwardMs, backward: backwardMs },
    },
  };
}
