// Softmax cross-entropy over chosen rows of logits, with Gemma's optional final-logit
// soft-capping (logits = c·tanh(z/c); c = 0 means none, as in Gemma 3 270M).
// Shapes: z [P, V] raw head outputs (x·Eᵀ) at the P positions that carry a loss; targets [P];
// weights [P] (each row's share of the loss, e.g. 1/P for a mean).
import { AutogradError, type Vec } from '../types.ts';

/** Returns Σ_p weights[p] · −log softmax(cap(z[p]))[targets[p]]. */
export function crossEntropyForward(
  z: Vec, targets: ArrayLike<number>, weights: ArrayLike<number>, P: number, V: number, softcap = 0,
): number {
  let loss = 0;
  for (let p = 0; p < P; p++) {
    const tgt = targets[p];
    if (!(tgt >= 0 && tgt < V)) throw new AutogradError(`target ${tgt} (row ${p}) is outside the vocabulary (0..${V - 1})`);
    const o = p * V;
    let max = -Infinity;
    for (let i = 0; i < V; i++) max = Math.max(max, cap(z[o + i], softcap));
    let sum = 0;
    for (let i = 0; i < V; i++) sum += Math.exp(cap(z[o + i], softcap) - max);
    loss += weights[p] * (Math.log(sum) + max - cap(z[o + tgt], softcap));
  }
  return loss;
}

/**
 * Writes (not adds) dL/dz into dz, which may alias z: each row is read fully before written.
 * dL/dlogit = w·(softmax − onehot); through the cap: · (1 − tanh²(z/c)).
 */
export function crossEntropyBackward(
  dz: Vec, z: Vec, targets: ArrayLike<number>, weights: ArrayLike<number>, P: number, V: number, softcap = 0,
): void {
  for (let p = 0; p < P; p++) {
    const o = p * V;
    let max = -Infinity;
    for (let i = 0; i < V; i++) max = Math.max(max, cap(z[o + i], softcap));
    let sum = 0;
    for (let i = 0; i < V; i++) sum += Math.exp(cap(z[o + i], softcap) - max);
    const w = weights[p];
    const tgt = targets[p];
    for (let i = 0; i < V; i++) {
      const zi = z[o + i];
      let g = (Math.exp(cap(zi, softcap) - max) / sum - (i === tgt ? 1 : 0)) * w;
      if (softcap > 0) {
        const th = Math.tanh(zi / softcap);
        g *= 1 - th * th;
      }
      dz[o + i] = g;
    }
  }
}

function cap(z: number, c: number): number {
  return c > 0 ? c * Math.tanh(z / c) : z;
}
