// Where learning silently stops: GELU units in their flat tail and attention heads whose softmax
// has collapsed onto one key. Plain data for the gradient inspector.
// Legend: T tokens, F ffn, H heads.
import type { Vec } from '../../tensor/ops/vec.ts';
import { geluGrad } from '../../tensor/ops/gelu.ts';
import { firstKey } from '../../tensor/ops/attention.ts';

/** Below this pre-activation, |gelu'(x)| < 0.012: the gate passes almost no gradient. */
export const GELU_FLAT_BELOW = -3;
/** A head whose mean attention entropy is below this (nats) is nearly one-hot. */
export const LOW_ENTROPY_NATS = 0.1;

export const EXPLAIN = {
  geluFlat:
    `GELU unit in its flat region (pre-activation < ${GELU_FLAT_BELOW}): its slope there is below ` +
    `${Math.abs(geluGrad(GELU_FLAT_BELOW)).toFixed(3)}, so almost no gradient reaches the weights that feed it and they stop learning ` +
    '(large positive inputs are not saturated: GELU is linear there, slope ≈ 1).',
  lowEntropyHead:
    'Attention head with near-zero entropy: its softmax puts almost all weight on one key, and the softmax slope ' +
    'p·(1−p) is ≈ 0 at p ≈ 1, so its query and key weights get almost no gradient and stop learning.',
} as const;

export interface GeluSaturation {
  layer: number;
  /** fraction of (token, unit) pairs with pre-activation below GELU_FLAT_BELOW */
  flatFraction: number;
  /** units flat at every token of the prompt: no gradient flows through them at all */
  deadUnits: number[];
  /** fraction of pairs above +3 (linear, not saturated; shown for contrast) */
  linearFraction: number;
  flagged: boolean;
  explanation: string;
}

/** gate: [T, F] ffn_gate pre-activations of one layer. */
export function geluSaturation(layer: number, gate: Vec, T: number, F: number, maxListed = 64): GeluSaturation {
  let flat = 0,
    linear = 0;
  const dead: number[] = [];
  for (let f = 0; f < F; f++) {
    let flatHere = 0;
    for (let t = 0; t < T; t++) {
      const x = gate[t * F + f];
      if (x < GELU_FLAT_BELOW) flatHere++;
      else if (x > -GELU_FLAT_BELOW) linear++;
    }
    flat += flatHere;
    if (flatHere === T && dead.length < maxListed) dead.push(f);
  }
  const flatFraction = flat / (T * F);
  return {
    layer,
    flatFraction,
    deadUnits: dead,
    linearFraction: linear / (T * F),
    flagged: dead.length > 0 || flatFraction > 0.5,
    explanation: EXPLAIN.geluFlat,
  };
}

export interface HeadEntropy {
  layer: number;
  head: number;
  /** mean entropy (nats) over queries that see at least 2 keys */
  meanEntropy: number;
  /** mean entropy divided by log(number of visible keys): 1 = uniform, 0 = one-hot */
  normalizedEntropy: number;
  flagged: boolean;
  explanation: string;
}

/** probs: [H, T, T] kq_soft_max of one layer. */
export function headEntropies(layer: number, probs: Vec, T: number, H: number, window: number): HeadEntropy[] {
  const out: HeadEntropy[] = [];
  for (let h = 0; h < H; h++) {
    let sum = 0,
      sumNorm = 0,
      n = 0;
    for (let t = 0; t < T; t++) {
      const s0 = firstKey(t, window);
      const visible = t - s0 + 1;
      if (visible < 2) continue;
      let e = 0;
      for (let j = s0; j <= t; j++) {
        const p = probs[(h * T + t) * T + j];
        if (p > 0) e -= p * Math.log(p);
      }
      sum += e;
      sumNorm += e / Math.log(visible);
      n++;
    }
    const meanEntropy = n ? sum / n : 0;
    out.push({
      layer,
      head: h,
      meanEntropy,
      normalizedEntropy: n ? sumNorm / n : 0,
      flagged: n > 0 && meanEntropy < LOW_ENTROPY_NATS,
      explanation: EXPLAIN.lowEntropyHead,
    });
  }
  return out;
}
