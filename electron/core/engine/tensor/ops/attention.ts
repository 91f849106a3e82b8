// Causal self-attention with an optional sliding window and grouped-query heads (GQA), as in
// Gemma 3: scores = scale · q·kᵀ, masked, softmax over keys, then a weighted sum of values.
// Query head h reads kv head ⌊h / (H/Hkv)⌋. Key j is visible from query position p iff j ≤ p and,
// on a sliding layer, p − j < W (llama.cpp's LLAMA_SWA_TYPE_STANDARD).
// Shapes: q [T, H·Dh] (after RoPE), keys/values [S, Hkv·Dh] (S = positions in the cache; S = T
// without one), out [T, H·Dh] (kqv_out), probs [H, T, S] (llama.cpp's kq_soft_max layout).
//   attentionProbs / attentionMix  the forward the model runs: per kv-head matrix products on the pool
//   attentionBackward              the same backward as per-head products (dP, dV, dS, dQ, dK)
//   attentionReference / attentionBackwardReference  loop forms over any Vec (float64 checks)
import { roundArrayToF16 } from '../../gguf/half.ts';
import { linearBackwardReference, linearReference } from './linear.ts';
import { softmaxRow } from './softmax.ts';
import type { Vec } from './vec.ts';

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

/** The matrix products attention needs (MatmulEngine provides them on the pool; referenceProducts in loops). */
export interface Products<V extends Vec = Vec> {
  /** out [M, N] = a [M, K] · b [N, K]ᵀ */
  gemm(a: V, M: number, b: V, N: number, K: number, out: V): unknown;
  /** da [M, K] += dy [M, N] · b [N, K];  db [N, K] += dyᵀ · a (either null) */
  productBackward(da: V | null, db: V | null, dy: V, a: V, b: V, M: number, K: number, N: number): void;
}

export const referenceProducts: Products<Vec> = {
  gemm: (a, M, b, N, K, out) => linearReference(out, a, b, M, K, N),
  productBackward: (da, db, dy, a, b, M, K, N) => linearBackwardReference(da, db, dy, a, b, M, K, N),
};

/** First visible key for query position p. */
export function firstKey(p: number, window: number): number {
  return window > 0 ? Math.max(0, p - window + 1) : 0;
}

/**
 * Softmax(scale · Q·Kᵀ) with the causal (and sliding-window) mask, queries at positions p0 … p0+T−1.
 * q [T, H·Dh], keys [S, Hkv·Dh] → probs [H, T, S], exactly 0 where masked. `f16` rounds Q to f16
 * before the product, as ggml does against an f16 KV cache.
 */
export function attentionProbs(
  mm: Products<Float32Array>,
  q: Float32Array,
  keys: Float32Array,
  s: AttentionShape,
  S: number,
  p0: number,
  f16 = false,
): Float32Array {
  const { T, H, Hkv, Dh, scale, window } = s;
  const rep = H / Hkv;
  const probs = new Float32Array(H * T * S);
  const qg = new Float32Array(rep * T * Dh);
  const kg = new Float32Array(S * Dh);
  for (let g = 0; g < Hkv; g++) {
    // Gather the rep query heads that share kv head g: rows (r, t) → [rep·T, Dh], scaled like llama.cpp (Q · scale).
    for (let r = 0; r < rep; r++) {
      const hq = g * rep + r;
      for (let t = 0; t < T; t++) {
        const src = (t * H + hq) * Dh;
        const dst = (r * T + t) * Dh;
        for (let d = 0; d < Dh; d++) qg[dst + d] = q[src + d] * scale;
      }
    }
    if (f16) roundArrayToF16(qg);
    for (let j = 0; j < S; j++) kg.set(keys.subarray((j * Hkv + g) * Dh, (j * Hkv + g + 1) * Dh), j * Dh);
    // Rows of heads g·rep … g·rep+rep−1 are contiguous in probs [H, T, S].
    const scores = probs.subarray(g * rep * T * S, (g + 1) * rep * T * S);
    mm.gemm(qg, rep * T, kg, S, Dh, scores);
    for (let r = 0; r < rep; r++) {
      for (let t = 0; t < T; t++) {
        const pos = p0 + t;
        const lo = firstKey(pos, window);
        const o = (r * T + t) * S;
        softmaxRow(scores, o + lo, o + pos + 1);
        scores.fill(0, o, o + lo);
        scores.fill(0, o + pos + 1, o + S);
      }
    }
  }
  return probs;
}

