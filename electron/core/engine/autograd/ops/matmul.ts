// Linear layer y = x · Wᵀ with W stored as GGUF stores it (ne = [IN, OUT]: OUT rows of IN values).
// Shapes: x [T, IN], W [OUT, IN], y [T, OUT].
// Naive reference kernels (the oracle); the model backward uses the fast ones in ../kernels/.
import type { Vec } from '../types.ts';

export function matmulForward(y: Vec, x: Vec, w: Vec, T: number, IN: number, OUT: number): void {
  for (let t = 0; t < T; t++) {
    for (let o = 0; o < OUT; o++) {
      let s = 0;
      for (let i = 0; i < IN; i++) s += x[t * IN + i] * w[o * IN + i];
      y[t * OUT + o] = s;
    }
  }
}

/**
 * Adds dL/dx = dy · W into dx and dL/dW = dyᵀ · x into dw (either may be null when not wanted,
 * e.g. a frozen weight or the first layer's input).
 */
export function matmulBackward(
  dx: Vec | null, dw: Vec | null, dy: Vec, x: Vec, w: Vec, T: number, IN: number, OUT: number,
): void {
  for (let t = 0; t < T; t++) {
    for (let o = 0; o < OUT; o++) {
      const g = dy[t * OUT + o];
      if (g === 0) continue;
      if (dx) for (let i = 0; i < IN; i++) dx[t * IN + i] += g * w[o * IN + i];
      if (dw) for (let i = 0; i < IN; i++) dw[o * IN + i] += g * x[t * IN + i];
    }
  }
}
