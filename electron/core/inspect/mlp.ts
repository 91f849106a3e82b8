// MLP statistics of one block, taken from live tensors by read-only forward hooks (no [T, F] copies
// kept): histograms of the GELU's input and output, where GELU is saturated, and the units that
// contribute most (candidates to ablate on the Interventions tab).
// Legend: T tokens, F ffn units.
import type { MlpLayerSummary } from '../api/inspect.ts';
import { GELU_FLAT_BELOW } from '../engine/models/gemma3/saturation.ts';
import { histogram } from './stats.ts';
import { topK } from './topk.ts';

const HIST_BINS = 48;

/** Histogram over the data's own range. */
export function autoHistogram(x: Float32Array) {
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  if (!(hi > lo)) hi = lo + 1;
  return histogram(x, lo, hi + (hi - lo) * 1e-6, HIST_BINS);
}

/** gate [T, F] pre-activations: histogram and GELU saturation. */
export function gateSummary(
  gate: Float32Array,
  T: number,
  F: number,
): Pick<MlpLayerSummary, 'gate' | 'flatFraction' | 'linearFraction' | 'deadUnits'> {
  let flat = 0,
    linear = 0,
    dead = 0;
  for (let f = 0; f < F; f++) {
    let flatHere = 0;
    for (let t = 0; t < T; t++) {
      const v = gate[t * F + f];
      if (v < GELU_FLAT_BELOW) flatHere++;
      else if (v > -GELU_FLAT_BELOW) linear++;
    }
    flat += flatHere;
    if (flatHere === T) dead++;
  }
  return { gate: autoHistogram(gate), flatFraction: flat / (T * F), linearFraction: linear / (T * F), deadUnits: dead };
}

/** The `n` units with the largest mean |gelu(gate)·up| over the prompt. */
export function topUnits(par: Float32Array, T: number, F: number, n: number): { unit: number; meanAbs: number }[] {
  const sums = new Float64Array(F);
  for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) sums[f] += Math.abs(par[t * F + f]);
  const d = topK(sums, n);
  return d.ids.map((unit) => ({ unit, meanAbs: sums[unit] / T }));
}