/** probs [H, T, S] · V → kqv_out [T, H·Dh]. values [S, Hkv·Dh]. `f16` rounds the probabilities first. */
export function attentionMix(
  mm: Products<Float32Array>,
  probs: Float32Array,
  values: Float32Array,
  s: AttentionShape,
  S: number,
  f16 = false,
): Float32Array {
  const { T, H, Hkv, Dh } = s;
  const rep = H / Hkv;
  const out = new Float32Array(T * H * Dh);
  const vt = new Float32Array(Dh * S); // Vᵀ of one kv head [Dh, S]
  const mixed = new Float32Array(rep * T * Dh);
  let p = probs;
  if (f16) {
    p = probs.slice();
    roundArrayToF16(p);
  }
  for (let g = 0; g < Hkv; g++) {
    for (let j = 0; j < S; j++) {
      const src = (j * Hkv + g) * Dh;
      for (let d = 0; d < Dh; d++) vt[d * S + j] = values[src + d];
    }
    mm.gemm(p.subarray(g * rep * T * S, (g + 1) * rep * T * S), rep * T, vt, Dh, S, mixed);
    for (let r = 0; r < rep; r++) {
      const hq = g * rep + r;
      for (let t = 0; t < T; t++) out.set(mixed.subarray((r * T + t) * Dh, (r * T + t + 1) * Dh), (t * H + hq) * Dh);
    }
  }
  return out;
}

/**
 * Adds dL/dq, dL/dk, dL/dv given dL/dout and the forward's probs (no cache: S = T, p0 = 0), as
 * per-head matrix products:
 *   dP  = dO · Vᵀ            dV += Pᵀ · dO
 *   dS  = scale · P ⊙ (dP − rowsum(P ⊙ dP))
 *   dQ += dS · K             dK += dSᵀ · Q
 */
export function attentionBackward<V extends Vec>(
  mm: Products<V>,
  dq: V,
  dk: V,
  dv: V,
  dout: V,
  probs: V,
  q: V,
  k: V,
  v: V,
  s: AttentionShape,
  /** scratch: its arrays may hold old values (each is overwritten or zeroed before it is read) */
  alloc: (n: number) => V,
): void {
  const { T, H, Hkv, Dh, scale, window } = s;
  const group = H / Hkv;
  const qh = alloc(T * Dh),
    doh = alloc(T * Dh),
    dqh = alloc(T * Dh);
  const kg = alloc(T * Dh),
    vg = alloc(T * Dh),
    dkg = alloc(T * Dh),
    dvg = alloc(T * Dh);
  const dP = alloc(T * T),
    dS = alloc(T * T);
  // rows of a [T, heads, Dh] tensor for one head ↔ a contiguous [T, Dh] block
  const gather = (dst: V, src: V, heads: number, h: number) => {
    for (let t = 0; t < T; t++) {
      const o = (t * heads + h) * Dh;
      for (let d = 0; d < Dh; d++) dst[t * Dh + d] = src[o + d];
    }
  };
  const scatterAdd = (dst: V, src: V, heads: number, h: number) => {
    for (let t = 0; t < T; t++) {
      const o = (t * heads + h) * Dh;
      for (let d = 0; d < Dh; d++) dst[o + d] += src[t * Dh + d];
    }
  };
  for (let g = 0; g < Hkv; g++) {
    gather(kg, k, Hkv, g);
    gather(vg, v, Hkv, g);
    dkg.fill(0);
    dvg.fill(0);
    for (let r = 0; r < group; r++) {
      const h = g * group + r;
      gather(qh, q, H, h);
      gather(doh, dout, H, h);
      const ph = probs.subarray(h * T * T, (h + 1) * T * T) as V;
      mm.gemm(doh, T, vg, T, Dh, dP); // dP[t, s] = dO[t] · V[s]
      mm.productBackward(null, dvg, ph, doh, vg, T, Dh, T); // dV += Pᵀ · dO
      dS.fill(0);
      for (let t = 0; t < T; t++) {
        const o = t * T;
        let pdp = 0;
        for (let j = firstKey(t, window); j <= t; j++) pdp += ph[o + j] * dP[o + j];
        for (let j = firstKey(t, window); j <= t; j++) dS[o + j] = ph[o + j] * (dP[o + j] - pdp) * scale;
      }
      dqh.fill(0);
      mm.productBackward(dqh, dkg, dS, qh, kg, T, Dh, T); // dQ = dS · K,  dK += dSᵀ · Q
      scatterAdd(dq, dqh, H, h);
    }
    scatterAdd(dk, dkg, Hkv, g);
    scatterAdd(dv, dvg, Hkv, g);
  }
}

