// The attention backward of ./attention.ts rewritten as matrix products per head, so the engine's
// SIMD kernels do the O(T²·Dh) work (the loop version runs at JavaScript scalar speed):
//   dP  = dO · Vᵀ            dV += Pᵀ · dO
//   dS  = scale · P ⊙ (dP − rowsum(P ⊙ dP))
//   dQ += dS · K             dK += dSᵀ · Q
// each product expressed through LinearKernels (x·Wᵀ, dX += dY·W, dW += dYᵀ·X).
// Shapes as in ./attention.ts: q, dq [T, H, Dh]; k, v, dk, dv [T, Hkv, Dh]; probs [H, T, T].
import type { LinearKernels } from '../model/kernels.ts';
import type { Vec } from '../types.ts';
import { firstKey, type AttentionShape } from './attention.ts';

export function attentionBackwardMatmul(
  dq: Vec, dk: Vec, dv: Vec, dout: Vec, probs: Vec, q: Vec, k: Vec, v: Vec, s: AttentionShape,
  K: LinearKernels, alloc: (n: number) => Vec,
): void {
  const { T, H, Hkv, Dh, scale, window } = s;
  const group = H / Hkv;
  const qh = alloc(T * Dh), doh = alloc(T * Dh), dqh = alloc(T * Dh);
  const kg = alloc(T * Dh), vg = alloc(T * Dh), dkg = alloc(T * Dh), dvg = alloc(T * Dh);
  const ph = alloc(T * T), dP = alloc(T * T), dS = alloc(T * T);
  // rows of a [T, heads, Dh] tensor for one head ↔ a contiguous [T, Dh] block
  const gather = (dst: Vec, src: Vec, heads: number, h: number) => {
    for (let t = 0; t < T; t++) {
      const o = (t * heads + h) * Dh;
      for (let d = 0; d < Dh; d++) dst[t * Dh + d] = src[o + d];
    }
  };
  const scatterAdd = (dst: Vec, src: Vec, heads: number, h: number) => {
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
      for (let i = 0; i < T * T; i++) ph[i] = probs[h * T * T + i];
      K.forward(dP, doh, vg, T, Dh, T); // dP[t, s] = dO[t] · V[s]
      K.backward(null, dvg, ph, doh, vg, T, Dh, T); // dV += Pᵀ · dO
      dS.fill(0);
      for (let t = 0; t < T; t++) {
        const o = t * T;
        let pdp = 0;
        for (let j = firstKey(t, window); j <= t; j++) pdp += ph[o + j] * dP[o + j];
        for (let j = firstKey(t, window); j <= t; j++) dS[o + j] = ph[o + j] * (dP[o + j] - pdp) * scale;
      }
      dqh.fill(0);
      K.backward(dqh, dkg, dS, qh, kg, T, Dh, T); // dQ = dS · K,  dK += dSᵀ · Q
      scatterAdd(dq, dqh, H, h);
    }
    scatterAdd(dk, dkg, Hkv, g);
    scatterAdd(dv, dvg, Hkv, g);
  }
}
