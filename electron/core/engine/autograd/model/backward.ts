// Gemma 3 backward: the forward read bottom to top, each op's backward adding into the gradients.
// Legend: T tokens, D hidden, H heads, Hkv kv-heads, Dh head dim, F ffn, V vocab, P loss positions.
import { attentionBackwardMatmul } from '../ops/attentionMatmul.ts';
import { crossEntropyBackward } from '../ops/crossEntropy.ts';
import { embeddingBackward } from '../ops/embedding.ts';
import { gatedGeluBackward } from '../ops/gelu.ts';
import { rmsnormBackward } from '../ops/rmsnorm.ts';
import { ropeBackward, ropeTables } from '../ops/rope.ts';
import type { Vec } from '../types.ts';
import { lossWeights, type ForwardCache } from './cache.ts';
import { allocator, type Precision } from './forward.ts';
import { naiveKernels, type LinearKernels } from './kernels.ts';
import type { WeightSource } from './params.ts';
import { isSliding, type Gemma3Shape } from './shape.ts';

/** Where a parameter's gradient is accumulated; null = frozen (no dW computed). */
export type GradSink = (name: string) => Vec | null;

export interface BackwardOptions {
  precision?: Precision;
  kernels?: LinearKernels;
  /**
   * Called with dL/d(residual stream) as the gradient passes each point: layer l = dL/d(l_out of
   * block l) [T, D], layer −1 = dL/d(inp_scaled). The array is reused afterwards: copy what you keep.
   */
  onResidualGrad?: (layer: number, grad: Vec) => void;
}

/** Adds every parameter's gradient into `grads`; returns dL/d(inp_scaled) [T, D]. */
export function modelBackward(
  s: Gemma3Shape, W: WeightSource, cache: ForwardCache, grads: GradSink, opts: BackwardOptions = {},
): Vec {
  const run = backwardSteps(s, W, cache, grads, opts);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
  }
}

