// Linear layer y = x · Wᵀ with W stored as GGUF stores it (ne = [IN, OUT]: OUT rows of IN values).
// Shapes: x [T, IN], W [OUT, IN], y [T, OUT].
//   fast forward and backward: MatmulEngine.linear / linearBackward (SIMD kernels on the pool)
//   linearReference / linearBackwardReference: plain loops over any Vec (the oracle)
import type { Vec } from './vec.ts';

export function linearReference(y: Vec, x: Vec, w: Vec, T: number, IN: number, OUT: number): void {
  for (let t = 0; t < T; t++) {
    for (let o = 0; o < OUT; o++) {
      let s = 0;
      for (let i = 0; i < IN; i++) s += x[t * IN + i] * w[o * IN + i];
      y[t * OUT + o] = s;
    }
  }
}

/** Adds dL/dx = dy · W into dx and dL/dW = dyᵀ · x into dw (either null when not wanted). */
export function linearBackwardReference(dx: Vec | null, dw: Vec | null, dy: Vec, x: Vec, w: Vec, T: number, IN: number, OUT: number): void {
  for (let t = 0; t < T; t++) {
    for (let o = 0; o < OUT; o++) {
      const g = dy[t * OUT + o];
      if (g === 0) continue;
      if (dx) for (let i = 0; i < IN; i++) dx[t * IN + i] += g * w[o * IN + i];
      if (dw) for (let i = 0; i < IN; i++) dw[o * IN + i] += g * x[t * IN + i];
    }
  }
}
