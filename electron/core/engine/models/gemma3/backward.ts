// Gemma 3 backward: model.ts's forward read bottom to top, each op's backward ADDING into the
// gradients. It differentiates exactly the function the forward computes: it reads the forward's
// own captured activations (by their hook names), rotates by the same RoPE tables (ropeTables) and
// multiplies by the same weights (Q8_0 through their dequantized copy).
// Legend: T tokens, D hidden, H heads, Hkv kv-heads, Dh head dim, F ffn, V vocab, P loss positions.
//
//   const fwd = forwardForLoss(model, tokens, loss);            // one forward with the captures below
//   const dx0 = backward(model, fwd, (name) => grads.get(name)); // every weight's dL/dW (null = frozen)
//
// Frozen weights: the sink returns null and no dW is computed for them (dX still flows through).
// Adapters (LoRA): the same map given to the forward; each adapter's backward receives its layer's
// input X and dL/dY and adds its part of dL/dX (README: "LoRA hooks").
import type { HeapArena } from '../../tensor/matmul.ts';
import { packedAttentionBackward } from '../../tensor/ops/attention.ts';
import { crossEntropyBackward, crossEntropyBackwardTransposed, crossEntropyForward } from '../../tensor/ops/cross-entropy.ts';
import { embeddingBackward } from '../../tensor/ops/embedding.ts';
import { rmsNormBackward } from '../../tensor/ops/rmsnorm.ts';
import { ropeBackward, ropeTables } from '../../tensor/ops/rope.ts';
import { isSliding } from './config.ts';
import { activationKey, type Activation, type ActivationName } from './hooks.ts';
import { checkLoss, lossWeights, type LossTargets } from './loss.ts';
import { sequencePositions, type Gemma3Model, type LinearAdapter } from './model.ts';
import { runSteps, runStepsAsync } from './steps.ts';
import { blockWeight } from './weights.ts';

/** Where a weight's gradient accumulates (by GGUF name); null = frozen, no dW is computed. */
export type GradSink = (name: string) => Float32Array | null;

/** Activations the backward reads, captured by the forward under these hook names. */
export const BACKWARD_CAPTURES: readonly ActivationName[] = [
  'inp_embd',
  'attn_norm',
  'Qcur',
  'Kcur',
  'Vcur',
  'Qcur_rope',
  'Kcur_rope',
  'kq_soft_max',
  'kqv_out',
  'attn_out',
  'sa_out',
  'ffn_norm',
  'ffn_gate',
  'ffn_up',
  'ffn_gate_par',
  'ffn_out',
  'l_out',
  'result_norm',
];

/** A forward kept for the backward: the loss, the captured activations, the head's raw output. */
export interface LossForward {
  tokens: number[];
  loss: LossTargets;
  /** the loss value (weighted next-token cross-entropy) */
  value: number;
  /** captured activations keyed `name.layer` / `name` (hooks.ts) */
  activations: Record<string, Activation>;
  /** [P, V] head outputs before any soft-cap, at the loss positions */
  logits: Float32Array;
  /** [P] log-sum-exp of each loss row (the backward then needs one exp per logit) */
  lse: Float64Array;
  /** the packed sequences' lengths (ForwardOptions.segments; one sequence: [T]) */
  segments: number[];
}

export interface LossForwardOptions {
  adapters?: ReadonlyMap<string, LinearAdapter>;
  /** forwardForLossAsync: cancels between layers */
  signal?: AbortSignal;
  /** forwardForLossAsync: called after each block */
  onLayer?: (layer: number) => void;
  /** the forward's logitsOut: [P, V] written here (P = loss positions); valid until the caller reuses it */
  logitsOut?: Float32Array;
  /** sequences packed one after another (ForwardOptions.segments); loss positions index the packed rows */
  segments?: readonly number[];
  /** the forward's arena (ForwardOptions.arena) */
  arena?: HeapArena;
}

/** The model's forward over `tokens` with the captures the backward needs and logits only where the loss is. */
export function forwardForLoss(model: Gemma3Model, tokens: number[], loss: LossTargets, opts: LossForwardOptions = {}): LossForward {
  checkLoss(loss, tokens.length, model.config.vocab);
  const r = model.forward(tokens, {
    capture: { names: BACKWARD_CAPTURES },
    logitPositions: loss.positions,
    adapters: opts.adapters,
    logitsOut: opts.logitsOut,
    segments: opts.segments,
    arena: opts.arena,
  });
  return finishLoss(model, tokens, loss, r.activations, r.logits, opts.segments);
}

