// Gated GELU of Gemma's MLP: h = gelu_tanh(gate) ⊙ up (llama.cpp's LLM_FFN_GELU + LLM_FFN_PAR).
// gelu_tanh(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³))).  Shapes: gate, up, h [T, F].
//   geluTanh            scalar forward in place (the SIMD one is MatmulEngine.gelu, on the pool);
//                       optionally through ggml's f16 lookup table
//   gatedGeluBackward   adds dL/dgate and dL/dup
//   gatedGeluReference  float64 forward for finite-difference checks
import { f16Table, f32ToF16 } from '../../gguf/half.ts';
import type { Vec } from './vec.ts';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_COEF_A = 0.044715;

export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_COEF_A * x * x * x)));
}

/** d gelu_tanh / dx. Near 0 for x ≲ −3 (the flat tail: no gradient flows), ≈ 1 for x ≳ 3 (linear). */
export function geluGrad(x: number): number {
  const u = SQRT_2_OVER_PI * (x + GELU_COEF_A * x * x * x);
  const th = Math.tanh(u);
  return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * SQRT_2_OVER_PI * (1 + 3 * GELU_COEF_A * x * x);
}

/** 0.5·x·(1 + tanh(u)) written as x·σ(2u): the same function, twice as fast in V8, and exact for x ≪ 0. */
export function geluTanhScalar(x: number): number {
  return x / (1 + Math.exp(-2 * SQRT_2_OVER_PI * x * (1 + GELU_COEF_A * x * x)));
}

let geluTable: Float32Array | undefined;

/**
 * GELU (tanh approximation), in place. `f16Lookup` reproduces ggml's CPU shortcut: the input is
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

/** Adds dL/dgate = dh·up·gelu'(gate) and dL/dup = dh·gelu(gate). */
export function gatedGeluBackward(dgate: Vec, dup: Vec, dh: Vec, gate: Vec, up: Vec, n: number): void {
  for (let i = 0; i < n; i++) {
    // gelu(g) and geluGrad(g) inlined around one tanh (the same expressions, so the same numbers)
    const g = gate[i];
    const th = Math.tanh(SQRT_2_OVER_PI * (g + GELU_COEF_A * g * g * g));
    const d = dh[i];
    dgate[i] += d * up[i] * (0.5 * (1 + th) + 0.5 * g * (1 - th * th) * SQRT_2_OVER_PI * (1 + 3 * GELU_COEF_A * g * g));
    dup[i] += d * (0.5 * g * (1 + th));
  }
}

export function gatedGeluReference(h: Vec, gate: Vec, up: Vec, n: number): void {
  for (let i = 0; i < n; i++) h[i] = gelu(gate[i]) * up[i];
}
