// Softmax and log-sum-exp, written once: attention rows (softmaxRow), sampling (softmax), the
// cross-entropy loss (logSumExp).
import type { Vec } from './vec.ts';

/** log Σ_i exp(x[o + i]) over n entries, stable (the max is subtracted), in float64. */
export function logSumExp(x: ArrayLike<number>, o: number, n: number): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (x[o + i] > max) max = x[o + i];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(x[o + i] - max);
  return max + Math.log(sum);
}

/** Softmax over x[from, to) in place; entries outside the range are left untouched. */
export function softmaxRow(x: Vec, from: number, to: number): void {
  let max = -Infinity;
  for (let i = from; i < to; i++) if (x[i] > max) max = x[i];
  let sum = 0;
  for (let i = from; i < to; i++) {
    const e = Math.exp(x[i] - max);
    x[i] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let i = from; i < to; i++) x[i] *= inv;
}

/** Softmax of logits[offset, offset + length) as float64 probabilities (a new array). */
export function softmax(logits: ArrayLike<number>, offset = 0, length = logits.length - offset): Float64Array {
  const lse = logSumExp(logits, offset, length);
  const p = new Float64Array(length);
  for (let i = 0; i < length; i++) p[i] = Math.exp(logits[offset + i] - lse);
  return p;
}
