// RMSNorm over rows: y = x / sqrt(mean(x²) + eps) · g, with g the weight as GGUF stores it
// (Gemma's 1 + w is already folded in, so dL/dg is the gradient of the stored tensor).
// Shapes: x, y [R, N] (R rows: tokens, or tokens × heads for the q/k norms); g [N].
//   rmsNorm           the forward the model runs (float32 out; sums in float64 as ggml's CPU backend)
//   rmsNormBackward   adds dL/dx and dL/dg
//   rmsNormReference  float64 forward for finite-difference checks
import type { Vec } from './vec.ts';

export function rmsNorm(
  x: Float32Array,
  rows: number,
  D: number,
  w: Float32Array,
  eps: number,
  out: Float32Array = new Float32Array(rows * D),
): Float32Array {
  for (let r = 0; r < rows; r++) {
    const o = r * D;
    let ss = 0;
    for (let i = 0; i < D; i++) ss += x[o + i] * x[o + i];
    const scale = Math.fround(1 / Math.sqrt(Math.fround(ss / D) + eps));
    for (let i = 0; i < D; i++) out[o + i] = Math.fround(x[o + i] * scale) * w[i];
  }
  return out;
}

/**
 * Adds dL/dx into dx and dL/dg into dg (null: frozen). rstd is recomputed from x instead of
 * cached: one extra pass over a row is cheaper than keeping a buffer per norm per layer.
 * With n = x·rstd:  dg += Σ_rows dy·n,  dx += rstd · (dy·g − n · mean(dy·g·n)).
 */
export function rmsNormBackward(dx: Vec, dg: Vec | null, dy: Vec, x: Vec, g: Vec, R: number, N: number, eps: number): void {
  for (let r = 0; r < R; r++) {
    const o = r * N;
    let ss = 0;
    for (let i = 0; i < N; i++) ss += x[o + i] * x[o + i];
    const rstd = 1 / Math.sqrt(ss / N + eps);
    let dot = 0; // Σ dy·g·n
    for (let i = 0; i < N; i++) dot += dy[o + i] * g[i] * x[o + i] * rstd;
    const mean = dot / N;
    if (dg) {
      for (let i = 0; i < N; i++) {
        const n = x[o + i] * rstd;
        dg[i] += dy[o + i] * n;
        dx[o + i] += rstd * (dy[o + i] * g[i] - n * mean);
      }
    } else {
      // frozen norm weight (LoRA training: every norm): the same arithmetic without dg
      for (let i = 0; i < N; i++) dx[o + i] += rstd * (dy[o + i] * g[i] - x[o + i] * rstd * mean);
    }
  }
}

export function rmsNormReference(y: Vec, x: Vec, g: Vec, R: number, N: number, eps: number): void {
  for (let r = 0; r < R; r++) {
    const o = r * N;
    let ss = 0;
    for (let i = 0; i < N; i++) ss += x[o + i] * x[o + i];
    const rstd = 1 / Math.sqrt(ss / N + eps);
    for (let i = 0; i < N; i++) y[o + i] = x[o + i] * rstd * g[i];
  }
}
