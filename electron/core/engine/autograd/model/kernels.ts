// The linear-layer kernels the model forward/backward call. The naive ones (float32 or float64)
// are the oracle; ../kernels/ provides multi-threaded float32 ones with the same contract.
import { matmulBackward, matmulForward } from '../ops/matmul.ts';
import type { Vec } from '../types.ts';

export interface LinearKernels {
  /** y [T, OUT] = x [T, IN] · W [OUT, IN]ᵀ (overwrites y) */
  forward(y: Vec, x: Vec, w: Vec, T: number, IN: number, OUT: number): void;
  /** dx += dy · W,  dW += dyᵀ · x  (either null to skip) */
  backward(dx: Vec | null, dw: Vec | null, dy: Vec, x: Vec, w: Vec, T: number, IN: number, OUT: number): void;
}

export const naiveKernels: LinearKernels = { forward: matmulForward, backward: matmulBackward };
