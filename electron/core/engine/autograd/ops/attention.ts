// Causal self-attention with an optional sliding window and grouped-query heads (GQA), as in
// Gemma 3: scores = scale · q·kᵀ, masked, softmax over keys, then a weighted sum of values.
// Query head h reads kv head ⌊h / (H/Hkv)⌋. Key s is visible from query t iff s ≤ t and, on a
// sliding layer, t − s < W (llama.cpp's LLAMA_SWA_TYPE_STANDARD).
// Shapes: q [T, H, Dh] (after RoPE), k, v [T, Hkv, Dh], out [T, H, Dh] (= kqv_out [T, H·Dh]),
// probs [H, T, T] (row t = query, column s = key; llama.cpp's kq_soft_max layout).
import { AutogradError, type Vec } from '../types.ts';

export interface AttentionShape {
  T: number;
  H: number;
  Hkv: number;
  Dh: number;
  /** multiplies q·k (Gemma 3: 1/√Dh) */
  scale: number;
  /** sliding window W, or 0 for a global (full causal) layer */
  window: number;
}

function check(s: AttentionShape): number {
  if (s.H % s.Hkv !== 0) throw new AutogradError(`attention: H=${s.H} is not a multiple of Hkv=${s.Hkv}`);
  return s.H / s.Hkv;
}

/** First visible key for query t. */
export function firstKey(t: number, window: number): number {
  return window > 0 ? Math.max(0, t - window + 1) : 0;
}

export function attentionForward(out: Vec, probs: Vec, q: Vec, k: Vec, v: Vec, s: AttentionShape): void {
  const { T, H, Hkv, Dh, scale, window } = s;
  const group = check(s);
  probs.fill(0, 0, H * T * T);
  for (let h = 0; h < H; h++) {
    const kh = Math.floor(h / group);
    for (let t = 0; t < T; t++) {
      const qo = (t * H + h) * Dh;
      const po = (h * T + t) * T;
      const s0 = firstKey(t, window);
      let max = -Infinity;
      for (let j = s0; j <= t; j++) {
        const ko = (j * Hkv + kh) * Dh;
        let dot = 0;
        for (let d = 0; d < Dh; d++) dot += q[qo + d] * k[ko + d];
        probs[po + j] = dot * scale;
        if (probs[po + j] > max) max = probs[po + j];
      }
      let sum = 0;
      for (let j = s0; j <= t; j++) {
        const e = Math.exp(probs[po + j] - max);
        probs[po + j] = e;
        sum += e;
      }
      for (let j = s0; j <= t; j++) probs[po + j] /= sum;
      for (let d = 0; d < Dh; d++) out[qo + d] = 0;
      for (let j = s0; j <= t; j++) {
        const p = probs[po + j];
        const vo = (j * Hkv + kh) * Dh;
        for (let d = 0; d < Dh; d++) out[qo + d] += p * v[vo + d];
      }
    }
  }
}

/**
 * Adds dL/dq, dL/dk, dL/dv given dL/dout and the forward's probs.
 * Softmax backward: dscore = p ⊙ (dp − Σ p·dp), with dp[t,s] = dout[t]·v[s].
 * `scratch` (length ≥ T) avoids an allocation per row.
 */
export function attentionBackward(
  dq: Vec, dk: Vec, dv: Vec, dout: Vec, probs: Vec, q: Vec, k: Vec, v: Vec, s: AttentionShape,
  scratch: Float64Array = new Float64Array(s.T),
): void {
  const { T, H, Hkv, Dh, scale, window } = s;
  const group = check(s);
  const dp = scratch;
  for (let h = 0; h < H; h++) {
    const kh = Math.floor(h / group);
    for (let t = 0; t < T; t++) {
      const qo = (t * H + h) * Dh;
      const po = (h * T + t) * T;
      const s0 = firstKey(t, window);
      let pdp = 0;
      for (let j = s0; j <= t; j++) {
        const vo = (j * Hkv + kh) * Dh;
        const p = probs[po + j];
        let dot = 0;
        for (let d = 0; d < Dh; d++) {
          dot += dout[qo + d] * v[vo + d];
          dv[vo + d] += p * dout[qo + d];
        }
        dp[j] = dot;
        pdp += p * dot;
      }
      for (let j = s0; j <= t; j++) {
        const ds = probs[po + j] * (dp[j] - pdp) * scale;
        if (ds === 0) continue;
        const ko = (j * Hkv + kh) * Dh;
        for (let d = 0; d < Dh; d++) {
          dq[qo + d] += ds * k[ko + d];
          dk[ko + d] += ds * q[qo + d];
        }
      }
    }
  }
}
