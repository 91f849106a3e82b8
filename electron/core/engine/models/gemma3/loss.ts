// What a gradient is taken of: next-token cross-entropy at chosen positions.
// Legend: T tokens, V vocab, P loss positions.

export interface LossTargets {
  /** positions whose next-token distribution carries a loss */
  positions: number[];
  /** the token expected at each of those positions' next step */
  targets: number[];
  /** each position's share of the loss; default 1/P (a mean) */
  weights?: number[];
}

export class LossError extends Error {
  override name = 'LossError';
}

/** Default loss: mean next-token cross-entropy over positions from..T−2. */
export function nextTokenTargets(tokens: ArrayLike<number>, from = 0): LossTargets {
  const positions: number[] = [];
  const targets: number[] = [];
  for (let t = Math.max(0, from); t < tokens.length - 1; t++) {
    positions.push(t);
    targets.push(tokens[t + 1]);
  }
  return { positions, targets };
}

/** Loss only on a completion: tokens[promptLength..] are predicted from the positions before them. */
export function completionTargets(tokens: ArrayLike<number>, promptLength: number): LossTargets {
  return nextTokenTargets(tokens, promptLength - 1);
}

export function lossWeights(loss: LossTargets): number[] {
  return loss.weights ?? loss.positions.map(() => 1 / loss.positions.length);
}

export function checkLoss(loss: LossTargets, T: number, V: number): void {
  if (loss.positions.length !== loss.targets.length) throw new LossError('loss: positions and targets differ in length');
  if (loss.positions.length === 0) throw new LossError('loss: no target positions (a next-token loss needs at least 2 tokens)');
  if (loss.weights && loss.weights.length !== loss.positions.length) throw new LossError('loss: weights and positions differ in length');
  for (const p of loss.positions)
    if (!(Number.isInteger(p) && p >= 0 && p < T)) throw new LossError(`loss: position ${p} outside 0..${T - 1}`);
  for (const t of loss.targets)
    if (!(Number.isInteger(t) && t >= 0 && t < V)) throw new LossError(`loss: target ${t} outside the vocabulary (0..${V - 1})`);
}
