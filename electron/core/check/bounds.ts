// How far our engine and llama.cpp may drift apart and still both be right, per weight type. Each
// bound was measured on generated models with llama.cpp's CPU backend, flash attention off (see
// engine/models/gemma3/agreement.test.ts for why each is what it is). Beyond a bound, a difference
// is a bug on one side, not rounding.

import type { AgreementBound } from '../api/lab.ts';

const MEASURED: Record<string, AgreementBound> = {
  F32: { measuredFor: 'F32', tv: 2e-3, tieMargin: 0, why: 'llama.cpp keeps its KV cache and attention products in f16' },
  F16: { measuredFor: 'F16', tv: 1e-2, tieMargin: 0, why: 'llama.cpp also rounds every matmul input to f16' },
  Q8_0: {
    measuredFor: 'Q8_0',
    tv: 0.1,
    tieMargin: 0.05,
    why: 'both round each matmul input to 8 bits; the roundings flip on tiny upstream differences',
  },
};

/** The bound for a file's quantization, and whether it was measured for that type or borrowed. */
export function boundFor(quantization: string): { bound: AgreementBound; measured: boolean } {
  const exact = MEASURED[quantization.toUpperCase()];
  if (exact) return { bound: exact, measured: true };
  // Every other type quantizes at least as coarsely as Q8_0: borrow its bound and say so.
  return { bound: MEASURED.Q8_0, measured: false };
}
