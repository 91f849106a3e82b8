// Summary statistics of activation tensors, in one pass each, in float64 accumulators (a 64-token
// residual of the 270M model is 41k values; f32 sums would lose digits the table shows).
import type { Histogram, TensorStats } from '../api/inspect.ts';

/** The largest finite fp16 value: anything beyond it becomes ±Inf in half precision. */
export const FP16_MAX = 65504;

/** mean, population std, max |x| and the fraction of |x| > 65504 over `n` values of `x` from `from`. */
export function tensorStats(x: ArrayLike<number>, from = 0, n = x.length - from): TensorStats {
  let sum = 0,
    sumSq = 0,
    maxAbs = 0,
    over = 0;
  for (let i = from; i < from + n; i++) {
    const v = x[i];
    sum += v;
    sumSq += v * v;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a > FP16_MAX) over++;
  }
  const mean = n ? sum / n : 0;
  const variance = n ? Math.max(0, sumSq / n - mean * mean) : 0;
  return { mean, std: Math.sqrt(variance), maxAbs, fp16Overflow: n ? over / n : 0, count: n };
}

/** L2 norm of each of `rows` rows of width `D`. */
export function rowNorms(x: ArrayLike<number>, rows: number, D: number): number[] {
  const out = new Array<number>(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += x[r * D + d] ** 2;
    out[r] = Math.sqrt(s);
  }
  return out;
}

/** Histogram with `bins` equal bins over [lo, hi); values outside are counted in under / over. */
export function histogram(x: ArrayLike<number>, lo: number, hi: number, bins: number): Histogram {
  if (!(hi > lo) || bins < 1) throw new RangeError(`histogram needs lo < hi and bins ≥ 1 (got ${lo}, ${hi}, ${bins})`);
  const counts = new Array<number>(bins).fill(0);
  let under = 0,
    over = 0;
  const width = (hi - lo) / bins;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < lo) under++;
    else if (v >= hi) over++;
    else counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  return { edges, counts, under, over };
}

/** Cosine similarity of a[ao..ao+n) and b[bo..bo+n); 0 when either is the zero vector. */
export function cosine(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, n: number): number {
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[ao + i],
      y = b[bo + i];
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** Mean of the `rows` rows of x [rows, D]. */
export function meanRow(x: ArrayLike<number>, rows: number, D: number): Float32Array {
  const out = new Float64Array(D);
  for (let r = 0; r < rows; r++) for (let d = 0; d < D; d++) out[d] += x[r * D + d];
  return Float32Array.from(out, (v) => v / rows);
}
