// Token embedding with Gemma's √D scale: x0[t] = E[tokens[t]] · √D.
// Shapes: E [V, D] (token_embd.weight, ne = [D, V]), tokens [T], x0 [T, D].
//   the model's forward reads rows through MatmulEngine.row (F32 or Q8_0 tables) and scales them
//   embeddingBackward   scatter-adds into the (tied) table
//   embeddingReference  float64 forward for finite-difference checks
import type { Vec } from './vec.ts';

export function embeddingReference(x0: Vec, E: Vec, tokens: ArrayLike<number>, V: number, D: number, scale: number): void {
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t];
    if (!(tok >= 0 && tok < V)) throw new RangeError(`token ${tok} at position ${t} is outside the vocabulary (0..${V - 1})`);
    for (let d = 0; d < D; d++) x0[t * D + d] = E[tok * D + d] * scale;
  }
}

/** Scatter-adds scale · dx0[t] into the row of E each token read (a token seen twice gets both). */
export function embeddingBackward(dE: Vec, dx0: Vec, tokens: ArrayLike<number>, D: number, scale: number): void {
  for (let t = 0; t < tokens.length; t++) {
    const row = tokens[t] * D;
    for (let d = 0; d < D; d++) dE[row + d] += scale * dx0[t * D + d];
  }
}