/** forwardForLoss yielding between layers, so `signal` cancels it. */
export async function forwardForLossAsync(
  model: Gemma3Model,
  tokens: number[],
  loss: LossTargets,
  opts: LossForwardOptions = {},
): Promise<LossForward> {
  checkLoss(loss, tokens.length, model.config.vocab);
  const r = await model.forwardAsync(tokens, {
    capture: { names: BACKWARD_CAPTURES },
    logitPositions: loss.positions,
    adapters: opts.adapters,
    signal: opts.signal,
    onLayer: opts.onLayer,
    logitsOut: opts.logitsOut,
    segments: opts.segments,
    arena: opts.arena,
  });
  return finishLoss(model, tokens, loss, r.activations, r.logits, opts.segments);
}

function finishLoss(
  model: Gemma3Model,
  tokens: number[],
  loss: LossTargets,
  activations: Record<string, Activation>,
  output: Float32Array,
  segments: readonly number[] = [tokens.length],
): LossForward {
  const { vocab: V, finalLogitSoftcap: cap } = model.config;
  const P = loss.positions.length;
  // the forward's logits (not copied into a capture) are already soft-capped; the loss wants the raw head output
  const logits = cap > 0 ? model.head(activations['result_norm'].data, P) : output;
  const lse = new Float64Array(P);
  let value: number;
  if (cap === 0 && V % 4 === 0) {
    // the log-sum-exp over V columns on the pool's SIMD exp (a scalar exp per logit was ~10% of a training step)
    model.matmul.logSumExpRows(logits, P, V, lse);
    const weights = lossWeights(loss);
    value = 0;
    for (let p = 0; p < P; p++) value += weights[p] * (lse[p] - logits[p * V + loss.targets[p]]);
  } else value = crossEntropyForward(logits, loss.targets, lossWeights(loss), P, V, cap, lse);
  return { tokens, loss, value, activations, logits, lse, segments: [...segments] };
}

export interface BackwardOptions {
  /** the adapters the forward ran with (their backward gets X and dL/dY of their layer) */
  adapters?: ReadonlyMap<string, LinearAdapter>;
  /**
   * Called with dL/d(residual stream) as the gradient passes each point: layer l = dL/d(l_out of
   * block l) [T, D], layer −1 = dL/d(inp_embd). The array is reused afterwards: copy what you keep.
   */
  onResidualGrad?: (layer: number, grad: Float32Array) => void;
  /** Called with dL/d(head output) [P, V] (after the soft-cap's chain rule) before it is used. */
  onLogitGrad?: (dz: Float32Array) => void;
  /**
   * false: the caller does not read the returned dL/d(inp_embd) (LoRA training), so unless the
   * embedding, block 0's attn_norm or onResidualGrad needs it, it is not computed and the backward
   * returns an empty array. Default true.
   */
  inputGrad?: boolean;
  /** take the backward's gradient arrays from this arena (ForwardOptions.arena): products run in place */
  arena?: HeapArena;
}

/** Adds every unfrozen weight's gradient into its sink; returns dL/d(inp_embd) [T, D]. */
export function backward(model: Gemma3Model, fwd: LossForward, grads: GradSink, opts: BackwardOptions = {}): Float32Array {
  return runSteps(backwardSteps(model, fwd, grads, opts));
}

/** backward yielding to the event loop after each block so `signal` can cancel it; onLayer(l) after block l. */
export async function backwardAsync(
  model: Gemma3Model,
  fwd: LossForward,
  grads: GradSink,
  opts: BackwardOptions & { signal?: AbortSignal; onLayer?: (layer: number) => void } = {},
): Promise<Float32Array> {
  return runStepsAsync(backwardSteps(model, fwd, grads, opts), opts.signal, opts.onLayer);
}

