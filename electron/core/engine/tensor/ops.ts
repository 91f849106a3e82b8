// The element-wise and row-wise kernels of Gemma 3 (everything but the matmuls), on flat
// row-major Float32Arrays. Sums run in float64 (JS numbers), as ggml's CPU backend does for norms.
//
//   rmsNorm(x [R, D], w [D]) → y [R, D]        y = x / sqrt(mean(x²) + eps) · w   (w already holds 1 + γ)
//   ropeNeox(x [R, nHeads·Dh], positions [R])   half-split rotation, in place
//   geluTanh(x [n])                              in place
//   softmaxRow(x, from, to)                      in place over x[from, to)
import { f16Table, f32ToF16 } from './f16.ts';

export function rmsNorm(x: Float32Array, rows: number, D: number, w: Float32Array, eps: number, out: Float32Array = new Float32Array(rows * D)): Float32Array {
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
 * Rotary embedding, NeoX style (pairs i and i + Dh/2), on every head of every row.
 * θ_i = p · freqScale · base^(−2i/Dh), computed by repeated float32 multiplication as ggml does,
 * so angles at large positions round the same way as llama.cpp's.
 */
export function ropeNeox(x: Float32Array, rows: number, nHeads: number, Dh: number, positions: ArrayLike<number>, base: number, freqScale = 1): void {
  const half = Dh / 2;
  const thetaScale = Math.fround(Math.pow(base, -2 / Dh));
  const cos = new Float32Array(half);
  const sin = new Float32Array(half);
  for (let r = 0; r < rows; r++) {
    let theta = Math.fround(positions[r] * freqScale);
    for (let i = 0; i < half; i++) {
      cos[i] = Math.cos(theta);
      sin[i] = Math.sin(theta);
      theta = Math.fround(theta * thetaScale);
    }
    for (let h = 0; h < nHeads; h++) {
      const o = (r * nHeads + h) * Dh;
      for (let i = 0; i < half; i++) {
        const x0 = x[o + i];
        const x1 = x[o + i + half];
        x[o + i] = x0 * cos[i] - x1 * sin[i];
        x[o + i + half] = x0 * sin[i] + x1 * cos[i];
      }
    }
  }
}

const SQRT_2_OVER_PI = 0.7978845608028654;
const GELU_COEF_A = 0.044715;

/** 0.5·x·(1 + tanh(u)) written as x·σ(2u): the same function, twice as fast in V8, and exact for x ≪ 0. */
export function geluTanhScalar(x: number): number {
  return x / (1 + Math.exp(-2 * SQRT_2_OVER_PI * x * (1 + GELU_COEF_A * x * x)));
}

let geluTable: Float32Array | undefined;

/**
 * GELU (tanh approximation), in place. `f16Table` reproduces ggml's CPU shortcut: the input is
 * rounded to f16 and the output read from a 65,536-entry f16 table (|x| ≥ 10 passes through).
 */
export function geluTanh(x: Float32Array, n = x.length, f16Lookup = false): void {
  if (!f16Lookup) {
    // geluTanhScalar inlined (V8 does not always inline it, and this loop runs T·F times per layer)
    const c = -2 * SQRT_2_OVER_PI;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      x[i] = v / (1 + Math.exp(c * v * (1 + GELU_COEF_A * v * v)));
    }
    return;
  }
  if (!geluTable) {
    const half = f16Table();
    geluTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) geluTable[h] = half[f32ToF16(Math.fround(geluTanhScalar(half[h])))];
  }
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v <= -10) x[i] = 0;
    else if (v < 10) x[i] = geluTable[f32ToF16(v)];
  }
}

/** Softmax over x[from, to) in place; entries outside the range are left untouched. */
export function softmaxRow(x: Float32Array, from: number, to: number): void {
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
