// Central finite differences against an analytic backward, in float64 (test support for the ops
// and the model backward).
// The check follows llm.c / micrograd: loss = Σ out · dOut for a random dOut, so one backward
// call yields the gradient of that scalar with respect to every input at once.

import { randn, rng } from '../random.ts';

export interface GradCheckResult {
  /** max over entries of |analytic − numeric| / max(|analytic|, |numeric|, floor) (see REL_FLOOR) */
  maxRelErr: number;
  maxAbsErr: number;
  worst: { index: number; analytic: number; numeric: number };
  checked: number;
}

/**
 * Relative error needs a floor: an entry whose true gradient is ~0 (a softmax tail at 1e-7, say)
 * is dominated by the finite difference's own rounding (~1e-11 absolute), not by any bug. The
 * floor is REL_FLOOR times the largest |gradient| of the same tensor, so tiny entries are judged
 * against the tensor's scale.
 */
export const REL_FLOOR = 1e-3;

export function compareGrad(analytic: ArrayLike<number>, numeric: ArrayLike<number>, indices?: number[]): GradCheckResult {
  const idx = indices ?? Array.from({ length: numeric.length }, (_, i) => i);
  let scale = 0;
  for (let k = 0; k < idx.length; k++) scale = Math.max(scale, Math.abs(indices ? numeric[k] : numeric[idx[k]]));
  const floor = Math.max(REL_FLOOR * scale, 1e-300);
  const r: GradCheckResult = { maxRelErr: 0, maxAbsErr: 0, worst: { index: -1, analytic: 0, numeric: 0 }, checked: idx.length };
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    const a = analytic[i],
      n = indices ? numeric[k] : numeric[i];
    const abs = Math.abs(a - n);
    const rel = abs / Math.max(Math.abs(a), Math.abs(n), floor);
    r.maxAbsErr = Math.max(r.maxAbsErr, abs);
    if (rel > r.maxRelErr || r.worst.index < 0) {
      r.maxRelErr = Math.max(r.maxRelErr, rel);
      r.worst = { index: i, analytic: a, numeric: n };
    }
  }
  return r;
}

/**
 * Checks one op. `forward()` reads the current contents of `inputs` and returns its output;
 * `backward(dOut, grads)` must ADD the gradients into the zeroed `grads` (same keys as inputs).
 * Returns one result per input name.
 */
export function checkOp(opts: {
  inputs: Record<string, Float64Array>;
  forward: () => Float64Array;
  backward: (dOut: Float64Array, grads: Record<string, Float64Array>) => void;
  seed?: number;
  step?: number;
}): Record<string, GradCheckResult> {
  const { inputs, forward, backward } = opts;
  const h = opts.step ?? 1e-5;
  const rand = rng(opts.seed ?? 1234);
  const out0 = forward().slice();
  const dOut = randn(rand, out0.length);
  const loss = () => {
    const out = forward();
    let s = 0;
    for (let i = 0; i < out.length; i++) s += out[i] * dOut[i];
    return s;
  };
  const grads: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(inputs)) grads[k] = new Float64Array(v.length);
  forward(); // backward may rely on the forward's cache being for the unperturbed inputs
  backward(dOut, grads);
  const results: Record<string, GradCheckResult> = {};
  for (const [k, v] of Object.entries(inputs)) {
    const numeric = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const old = v[i];
      v[i] = old + h;
      const lp = loss();
      v[i] = old - h;
      const lm = loss();
      v[i] = old;
      numeric[i] = (lp - lm) / (2 * h);
    }
    results[k] = compareGrad(grads[k], numeric);
  }
  return results;
}