/** The backward, yielding the index of each block once its gradients are done (top block first). */
function* backwardSteps(model: Gemma3Model, fwd: LossForward, grads: GradSink, opts: BackwardOptions): Generator<number, Float32Array> {
  const cfg = model.config;
  const mm = model.matmul;
  const w = model.weights;
  const { hidden: D, heads: H, kvHeads: Hkv, headDim: Dh, ffn: F, vocab: V, layers: L, rmsEps: eps } = cfg;
  const T = fwd.tokens.length;
  const QD = H * Dh,
    KD = Hkv * Dh;
  const { positions, targets } = fwd.loss;
  const P = positions.length;
  const act = (name: ActivationName, layer = -1): Float32Array => {
    const a = fwd.activations[activationKey(name, layer)];
    if (!a) throw new Error(`the forward did not capture ${activationKey(name, layer)}`);
    return a.data;
  };
  // dX += dY·W and dW += dYᵀ·X for the weight `name` (no dW when frozen), plus its adapter's backward
  const linearBackward = (name: string, dy: Float32Array, x: Float32Array, dx: Float32Array | null) => {
    mm.linearBackward(w.matrix(name), dy, x, T, dx, grads(name));
    opts.adapters?.get(name)?.backward?.(x, dy, T, dx);
  };
  const arena = opts.arena;
  const f32 = (n: number) => (arena ? arena.floats(n) : new Float32Array(n));

  // loss → logits → head → output_norm, only at the positions that carry a loss
  const dResultNorm = f32(P * D);
  const headGrad = grads(w.headName);
  if (!headGrad && !opts.onLogitGrad) {
    // frozen head (training): the softmax-CE gradient goes straight into the head's transposed input
    // gradient in the heap; the [P, V] gradient is never formed
    const weights = lossWeights(fwd.loss);
    const head = w.matrix(w.headName);
    if (cfg.finalLogitSoftcap === 0 && V % 4 === 0 && D % 8 === 0) {
      mm.crossEntropyHeadInputGrad(head, fwd.logits, fwd.lse, targets, weights, P, dResultNorm);
    } else {
      mm.wideInputGradFilled(head, P, dResultNorm, (dzT, Pp) =>
        crossEntropyBackwardTransposed(dzT, Pp, fwd.logits, targets, weights, P, V, cfg.finalLogitSoftcap, fwd.lse),
      );
    }
  } else {
    const dz = f32(P * V);
    crossEntropyBackward(dz, fwd.logits, targets, lossWeights(fwd.loss), P, V, cfg.finalLogitSoftcap, fwd.lse);
    opts.onLogitGrad?.(dz);
    mm.linearBackward(w.matrix(w.headName), dz, act('result_norm'), P, dResultNorm, headGrad);
  }
  const last = act('l_out', L - 1);
  const rows = f32(P * D);
  for (let p = 0; p < P; p++) rows.set(last.subarray(positions[p] * D, (positions[p] + 1) * D), p * D);
  const dRows = f32(P * D);
  rmsNormBackward(dRows, grads('output_norm.weight'), dResultNorm, rows, w.vector('output_norm.weight'), P, D, eps);
  let dx = f32(T * D); // dL/d(l_out of the current block)
  for (let p = 0; p < P; p++) for (let d = 0; d < D; d++) dx[positions[p] * D + d] += dRows[p * D + d];

  // the forward's own RoPE tables (same function, same float32 angles; each packed sequence from 0)
  const segments = fwd.segments;
  const seq = sequencePositions(segments);
  const ropeLocal = ropeTables(seq, Dh, cfg.ropeBaseLocal);
  const ropeGlobal = ropeTables(seq, Dh, cfg.ropeBase, cfg.ropeFreqScale);
  // scratch reused by every block
  const dSa = f32(T * D),
    dFfnOut = f32(T * D),
    dGatePar = f32(T * F),
    dGate = f32(T * F),
    dUp = f32(T * F);
  const dFfnNorm = f32(T * D),
    dAttnOut = f32(T * D),
    dKqv = f32(T * QD),
    dqRope = f32(T * QD);
  const dkRope = f32(T * KD),
    dv = f32(T * KD),
    dqn = f32(T * QD),
    dkn = f32(T * KD),
    dq = f32(T * QD);
  const dk = f32(T * KD),
    dAttnNorm = f32(T * D);

  // attentionBackward's per-head scratch (nine arrays it overwrites or zeroes before use), made once
  // for all layers and sequences instead of once per call; grown when a longer sequence needs more
  const attnScratch: Float32Array[] = [];
  const attnAlloc = () => {
    let next = 0;
    return (n: number): Float32Array => {
      const b = attnScratch[next];
      if (b && b.length >= n) {
        next++;
        return b.subarray(0, n);
      }
      return (attnScratch[next++] = f32(n));
    };
  };

  // dL/d(inp_embd) feeds only the caller, the embedding's gradient and onResidualGrad: when none wants
  // it (and block 0's attn_norm is frozen), block 0 skips its q/k/v input gradients and that norm's backward
  const wantInputGrad =
    opts.inputGrad !== false || !!opts.onResidualGrad || grads('token_embd.weight') !== null || grads(blockWeight(0, 'attn_norm')) !== null;

  for (let l = L - 1; l >= 0; l--) {
    opts.onResidualGrad?.(l, dx);
    const n = (tensor: string) => blockWeight(l, tensor);
    const vec = (tensor: string) => w.vector(n(tensor));
    const g = (tensor: string) => grads(n(tensor));
    const sliding = isSliding(cfg, l);
    const rope = sliding ? ropeLocal : ropeGlobal;
    for (const b of [dFfnOut, dGatePar, dGate, dUp, dFfnNorm, dAttnOut, dKqv, dqRope, dkRope, dv, dqn, dkn, dq, dk, dAttnNorm]) b.fill(0);
    const x = l === 0 ? act('inp_embd') : act('l_out', l - 1);

    // l_out = post_ffw_norm(ffn_out) + sa_out: the residual passes dx to sa_out unchanged
    dSa.set(dx);
    rmsNormBackward(dFfnOut, g('post_ffw_norm'), dx, act('ffn_out', l), vec('post_ffw_norm'), T, D, eps);
    linearBackward(n('ffn_down'), dFfnOut, act('ffn_gate_par', l), dGatePar);
    mm.gatedGeluBackward(dGate, dUp, dGatePar, act('ffn_gate', l), act('ffn_up', l), T * F);
    linearBackward(n('ffn_gate'), dGate, act('ffn_norm', l), dFfnNorm);
    linearBackward(n('ffn_up'), dUp, act('ffn_norm', l), dFfnNorm);
    rmsNormBackward(dSa, g('ffn_norm'), dFfnNorm, act('sa_out', l), vec('ffn_norm'), T, D, eps);

    // sa_out = attn_post_norm(attn_out) + x: the residual passes dSa to x unchanged
    const dxIn = f32(T * D);
    dxIn.set(dSa);
    rmsNormBackward(dAttnOut, g('post_attention_norm'), dSa, act('attn_out', l), vec('post_attention_norm'), T, D, eps);
    linearBackward(n('attn_output'), dAttnOut, act('kqv_out', l), dKqv);
    packedAttentionBackward(
      mm,
      dqRope,
      dkRope,
      dv,
      dKqv,
      act('kq_soft_max', l),
      act('Qcur_rope', l),
      act('Kcur_rope', l),
      act('Vcur', l),
      { T, H, Hkv, Dh, scale: cfg.attentionScale, window: sliding ? cfg.window : 0 },
      segments,
      attnAlloc,
    );
    ropeBackward(dqn, dqRope, rope, T, H, Dh);
    ropeBackward(dkn, dkRope, rope, T, Hkv, Dh);
    rmsNormBackward(dq, g('attn_q_norm'), dqn, act('Qcur', l), vec('attn_q_norm'), T * H, Dh, eps);
    rmsNormBackward(dk, g('attn_k_norm'), dkn, act('Kcur', l), vec('attn_k_norm'), T * Hkv, Dh, eps);
    const dNorm = l > 0 || wantInputGrad ? dAttnNorm : null;
    linearBackward(n('attn_q'), dq, act('attn_norm', l), dNorm);
    linearBackward(n('attn_k'), dk, act('attn_norm', l), dNorm);
    linearBackward(n('attn_v'), dv, act('attn_norm', l), dNorm);
    if (dNorm) rmsNormBackward(dxIn, g('attn_norm'), dAttnNorm, x, vec('attn_norm'), T, D, eps);
    dx = dxIn;
    yield l;
  }
  if (!wantInputGrad) return new Float32Array(0);
  opts.onResidualGrad?.(-1, dx);
  const dE = grads('token_embd.weight');
  if (dE) embeddingBackward(dE, dx, fwd.tokens, D, Math.fround(Math.sqrt(D)));
  return dx;
}
