// RMSNorm over rows: y = x / sqrt(mean(x²) + eps) · g, with g the weight as GGUF stores it
// (Gemma's 1 + w is already folded in, so dL/dg is the gradient of the stored tensor).
// Shapes: x, y [R, N] (R rows: tokens, or tokens × heads for the q/k norms); g [N].
import type { Vec } from '../types.ts';

export function rmsnormForward(y: Vec, x: Vec, g: Vec, R: number, N: number, eps: number): void {
  for (let r = 0; r < R; r++) {
    const o = r * N;
    let ss = 0;
    for (let i = 0; i < N; i++) ss += x[o + i] * x[o + i];
    const rstd = 1 / Math.sqrt(ss / N + eps);
    for (let i = 0; i < N; i++) y[o + i] = x[o + i] * rstd * g[i];
  }
}

/**
 * Adds dL/dx into dx and dL/dg into dg (null to skip). rstd is recomputed from x instead of
 * cached: one extra pass over a row is cheaper than keeping a buffer per norm per layer.
 * With n = x·rstd:  dg += Σ_rows dy·n,  dx = rstd · (dy·g − n · mean(dy·g·n)).
 */
export function rmsnormBackward(
  dx: Vec, dg: Vec | null, dy: Vec, x: Vec, g: Vec, R: number, N: number, eps: number,
): void {
  for (let r = 0; r < R; r++) {
    const o = r * N;
    let ss = 0;
    for (let i = 0; i < N; i++) ss += x[o + i] * x[o + i];
    const rstd = 1 / Math.sqrt(ss / N + eps);
    let dot = 0; // Σ dy·g·n
    for (let i = 0; i < N; i++) dot += dy[o + i] * g[i] * x[o + i] * rstd;
    const mean = dot / N;
    for (let i = 0; i < N; i++) {
      const n = x[o + i] * rstd;
      if (dg) dg[i] += dy[o + i] * n;
      dx[o + i] += rstd * (dy[o + i] * g[i] - n * mean);
    }
  }
}
