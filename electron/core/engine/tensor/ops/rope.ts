// Rotary embedding, NeoX style (half-split: dimension i is paired with i + Dh/2), on every head of
// every row, as Gemma 3 uses it.
// Shapes: x [R, nHeads·Dh]; positions [R].
//   ropeAngles     θ[r, i] = p_r · freqScale · base^(−2i/Dh), the ONE angle function: products in
//                  float32 as ggml computes them, so angles at large positions round like llama.cpp's,
//                  and the backward rotates by exactly the forward's angles
//   ropeNeox       the forward the model runs, in place
//   ropeBackward   adds Rᵀ·dy (the inverse rotation)
//   ropeReference  the forward over any Vec (float64 finite-difference checks)
import type { Vec } from './vec.ts';

export interface RopeTables {
  /** [R, Dh/2] cos θ and sin θ, rounded to float32 as ggml's cache of them is */
  cos: Float32Array;
  sin: Float32Array;
}

/** Angles [R, Dh/2] in float32: θ_0 = fround(p·freqScale), θ_{i+1} = fround(θ_i · fround(base^(−2/Dh))). */
export function ropeAngles(positions: ArrayLike<number>, Dh: number, base: number, freqScale = 1): Float32Array {
  const half = Dh / 2;
  const thetaScale = Math.fround(Math.pow(base, -2 / Dh));
  const out = new Float32Array(positions.length * half);
  for (let r = 0; r < positions.length; r++) {
    let theta = Math.fround(positions[r] * freqScale);
    for (let i = 0; i < half; i++) {
      out[r * half + i] = theta;
      theta = Math.fround(theta * thetaScale);
    }
  }
  return out;
}

export function ropeTables(positions: ArrayLike<number>, Dh: number, base: number, freqScale = 1): RopeTables {
  const theta = ropeAngles(positions, Dh, base, freqScale);
  return { cos: theta.map(Math.cos), sin: theta.map(Math.sin) };
}

export function ropeNeox(
  x: Float32Array,
  rows: number,
  nHeads: number,
  Dh: number,
  positions: ArrayLike<number>,
  base: number,
  freqScale = 1,
): void {
  ropeReference(x, x, ropeTables(positions, Dh, base, freqScale), rows, nHeads, Dh);
}

/** y = R(θ)·x per pair; y may alias x (each pair is read before it is written). */
export function ropeReference(y: Vec, x: Vec, tables: RopeTables, rows: number, nHeads: number, Dh: number): void {
  const half = Dh / 2;
  const { cos, sin } = tables;
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < nHeads; h++) {
      const o = (r * nHeads + h) * Dh;
      for (let i = 0; i < half; i++) {
        const c = cos[r * half + i],
          s = sin[r * half + i];
        const x0 = x[o + i],
          x1 = x[o + i + half];
        y[o + i] = x0 * c - x1 * s;
        y[o + i + half] = x0 * s + x1 * c;
      }
    }
  }
}

/** A rotation's backward is the inverse rotation: adds R(θ)ᵀ·dy into dx. */
export function ropeBackward(dx: Vec, dy: Vec, tables: RopeTables, rows: number, nHeads: number, Dh: number): void {
  const half = Dh / 2;
  const { cos, sin } = tables;
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < nHeads; h++) {
      const o = (r * nHeads + h) * Dh;
      for (let i = 0; i < half; i++) {
        const c = cos[r * half + i],
          s = sin[r * half + i];
        const a = dy[o + i],
          b = dy[o + i + half];
        dx[o + i] += a * c + b * s;
        dx[o + i + half] += -a * s + b * c;
      }
    }
  }
}
