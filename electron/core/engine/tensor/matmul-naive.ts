// Naive x·Wᵀ kernels in plain TypeScript: the test oracle and the fallback when WebAssembly
// SIMD is unavailable or a shape does not suit the fast kernels (see matmul.ts).
//
//   x [T, K] · W[N, K]ᵀ → y [T, N]        W stored as GGUF stores it: `N` rows of `K` values.
import { f16Table, f32ToF16 as f32ToF16Bits } from '../gguf/half.ts';

export type WeightFormat = 'f32' | 'f16' | 'q8_0';

/** A weight matrix in its stored form (raw GGUF bytes for F16/Q8_0). */
export interface RawMatrix {
  format: WeightFormat;
  rows: number; // N (outputs)
  cols: number; // K (inputs)
  /** f32: Float32Array [N·K]; f16: Uint16Array [N·K]; q8_0: bytes of N·K/32 blocks (f16 scale + 32 int8). */
  data: Float32Array | Uint16Array | Uint8Array;
}

export const Q8_BLOCK = 32;
export const Q8_BLOCK_BYTES = 34;

/** Row `r` of W as floats. */
export function dequantizeRow(w: RawMatrix, r: number, out: Float32Array): Float32Array {
  const K = w.cols;
  if (w.format === 'f32') {
    out.set((w.data as Float32Array).subarray(r * K, r * K + K));
  } else if (w.format === 'f16') {
    const t = f16Table();
    const d = w.data as Uint16Array;
    for (let k = 0; k < K; k++) out[k] = t[d[r * K + k]];
  } else {
    const t = f16Table();
    const bytes = w.data as Uint8Array;
    const nb = K / Q8_BLOCK;
    for (let b = 0; b < nb; b++) {
      const o = (r * nb + b) * Q8_BLOCK_BYTES;
      const d = t[bytes[o] | (bytes[o + 1] << 8)];
      for (let i = 0; i < Q8_BLOCK; i++) out[b * Q8_BLOCK + i] = d * ((bytes[o + 2 + i] << 24) >> 24);
    }
  }
  return out;
}

/** y = x · Wᵀ with float32 math, one dequantized row of W at a time. */
export function matmulNaive(x: Float32Array, T: number, w: RawMatrix, y: Float32Array): Float32Array {
  const { rows: N, cols: K } = w;
  const row = new Float32Array(K);
  for (let n = 0; n < N; n++) {
    dequantizeRow(w, n, row);
    for (let t = 0; t < T; t++) {
      let s = 0;
      const xo = t * K;
      for (let k = 0; k < K; k++) s += x[xo + k] * row[k];
      y[t * N + n] = s;
    }
  }
  return y;
}

/**
 * Activations quantized as llama.cpp does before a Q8_0 matmul (`quantize_row_q8_0`): per block of
 * 32, d = max|x| / 127 stored as f16, q = round(x / d).
 *   x [T, K] → q int16 [T, K] (int8 range, widened for the SIMD dot), d f32 [T, K/32]
 */
export function quantizeRowsQ8(x: Float32Array, T: number, K: number, q: Int16Array, d: Float32Array): void {
  const nb = K / Q8_BLOCK;
  const half = f16Table();
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < nb; b++) {
      const o = t * K + b * Q8_BLOCK;
      let amax = 0;
      for (let i = 0; i < Q8_BLOCK; i++) amax = Math.max(amax, Math.abs(x[o + i]));
      const scale = amax / 127;
      const inv = amax !== 0 ? 127 / amax : 0;
      d[t * nb + b] = half[f32ToF16Bits(scale)];
      for (let i = 0; i < Q8_BLOCK; i++) q[o + i] = roundHalfEven(Math.fround(x[o + i] * inv));
    }
  }
}

// x86 rounds with the current mode (nearest, ties to even), as ggml's AVX path does.
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/** The llama.cpp Q8_0 × Q8_0 product in plain TS (oracle for the SIMD kernel). */
export function matmulQ8Naive(x: Float32Array, T: number, w: RawMatrix, y: Float32Array): Float32Array {
  const { rows: N, cols: K } = w;
  const nb = K / Q8_BLOCK;
  const q = new Int16Array(T * K);
  const dx = new Float32Array(T * nb);
  quantizeRowsQ8(x, T, K, q, dx);
  const bytes = w.data as Uint8Array;
  const t16 = f16Table();
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      let s = 0;
      for (let b = 0; b < nb; b++) {
        const o = (n * nb + b) * Q8_BLOCK_BYTES;
        const dw = t16[bytes[o] | (bytes[o + 1] << 8)];
        let si = 0;
        for (let i = 0; i < Q8_BLOCK; i++) si += q[t * K + b * Q8_BLOCK + i] * ((bytes[o + 2 + i] << 24) >> 24);
        s += Math.fround(dw * dx[t * nb + b]) * si;
      }
      y[t * N + n] = s;
    }
  }
  return y;
}
