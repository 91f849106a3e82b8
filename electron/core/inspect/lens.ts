// The logit lens: a residual-stream row read through the model's final norm and tied output head,
// as if the remaining blocks were skipped. Legend: R rows, D hidden, V vocab.
import type { Gemma3 } from '../engine/models/gemma3/index.ts';
import { rmsNorm } from '../engine/tensor/ops/rmsnorm.ts';

/**
 * Logits of residual rows xs [R, D] read through the final norm and the tied head (with the
 * model's soft-cap): the logit lens. For the last block's output this is the model's own output.
 */
export function lensLogits(g: Gemma3, xs: Float32Array, R: number): Float32Array {
  const { hidden: D, vocab: V, rmsEps, finalLogitSoftcap: cap } = g.config;
  const w = g.model.weights;
  const out = new Float32Array(R * V);
  const chunk = Math.max(1, Math.floor((1 << 24) / V)); // bounds the matmul's scratch to ~64 MB
  for (let r0 = 0; r0 < R; r0 += chunk) {
    const n = Math.min(chunk, R - r0);
    const normed = rmsNorm(xs.subarray(r0 * D, (r0 + n) * D), n, D, w.vector('output_norm.weight'), rmsEps);
    g.model.matmul.linear(w.matrix(w.headName), normed, n, out.subarray(r0 * V, (r0 + n) * V));
  }
  if (cap > 0) for (let i = 0; i < out.length; i++) out[i] = cap * Math.tanh(out[i] / cap);
  return out;
}
