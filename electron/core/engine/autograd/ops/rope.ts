// Half-split ("NeoX") rotary embedding on the full head dim, as Gemma 3 uses it: dimension j is
// paired with j + Dh/2 and rotated by angle pos · base^(−2j/Dh).
// Shapes: x, y [T, H, Dh]; positions [T].
import type { Vec } from '../types.ts';

/** cos/sin tables [T, Dh/2]: shared by forward and backward of one layer type. */
export function ropeTables(positions: ArrayLike<number>, Dh: number, base: number): { cos: Float64Array; sin: Float64Array } {
  const half = Dh / 2;
  const T = positions.length;
  const cos = new Float64Array(T * half);
  const sin = new Float64Array(T * half);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < half; j++) {
      const theta = positions[t] * Math.pow(base, (-2 * j) / Dh);
      cos[t * half + j] = Math.cos(theta);
      sin[t * half + j] = Math.sin(theta);
    }
  }
  return { cos, sin };
}

export function ropeForward(y: Vec, x: Vec, cos: Float64Array, sin: Float64Array, T: number, H: number, Dh: number): void {
  const half = Dh / 2;
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < H; h++) {
      const o = (t * H + h) * Dh;
      for (let j = 0; j < half; j++) {
        const c = cos[t * half + j], s = sin[t * half + j];
        const a = x[o + j], b = x[o + j + half];
        y[o + j] = a * c - b * s;
        y[o + j + half] = a * s + b * c;
      }
    }
  }
}

/** A rotation's backward is the inverse rotation: adds Rᵀ·dy into dx. */
export function ropeBackward(dx: Vec, dy: Vec, cos: Float64Array, sin: Float64Array, T: number, H: number, Dh: number): void {
  const half = Dh / 2;
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < H; h++) {
      const o = (t * H + h) * Dh;
      for (let j = 0; j < half; j++) {
        const c = cos[t * half + j], s = sin[t * half + j];
        const a = dy[o + j], b = dy[o + j + half];
        dx[o + j] += a * c + b * s;
        dx[o + j + half] += -a * s + b * c;
      }
    }
  }
}