/** Same as modelBackward, yielding to the event loop after each block so `signal` can cancel it. */
export async function modelBackwardAsync(
  s: Gemma3Shape, W: WeightSource, cache: ForwardCache, grads: GradSink,
  opts: BackwardOptions & { signal?: AbortSignal; onLayer?: (layer: number) => void } = {},
): Promise<Vec> {
  const run = backwardSteps(s, W, cache, grads, opts);
  for (;;) {
    opts.signal?.throwIfAborted();
    const r = run.next();
    if (r.done) return r.value;
    opts.onLayer?.(r.value);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The backward, yielding the index of each block once its gradients are done (top block first). */
function* backwardSteps(
  s: Gemma3Shape, W: WeightSource, cache: ForwardCache, grads: GradSink, opts: BackwardOptions,
): Generator<number, Vec> {
  const alloc = allocator(opts.precision ?? (cache.x0 instanceof Float32Array ? 'f32' : 'f64'));
  const K = opts.kernels ?? naiveKernels;
  const { D, H, Hkv, Dh, F, V, L, eps } = s;
  const T = cache.tokens.length;
  const QD = H * Dh, KD = Hkv * Dh;
  const { positions, targets } = cache.loss;
  const P = positions.length;

  // loss → logits → tied head → output_norm, only at the positions that carry a loss
  const dz = alloc(P * V);
  crossEntropyBackward(dz, cache.logits, targets, lossWeights(cache.loss), P, V, s.softcap, cache.lse);
  const dResultNorm = alloc(P * D);
  K.backward(dResultNorm, grads('token_embd.weight'), dz, cache.resultNorm, W('token_embd.weight'), P, D, V);
  const rows = alloc(P * D);
  for (let p = 0; p < P; p++) rows.set(cache.last.subarray(positions[p] * D, (positions[p] + 1) * D), p * D);
  const dRows = alloc(P * D);
  rmsnormBackward(dRows, grads('output_norm.weight'), dResultNorm, rows, W('output_norm.weight'), P, D, eps);
  let dx = alloc(T * D); // dL/d(l_out of the current block)
  for (let p = 0; p < P; p++) for (let d = 0; d < D; d++) dx[positions[p] * D + d] += dRows[p * D + d];

  const seq = Array.from({ length: T }, (_, i) => i);
  const ropeLocal = ropeTables(seq, Dh, s.ropeBaseLocal);
  const ropeGlobal = ropeTables(seq.map((p) => p * (s.ropeFreqScale ?? 1)), Dh, s.ropeBaseGlobal);
  // scratch reused by every block
  const dSa = alloc(T * D), dFfnOut = alloc(T * D), dGatePar = alloc(T * F), dGate = alloc(T * F), dUp = alloc(T * F);
  const dFfnNorm = alloc(T * D), dAttnOut = alloc(T * D), dKqv = alloc(T * QD), dqRope = alloc(T * QD);
  const dkRope = alloc(T * KD), dv = alloc(T * KD), dqn = alloc(T * QD), dkn = alloc(T * KD), dq = alloc(T * QD);
  const dk = alloc(T * KD), dAttnNorm = alloc(T * D);

  for (let l = L - 1; l >= 0; l--) {
    opts.onResidualGrad?.(l, dx);
    const c = cache.layers[l];
    const w = (n: string) => W(`blk.${l}.${n}.weight`);
    const g = (n: string) => grads(`blk.${l}.${n}.weight`);
    const sliding = isSliding(s, l);
    const { cos, sin } = sliding ? ropeLocal : ropeGlobal;
    for (const b of [dFfnOut, dGatePar, dGate, dUp, dFfnNorm, dAttnOut, dKqv, dqRope, dkRope, dv, dqn, dkn, dq, dk, dAttnNorm]) b.fill(0);

    // l_out = post_ffw_norm(ffn_out) + sa_out: the residual passes dx to sa_out unchanged
    dSa.set(dx);
    rmsnormBackward(dFfnOut, g('post_ffw_norm'), dx, c.ffnOut, w('post_ffw_norm'), T, D, eps);
    K.backward(dGatePar, g('ffn_down'), dFfnOut, c.gatePar, w('ffn_down'), T, F, D);
    gatedGeluBackward(dGate, dUp, dGatePar, c.gate, c.up, T * F);
    K.backward(dFfnNorm, g('ffn_gate'), dGate, c.ffnNorm, w('ffn_gate'), T, D, F);
    K.backward(dFfnNorm, g('ffn_up'), dUp, c.ffnNorm, w('ffn_up'), T, D, F);
    rmsnormBackward(dSa, g('ffn_norm'), dFfnNorm, c.saOut, w('ffn_norm'), T, D, eps);

    // sa_out = attn_post_norm(attn_out) + x: the residual passes dSa to x unchanged
    const dxIn = alloc(T * D);
    dxIn.set(dSa);
    rmsnormBackward(dAttnOut, g('post_attention_norm'), dSa, c.attnOut, w('post_attention_norm'), T, D, eps);
    K.backward(dKqv, g('attn_output'), dAttnOut, c.kqv, w('attn_output'), T, QD, D);
    attentionBackwardMatmul(dqRope, dkRope, dv, dKqv, c.probs, c.qRope, c.kRope, c.v,
      { T, H, Hkv, Dh, scale: s.attnScale, window: sliding ? s.window : 0 }, K, alloc);
    ropeBackward(dqn, dqRope, cos, sin, T, H, Dh);
    ropeBackward(dkn, dkRope, cos, sin, T, Hkv, Dh);
    rmsnormBackward(dq, g('attn_q_norm'), dqn, c.q, w('attn_q_norm'), T * H, Dh, eps);
    rmsnormBackward(dk, g('attn_k_norm'), dkn, c.k, w('attn_k_norm'), T * Hkv, Dh, eps);
    K.backward(dAttnNorm, g('attn_q'), dq, c.attnNorm, w('attn_q'), T, D, QD);
    K.backward(dAttnNorm, g('attn_k'), dk, c.attnNorm, w('attn_k'), T, D, KD);
    K.backward(dAttnNorm, g('attn_v'), dv, c.attnNorm, w('attn_v'), T, D, KD);
    rmsnormBackward(dxIn, g('attn_norm'), dAttnNorm, c.x, w('attn_norm'), T, D, eps);
    dx = dxIn;
    yield l;
  }
  opts.onResidualGrad?.(-1, dx);
  const dE = grads('token_embd.weight');
  if (dE) embeddingBackward(dE, dx, cache.tokens, D, Math.sqrt(D));
  return dx;
}
