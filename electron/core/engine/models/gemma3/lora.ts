// A LoRA pair on one linear projection, as a LinearAdapter (README: "LoRA hooks"):
//   forward   y += s · B(A·x)                    A [r, IN], B [OUT, r], x [T, IN], y [T, OUT]
//   backward  with u = A·x [T, r] and dY [T, OUT]:
//             dB += s · dYᵀ·u      du = s · dY·B      dA += duᵀ·x      dX += du·A
// W's gradient is never formed. Products run on the engine's pool (MatmulEngine).
import type { MatmulEngine } from '../../tensor/matmul.ts';
import type { LinearAdapter } from './model.ts';

export class LoraAdapter implements LinearAdapter {
  /** dL/dA [r, IN] and dL/dB [OUT, r], accumulated by backward (zero them between steps) */
  readonly gradA: Float32Array;
  readonly gradB: Float32Array;

  constructor(
    private readonly mm: MatmulEngine,
    /** [r, IN] */ readonly A: Float32Array,
    /** [OUT, r] */ readonly B: Float32Array,
    readonly rank: number,
    readonly inFeatures: number,
    readonly outFeatures: number,
    /** s = alpha / r */ readonly scale: number,
  ) {
    if (A.length !== rank * inFeatures) throw new RangeError(`LoRA A has ${A.length} values, expected ${rank}×${inFeatures}`);
    if (B.length !== outFeatures * rank) throw new RangeError(`LoRA B has ${B.length} values, expected ${outFeatures}×${rank}`);
    this.gradA = new Float32Array(A.length);
    this.gradB = new Float32Array(B.length);
  }

  forward(x: Float32Array, T: number, y: Float32Array): void {
    const { rank: r, outFeatures: OUT, scale: s } = this;
    const u = this.mm.gemm(x, T, this.A, r, this.inFeatures); // [T, r] = x·Aᵀ
    this.mm.gemmAdd(u, T, this.B, OUT, r, y, s); // y += s·u·Bᵀ
  }

  backward(x: Float32Array, dy: Float32Array, T: number, dx: Float32Array | null): void {
    const { rank: r, inFeatures: IN, outFeatures: OUT, scale: s } = this;
    const u = this.mm.gemm(x, T, this.A, r, IN); // recomputed: [T, r], cheap next to the layer itself
    for (let i = 0; i < T * r; i++) u[i] *= s; // s on the small side (T × r), not on dY (T × OUT)
    const du = new Float32Array(T * r);
    this.mm.productBackward(du, this.gradB, dy, u, this.B, T, r, OUT); // du = dY·B, dB += dYᵀ·(s·u)
    for (let i = 0; i < T * r; i++) du[i] *= s;
    this.mm.productBackward(dx, this.gradA, du, x, this.A, T, IN, r); // dX += du·A, dA += duᵀ·x
  }
}
