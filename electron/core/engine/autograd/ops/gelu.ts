// Gated GELU of Gemma's MLP: h = gelu_tanh(gate) ⊙ up (llama.cpp's LLM_FFN_GELU + LLM_FFN_PAR).
// gelu_tanh(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³))).  Shapes: gate, up, h [T, F].
import type { Vec } from '../types.ts';

const K = Math.sqrt(2 / Math.PI);
const C = 0.044715;

export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(K * (x + C * x * x * x)));
}

/** d gelu_tanh / dx. Near 0 for x ≲ −3 (the flat tail: no gradient flows), ≈ 1 for x ≳ 3 (linear). */
export function geluGrad(x: number): number {
  const u = K * (x + C * x * x * x);
  const th = Math.tanh(u);
  return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * K * (1 + 3 * C * x * x);
}

export function gatedGeluForward(h: Vec, gate: Vec, up: Vec, n: number): void {
  for (let i = 0; i < n; i++) h[i] = gelu(gate[i]) * up[i];
}

/** Adds dL/dgate = dh·up·gelu'(gate) and dL/dup = dh·gelu(gate). */
export function gatedGeluBackward(dgate: Vec, dup: Vec, dh: Vec, gate: Vec, up: Vec, n: number): void {
  for (let i = 0; i < n; i++) {
    const g = gate[i];
    dgate[i] += dh[i] * up[i] * geluGrad(g);
    dup[i] += dh[i] * gelu(g);
  }
}
