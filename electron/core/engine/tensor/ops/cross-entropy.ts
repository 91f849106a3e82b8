// Softmax cross-entropy over chosen rows of logits, with Gemma's optional final-logit soft-capping
// (logits = c·tanh(z/c); c = 0 means none, as in Gemma 3 270M).
// Shapes: z [P, V] raw head outputs (x·Eᵀ) at the P positions that carry a loss; targets [P];
// weights [P] (each row's share of the loss, e.g. 1/P for a mean). Works on any Vec, so the same
// code is the fast path and the float64 reference.
import { logSumExp } from './softmax.ts';
import type { Vec } from './vec.ts';

/**
 * Returns Σ_p weights[p] · −log softmax(cap(z[p]))[targets[p]]. When `lse` is given, each row's
 * log-sum-exp (of the capped logits) is stored there so the backward needs one exp per logit.
 */
export function crossEntropyForward(
  z: Vec,
  targets: ArrayLike<number>,
  weights: ArrayLike<number>,
  P: number,
  V: number,
  softcap = 0,
  lse?: Float64Array,
): number {
  let loss = 0;
  const capped = softcap > 0 ? new Float64Array(V) : null;
  for (let p = 0; p < P; p++) {
    const tgt = targets[p];
    if (!(tgt >= 0 && tgt < V)) throw new RangeError(`target ${tgt} (row ${p}) is outside the vocabulary (0..${V - 1})`);
    const o = p * V;
    let l: number;
    if (capped) {
      for (let i = 0; i < V; i++) capped[i] = cap(z[o + i], softcap);
      l = logSumExp(capped, 0, V);
    } else l = logSumExp(z, o, V);
    if (lse) lse[p] = l;
    loss += weights[p] * (l - cap(z[o + tgt], softcap));
  }
  return loss;
}

/**
 * Writes (not adds) dL/dz into dz, which may alias z: each row is read fully before written.
 * dL/dlogit = w·(softmax − onehot); through the cap: · (1 − tanh²(z/c)).
 */
export function crossEntropyBackward(
  dz: Vec,
  z: Vec,
  targets: ArrayLike<number>,
  weights: ArrayLike<number>,
  P: number,
  V: number,
  softcap = 0,
  lse?: Float64Array,
): void {
  const rowLse = lse ?? new Float64Array(P);
  if (!lse) crossEntropyForward(z, targets, weights, P, V, softcap, rowLse);
  for (let p = 0; p < P; p++) {
    const o = p * V;
    const l = rowLse[p];
    const w = weights[p];
    const tgt = targets[p];
    if (softcap > 0) {
      for (let i = 0; i < V; i++) {
        const th = Math.tanh(z[o + i] / softcap);
        dz[o + i] = (Math.exp(softcap * th - l) - (i === tgt ? 1 : 0)) * w * (1 - th * th);
      }
    } else {
      for (let i = 0; i < V; i++) dz[o + i] = Math.exp(z[o + i] - l) * w;
      dz[o + tgt] -= w;
    }
  }
}

/**
 * crossEntropyBackward written transposed, dzT [V, Pp] (dzT[i·Pp + p] = dL/dz[p, i]; columns ≥ P
 * untouched), blocked over the vocabulary so the columns being written stay in cache: the tied
 * head's input gradient (MatmulEngine.wideInputGradFilled) reads it in this layout, so the [P, V]
 * gradient is never formed. Needs each row's log-sum-exp from crossEntropyForward.
 */
export function crossEntropyBackwardTransposed(
  dzT: Float32Array,
  Pp: number,
  z: Float32Array,
  targets: ArrayLike<number>,
  weights: ArrayLike<number>,
  P: number,
  V: number,
  softcap: number,
  lse: Float64Array,
): void {
  const BLOCK = 2048;
  for (let i0 = 0; i0 < V; i0 += BLOCK) {
    const i1 = Math.min(V, i0 + BLOCK);
    for (let p = 0; p < P; p++) {
      const o = p * V;
      const l = lse[p];
      const w = weights[p];
      if (softcap > 0) {
        for (let i = i0; i < i1; i++) {
          const th = Math.tanh(z[o + i] / softcap);
          dzT[i * Pp + p] = Math.exp(softcap * th - l) * w * (1 - th * th);
        }
      } else {
        for (let i = i0; i < i1; i++) dzT[i * Pp + p] = Math.exp(z[o + i] - l) * w;
      }
    }
  }
  for (let p = 0; p < P; p++) {
    const tgt = targets[p];
    const th = softcap > 0 ? Math.tanh(z[p * V + tgt] / softcap) : 0;
    dzT[tgt * Pp + p] -= weights[p] * (softcap > 0 ? 1 - th * th : 1);
  }
}

function cap(z: number, c: number): number {
  return c > 0 ? c * Math.tanh(z / c) : z;
}
