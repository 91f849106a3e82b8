// What the backward pass needs from the forward, and nothing more. Names follow llama.cpp's hooks.
// Legend: T tokens, D hidden, H heads, Hkv kv-heads, Dh head dim, F ffn, V vocab, P loss positions.
import type { Vec } from '../types.ts';

export interface LayerCache<T extends Vec = Vec> {
  /** [T, D] residual stream entering the block (inp_scaled for block 0, else l_out of block − 1) */
  x: T;
  /** [T, D] attn_norm output: input of q, k, v */
  attnNorm: T;
  /** [T, H·Dh] q before its norm (input of attn_q_norm) */
  q: T;
  /** [T, Hkv·Dh] k before its norm */
  k: T;
  /** [T, Hkv·Dh] Vcur */
  v: T;
  /** [T, H·Dh] q after norm and RoPE (before the score scale) */
  qRope: T;
  /** [T, Hkv·Dh] k after norm and RoPE */
  kRope: T;
  /** [H, T, T] kq_soft_max */
  probs: T;
  /** [T, H·Dh] kqv_out: input of attn_output */
  kqv: T;
  /** [T, D] attn_output result: input of post_attention_norm */
  attnOut: T;
  /** [T, D] sa_out = attn_post_norm + x */
  saOut: T;
  /** [T, D] ffn_norm output: input of gate and up */
  ffnNorm: T;
  /** [T, F] ffn_gate (pre-activation) */
  gate: T;
  /** [T, F] ffn_up */
  up: T;
  /** [T, F] ffn_gate_par = gelu(gate) ⊙ up: input of ffn_down */
  gatePar: T;
  /** [T, D] ffn_out: input of post_ffw_norm */
  ffnOut: T;
}

export interface LossTargets {
  /** positions whose next-token distribution carries a loss */
  positions: number[];
  /** the token expected at each of those positions' next step */
  targets: number[];
  /** each position's share of the loss; default 1/P (a mean) */
  weights?: number[];
}

export interface ForwardCache<T extends Vec = Vec> {
  tokens: number[];
  /** [T, D] inp_scaled = E[tokens] · √D: the input attribution is taken against */
  x0: T;
  layers: LayerCache<T>[];
  /** [T, D] l_out of the last block: input of output_norm */
  last: T;
  /** [P, D] result_norm at the loss positions only */
  resultNorm: T;
  /** [P, V] head outputs (before any soft-cap) at the loss positions only */
  logits: T;
  loss: LossTargets;
  /** [P] log-sum-exp of each loss row, when the forward kept it (saves the backward a pass of exps) */
  lse?: Float64Array;
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