/**
 * Attention over sequences packed one after another (a training batch in one pass: lengths
 * `segments`, summing to T): each starts at position 0 and attends only to itself, exactly as if run
 * alone. probs: each sequence's [H, Ti, Ti] block, one after another (packedProbsLength values).
 */
export function packedAttention(
  mm: Products<Float32Array>,
  q: Float32Array,
  keys: Float32Array,
  values: Float32Array,
  s: AttentionShape,
  segments: readonly number[],
  f16 = false,
  out: Float32Array = new Float32Array(q.length),
): { probs: Float32Array; out: Float32Array } {
  const qd = s.H * s.Dh,
    kd = s.Hkv * s.Dh;
  const probs = new Float32Array(packedProbsLength(s.H, segments));
  let r = 0,
    o = 0;
  for (const Ti of segments) {
    const seg: AttentionShape = { ...s, T: Ti };
    const p = attentionProbs(mm, q.subarray(r * qd, (r + Ti) * qd), keys.subarray(r * kd, (r + Ti) * kd), seg, Ti, 0, f16);
    out.set(attentionMix(mm, p, values.subarray(r * kd, (r + Ti) * kd), seg, Ti, f16), r * qd);
    probs.set(p, o);
    r += Ti;
    o += p.length;
  }
  return { probs, out };
}

/** Values of packedAttention's probs: Σ H·Ti². */
function packedProbsLength(H: number, segments: readonly number[]): number {
  return segments.reduce((n, t) => n + H * t * t, 0);
}

/**
 * attentionBackward over packed sequences (packedAttention's layout; one sequence: segments [T]),
 * each sequence's rows and probs block alone. `scratch()` gives each sequence's call its alloc.
 */
export function packedAttentionBackward(
  mm: Products<Float32Array>,
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
  dout: Float32Array,
  probs: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  s: AttentionShape,
  segments: readonly number[],
  scratch: () => (n: number) => Float32Array,
): void {
  const qd = s.H * s.Dh,
    kd = s.Hkv * s.Dh;
  let r = 0,
    o = 0;
  for (const Ti of segments) {
    const [qs, ks] = [r * qd, r * kd];
    const [qe, ke] = [qs + Ti * qd, ks + Ti * kd];
    const pe = o + s.H * Ti * Ti;
    attentionBackward<Float32Array>(
      mm,
      dq.subarray(qs, qe),
      dk.subarray(ks, ke),
      dv.subarray(ks, ke),
      dout.subarray(qs, qe),
      probs.subarray(o, pe),
      q.subarray(qs, qe),
      k.subarray(ks, ke),
      v.subarray(ks, ke),
      { ...s, T: Ti },
      scratch(),
    );
    r += Ti;
    o = pe;
  }
}

/** Loop-form forward (no cache): out [T, H·Dh], probs [H, T, T]. */
export function attentionReference(out: Vec, probs: Vec, q: Vec, k: Vec, v: Vec, s: AttentionShape): void {
  const { T, H, Hkv, Dh, scale, window } = s;
  const group = H / Hkv;
  probs.fill(0, 0, H * T * T);
  for (let h = 0; h < H; h++) {
    const kh = Math.floor(h / group);
    for (let t = 0; t < T; t++) {
      const qo = (t * H + h) * Dh;
      const po = (h * T + t) * T;
      const s0 = firstKey(t, window);
      for (let j = s0; j <= t; j++) {
        const ko = (j * Hkv + kh) * Dh;
        let dot = 0;
        for (let d = 0; d < Dh; d++) dot += q[qo + d] * k[ko + d];
        probs[po + j] = dot * scale;
      }
      softmaxRow(probs, po + s0, po + t + 1);
      for (let d = 0; d < Dh; d++) out[qo + d] = 0;
      for (let j = s0; j <= t; j++) {
        const p = probs[po + j];
        const vo = (j * Hkv + kh) * Dh;
        for (let d = 0; d < Dh; d++) out[qo + d] += p * v[vo + d];
      }
    }
  }
}

/** Loop-form backward (the oracle of attentionBackward): dscore = p ⊙ (dp − Σ p·dp), dp[t,j] = dout[t]·v[j]. */
export function attentionBackwardReference(
  dq: Vec,
  dk: Vec,
  dv: Vec,
  dout: Vec,
  probs: Vec,
  q: Vec,
  k: Vec,
  v: Vec,
  s: AttentionShape,
): void {
  const { T, H, Hkv, Dh, scale, window } = s;
  const group = H / Hkv;
  const dp = new Float64Array(T);
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
