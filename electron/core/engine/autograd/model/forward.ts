// Reference Gemma 3 forward built from the autograd ops, in float32 or float64, keeping exactly
// the ForwardCache the backward needs. It is the float64 path of the whole-model gradient check
// and the oracle the engine's own (fast, hooked) forward is compared against.
// Legend: T tokens, D hidden, H heads, Hkv kv-heads, Dh head dim, F ffn, V vocab, P loss positions.
import { attentionForward } from '../ops/attention.ts';
import { crossEntropyForward } from '../ops/crossEntropy.ts';
import { embeddingForward } from '../ops/embedding.ts';
import { gatedGeluForward } from '../ops/gelu.ts';
import { rmsnormForward } from '../ops/rmsnorm.ts';
import { ropeForward, ropeTables } from '../ops/rope.ts';
import { AutogradError, type Vec } from '../types.ts';
import { lossWeights, type ForwardCache, type LayerCache, type LossTargets } from './cache.ts';
import { naiveKernels, type LinearKernels } from './kernels.ts';
import type { WeightSource } from './params.ts';
import { isSliding, type Gemma3Shape } from './shape.ts';

export type Precision = 'f32' | 'f64';

export function allocator(kind: Precision): (n: number) => Vec {
  return kind === 'f32' ? (n) => new Float32Array(n) : (n) => new Float64Array(n);
}

export function checkLoss(loss: LossTargets, T: number, V: number): void {
  if (loss.positions.length !== loss.targets.length) throw new AutogradError('loss: positions and targets differ in length');
  if (loss.positions.length === 0) throw new AutogradError('loss: no target positions (a next-token loss needs at least 2 tokens)');
  if (loss.weights && loss.weights.length !== loss.positions.length) throw new AutogradError('loss: weights and positions differ in length');
  for (const p of loss.positions) if (!(Number.isInteger(p) && p >= 0 && p < T)) throw new AutogradError(`loss: position ${p} outside 0..${T - 1}`);
  for (const t of loss.targets) if (!(Number.isInteger(t) && t >= 0 && t < V)) throw new AutogradError(`loss: target ${t} outside the vocabulary (0..${V - 1})`);
}

export function referenceForward(
  s: Gemma3Shape, W: WeightSource, tokens: number[], loss: LossTargets,
  opts: { precision?: Precision; kernels?: LinearKernels; /** replaces inp_scaled [T, D] (attribution checks, embedding edits) */ x0?: Vec } = {},
): { loss: number; cache: ForwardCache } {
  const alloc = allocator(opts.precision ?? 'f64');
  const K = opts.kernels ?? naiveKernels;
  const { D, H, Hkv, Dh, F, V, L, eps } = s;
  const T = tokens.length;
  if (T === 0) throw new AutogradError('forward: no tokens');
  checkLoss(loss, T, V);
  const QD = H * Dh, KD = Hkv * Dh;
  const positions = Array.from({ length: T }, (_, t) => t);
  const ropeLocal = ropeTables(positions, Dh, s.ropeBaseLocal);
  const ropeGlobal = ropeTables(positions.map((p) => p * (s.ropeFreqScale ?? 1)), Dh, s.ropeBaseGlobal);

  const x0 = alloc(T * D);
  if (opts.x0) x0.set(opts.x0.subarray(0, T * D));
  else embeddingForward(x0, W('token_embd.weight'), tokens, V, D, Math.sqrt(D));
  let x = x0;
  const layers: LayerCache[] = [];
  for (let l = 0; l < L; l++) {
    const w = (n: string) => W(`blk.${l}.${n}.weight`);
    const sliding = isSliding(s, l);
    const rope = sliding ? ropeLocal : ropeGlobal;
    const c: LayerCache = {
      x, attnNorm: alloc(T * D), q: alloc(T * QD), k: alloc(T * KD), v: alloc(T * KD),
      qRope: alloc(T * QD), kRope: alloc(T * KD), probs: alloc(H * T * T), kqv: alloc(T * QD),
      attnOut: alloc(T * D), saOut: alloc(T * D), ffnNorm: alloc(T * D), gate: alloc(T * F), up: alloc(T * F),
      gatePar: alloc(T * F), ffnOut: alloc(T * D),
    };
    rmsnormForward(c.attnNorm, x, w('attn_norm'), T, D, eps);
    K.forward(c.q, c.attnNorm, w('attn_q'), T, D, QD);
    K.forward(c.k, c.attnNorm, w('attn_k'), T, D, KD);
    K.forward(c.v, c.attnNorm, w('attn_v'), T, D, KD);
    const qn = alloc(T * QD), kn = alloc(T * KD);
    rmsnormForward(qn, c.q, w('attn_q_norm'), T * H, Dh, eps);
    rmsnormForward(kn, c.k, w('attn_k_norm'), T * Hkv, Dh, eps);
    ropeForward(c.qRope, qn, rope.cos, rope.sin, T, H, Dh);
    ropeForward(c.kRope, kn, rope.cos, rope.sin, T, Hkv, Dh);
    attentionForward(c.kqv, c.probs, c.qRope, c.kRope, c.v, { T, H, Hkv, Dh, scale: s.attnScale, window: sliding ? s.window : 0 });
    K.forward(c.attnOut, c.kqv, w('attn_output'), T, QD, D);
    const post = alloc(T * D);
    rmsnormForward(post, c.attnOut, w('post_attention_norm'), T, D, eps);
    for (let i = 0; i < T * D; i++) c.saOut[i] = post[i] + x[i];
    rmsnormForward(c.ffnNorm, c.saOut, w('ffn_norm'), T, D, eps);
    K.forward(c.gate, c.ffnNorm, w('ffn_gate'), T, D, F);
    K.forward(c.up, c.ffnNorm, w('ffn_up'), T, D, F);
    gatedGeluForward(c.gatePar, c.gate, c.up, T * F);
    K.forward(c.ffnOut, c.gatePar, w('ffn_down'), T, F, D);
    const out = alloc(T * D);
    rmsnormForward(out, c.ffnOut, w('post_ffw_norm'), T, D, eps);
    for (let i = 0; i < T * D; i++) out[i] += c.saOut[i];
    layers.push(c);
    x = out;
  }
  const P = loss.positions.length;
  const rows = alloc(P * D);
  for (let p = 0; p < P; p++) rows.set(x.subarray(loss.positions[p] * D, (loss.positions[p] + 1) * D), p * D);
  const resultNorm = alloc(P * D);
  rmsnormForward(resultNorm, rows, W('output_norm.weight'), P, D, eps);
  const logits = alloc(P * V);
  K.forward(logits, resultNorm, W('token_embd.weight'), P, D, V);
  const lse = new Float64Array(P);
  const value = crossEntropyForward(logits, loss.targets, lossWeights(loss), P, V, s.softcap, lse);
  return { loss: value, cache: { tokens, x0, layers, last: x, resultNorm, logits, loss, lse } };
}
