// Numeric buffers every autograd op accepts. Ops are written once over `Vec` so the same code
// runs in float32 (the engine) and float64 (finite-difference checks, where f32 rounding would
// drown the truncation error we want to measure).
export type Vec = Float32Array | Float64Array;

/** Thrown for inconsistent shapes or arguments given to an autograd op or the model backward. */
export class AutogradError extends Error {
  override name = 'AutogradError';
}

export function expectLength(what: string, v: ArrayLike<number>, n: number): void {
  if (v.length < n) throw new AutogradError(`${what}: expected at least ${n} values, got ${v.length}`);
}

/** dst += src, the backward of a residual add (the gradient flows unchanged into both branches). */
export function accumulate(dst: Vec, src: Vec, n = src.length): void {
  for (let i = 0; i < n; i++) dst[i] += src[i];
}
