// Gemma 3 forward pass, top to bottom like llama.cpp's src/models/gemma3.cpp.
//
// Shape legend
//   T   tokens in this call          S   positions in the KV cache after this call (past + T)
//   D   hidden size                  L   layers
//   H   query heads                  Hkv key/value heads (GQA: query head h reads kv head h / (H/Hkv))
//   Dh  head dim                     F   feed-forward size
//   V   vocabulary                   W   sliding window (position p sees p−W < j ≤ p on local layers)
//   P   positions whose logits are computed
//
// x [T, D] → scaled embedding → per block: attn_norm, Q/K/V, q/k RMSNorm, RoPE (local or global
// base), attention (window or full) → o-proj → post-attention norm → + residual → ffn_norm,
// down(gelu(gate) · up) → post-FFN norm → + residual → final norm → tied head.
import type { MatmulEngine } from '../../tensor/matmul.ts';
import { roundArrayToF16 } from '../../tensor/f16.ts';
import { geluTanh, rmsNorm, ropeNeox, softmaxRow } from '../../tensor/ops.ts';
import { isSliding, type Gemma3Config } from './config.ts';
import { HookSet, type Activation, type CaptureSpec, type Hook } from './hooks.ts';
import { KvCache } from './kv-cache.ts';
import type { Gemma3Weights } from './weights.ts';

/** Arithmetic choices where llama.cpp's CPU backend rounds (off by default: exact float32). */
export interface Numerics {
  /** GELU through ggml's f16 lookup table */
  f16Gelu: boolean;
  /** attention as ggml computes it without flash attention: Q and the probabilities rounded to f16
   *  for the products with the f16 K/V cache (pair with an f16 KvCache) */
  f16Attention: boolean;
}

export interface ForwardOptions {
  /** activations to record (returned in `activations`, keyed `name.layer` or `name`) */
  capture?: CaptureSpec;
  /** read or rewrite activations as they are computed */
  hooks?: readonly Hook[];
  /** absolute positions whose logits to compute: 'all', 'last' (default), 'none' or a list */
  logitPositions?: 'all' | 'last' | 'none' | readonly number[];
  /** continue from (and extend) this cache; without one, the tokens start at position 0 */
  kvCache?: KvCache;
  /** checked between layers (forwardAsync only) */
  signal?: AbortSignal;
}

export interface ForwardResult {
  /** [P, V] */
  logits: Float32Array;
  logitPositions: number[];
  activations: Record<string, Activation>;
}

export class Gemma3Model {
  constructor(
    readonly config: Gemma3Config,
    readonly weights: Gemma3Weights,
    readonly matmul: MatmulEngine,
    readonly numerics: Numerics = { f16Gelu: false, f16Attention: false },
  ) {}

  /** A fresh KV cache for incremental decoding (f16 when the numerics mimic llama.cpp). */
  newCache(): KvCache {
    return new KvCache(this.config, this.numerics.f16Attention);
  }

  forward(tokens: readonly number[], opts: ForwardOptions = {}): ForwardResult {
    const run = this.steps(tokens, opts);
    for (;;) {
      const r = run.next();
      if (r.done) return r.value;
    }
  }

  /** Same as forward, yielding to the event loop between layers so `signal` can cancel it. */
  async forwardAsync(tokens: readonly number[], opts: ForwardOptions = {}): Promise<ForwardResult> {
    const run = this.steps(tokens, opts);
    for (;;) {
      opts.signal?.throwIfAborted();
      const r = run.next();
      if (r.done) return r.value;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private *steps(tokens: readonly number[], opts: ForwardOptions): Generator<number, ForwardResult> {
    const cfg = this.config;
    const { hidden: D, heads: H, kvHeads: Hkv, headDim: Dh, ffn: F, vocab: V, rmsEps: eps } = cfg;
    const T = tokens.length;
    if (T === 0) throw new RangeError('forward needs at least one token');
    for (const t of tokens) {
      if (!Number.isInteger(t) || t < 0 || t >= V) throw new RangeError(`token id ${t} is outside the vocabulary [0, ${V})`);
    }
    const cache = opts.kvCache ?? this.newCache();
    const p0 = cache.length;
    const S = p0 + T;
    cache.begin(T);
    const positions = Array.from({ length: T }, (_, i) => p0 + i);
    const hooks = new HookSet(opts.capture, opts.hooks);
    const mm = this.matmul;
    const w = this.weights;

    // inp_embd [T, D] = E[token] · √D
    let x: Float32Array = new Float32Array(T * D);
    const scale = Math.fround(Math.sqrt(D));
    const row = new Float32Array(D);
    for (let t = 0; t < T; t++) {
      mm.row(w.embedding, tokens[t], row);
      for (let i = 0; i < D; i++) x[t * D + i] = row[i] * scale;
    }
    hooks.visit('inp_embd', -1, x, [T, D], positions);

    const qDim = H * Dh;
    const kvDim = Hkv * Dh;
    for (let l = 0; l < cfg.layers; l++) {
      const b = w.blocks[l];
      const visit = (name: Parameters<HookSet['visit']>[0], data: Float32Array, shape: number[]) => hooks.visit(name, l, data, shape, positions);

      const h = rmsNorm(x, T, D, b.attnNorm, eps); // attn_norm [T, D]
      visit('attn_norm', h, [T, D]);
      const q = mm.linear(b.wq, h, T); // [T, H·Dh]
      const k = mm.linear(b.wk, h, T); // [T, Hkv·Dh]
      const v = mm.linear(b.wv, h, T); // [T, Hkv·Dh]
      visit('Qcur', q, [T, qDim]);
      visit('Kcur', k, [T, kvDim]);
      visit('Vcur', v, [T, kvDim]);
      rmsNorm(q, T * H, Dh, b.qNorm, eps, q);
      rmsNorm(k, T * Hkv, Dh, b.kNorm, eps, k);
      visit('Qcur_normed', q, [T, qDim]);
      visit('Kcur_normed', k, [T, kvDim]);
      const sliding = isSliding(cfg, l);
      const base = sliding ? cfg.ropeBaseLocal : cfg.ropeBase;
      const freqScale = sliding ? 1 : cfg.ropeFreqScale;
      ropeNeox(q, T, H, Dh, positions, base, freqScale);
      ropeNeox(k, T, Hkv, Dh, positions, base, freqScale);
      visit('Qcur_rope', q, [T, qDim]);
      visit('Kcur_rope', k, [T, kvDim]);
      cache.write(l, k, v, T);

      const probs = this.attentionProbs(q, cache.keys(l, S), T, S, p0, sliding); // [H, T, S]
      hooks.visit('kq_soft_max', l, probs, [H, T, S], positions, 1);
      const attn = this.attentionMix(probs, cache.values(l, S), T, S); // kqv_out [T, H·Dh]
      visit('kqv_out', attn, [T, qDim]);
      const o = mm.linear(b.wo, attn, T); // attn_out [T, D]
      visit('attn_out', o, [T, D]);
      rmsNorm(o, T, D, b.postAttnNorm, eps, o);
      visit('attn_post_norm', o, [T, D]);
      for (let i = 0; i < T * D; i++) o[i] += x[i];
      const saOut = o; // sa_out [T, D]
      visit('sa_out', saOut, [T, D]);

      const hf = rmsNorm(saOut, T, D, b.ffnNorm, eps); // ffn_norm [T, D]
      visit('ffn_norm', hf, [T, D]);
      const gate = mm.linear(b.wGate, hf, T); // [T, F]
      const up = mm.linear(b.wUp, hf, T); // [T, F]
      visit('ffn_gate', gate, [T, F]);
      visit('ffn_up', up, [T, F]);
      if (this.numerics.f16Gelu) geluTanh(gate, T * F, true);
      else mm.gelu(gate, T * F);
      visit('ffn_gelu', gate, [T, F]);
      for (let i = 0; i < T * F; i++) gate[i] *= up[i];
      visit('ffn_gate_par', gate, [T, F]);
      const down = mm.linear(b.wDown, gate, T); // ffn_out [T, D]
      visit('ffn_out', down, [T, D]);
      rmsNorm(down, T, D, b.postFfnNorm, eps, down);
      visit('ffn_post_norm', down, [T, D]);
      for (let i = 0; i < T * D; i++) down[i] += saOut[i];
      x = down; // l_out [T, D]
      visit('l_out', x, [T, D]);
      yield l;
    }
    cache.commit(T);

    const logitPositions = resolveLogitPositions(opts.logitPositions ?? 'last', positions);
    const P = logitPositions.length;
    const xs = new Float32Array(P * D);
    logitPositions.forEach((p, i) => xs.set(x.subarray((p - p0) * D, (p - p0 + 1) * D), i * D));
    const normed = rmsNorm(xs, P, D, w.outputNorm, eps); // result_norm [P, D]
    hooks.visit('result_norm', -1, normed, [P, D], logitPositions);
    const logits = P > 0 ? mm.linear(w.output, normed, P) : new Float32Array(0); // result_output [P, V]
    const cap = cfg.finalLogitSoftcap;
    if (cap > 0) for (let i = 0; i < logits.length; i++) logits[i] = cap * Math.tanh(logits[i] / cap);
    hooks.visit('result_output', -1, logits, [P, V], logitPositions);
    return { logits, logitPositions, activations: hooks.captured };
  }

  /**
   * Softmax(Q·Kᵀ / √Dh) with the causal (and, on local layers, sliding-window) mask.
   * q [T, H·Dh] (after RoPE), keys [S, Hkv·Dh] → probs [H, T, S], exactly 0 where masked.
   */
  private attentionProbs(q: Float32Array, keys: Float32Array, T: number, S: number, p0: number, sliding: boolean): Float32Array {
    const { heads: H, kvHeads: Hkv, headDim: Dh, window: W, attentionScale } = this.config;
    const rep = H / Hkv;
    const probs = new Float32Array(H * T * S);
    const qg = new Float32Array(rep * T * Dh);
    const kg = new Float32Array(S * Dh);
    for (let g = 0; g < Hkv; g++) {
      // Gather the rep query heads that share kv head g: rows (r, t) → [rep·T, Dh], scaled like llama.cpp (Q · scale).
      for (let r = 0; r < rep; r++) {
        const hq = g * rep + r;
        for (let t = 0; t < T; t++) {
          const src = (t * H + hq) * Dh;
          const dst = (r * T + t) * Dh;
          for (let d = 0; d < Dh; d++) qg[dst + d] = q[src + d] * attentionScale;
        }
      }
      if (this.numerics.f16Attention) roundArrayToF16(qg);
      for (let j = 0; j < S; j++) kg.set(keys.subarray((j * Hkv + g) * Dh, (j * Hkv + g + 1) * Dh), j * Dh);
      // Rows of heads g·rep … g·rep+rep−1 are contiguous in probs [H, T, S].
      const scores = probs.subarray(g * rep * T * S, (g + 1) * rep * T * S);
      this.matmul.gemm(qg, rep * T, kg, S, Dh, scores);
      for (let r = 0; r < rep; r++) {
        for (let t = 0; t < T; t++) {
          const pos = p0 + t;
          const lo = sliding ? Math.max(0, pos - W + 1) : 0;
          const o = (r * T + t) * S;
          softmaxRow(scores, o + lo, o + pos + 1);
          scores.fill(0, o, o + lo);
          scores.fill(0, o + pos + 1, o + S);
        }
      }
    }
    return probs;
  }

  /** probs [H, T, S] · V → kqv_out [T, H·Dh]. values [S, Hkv·Dh]. */
  private attentionMix(probs: Float32Array, values: Float32Array, T: number, S: number): Float32Array {
    const { heads: H, kvHeads: Hkv, headDim: Dh } = this.config;
    const rep = H / Hkv;
    const out = new Float32Array(T * H * Dh);
    const vt = new Float32Array(Dh * S); // Vᵀ of one kv head [Dh, S]
    const mixed = new Float32Array(rep * T * Dh);
    let p = probs;
    if (this.numerics.f16Attention) {
      p = probs.slice();
      roundArrayToF16(p);
    }
    for (let g = 0; g < Hkv; g++) {
      for (let j = 0; j < S; j++) {
        const src = (j * Hkv + g) * Dh;
        for (let d = 0; d < Dh; d++) vt[d * S + j] = values[src + d];
      }
      this.matmul.gemm(p.subarray(g * rep * T * S, (g + 1) * rep * T * S), rep * T, vt, Dh, S, mixed);
      for (let r = 0; r < rep; r++) {
        const hq = g * rep + r;
        for (let t = 0; t < T; t++) out.set(mixed.subarray((r * T + t) * Dh, (r * T + t + 1) * Dh), (t * H + hq) * Dh);
      }
    }
    return out;
  }

  dispose(): void {
    this.matmul.dispose();
  }
}

function resolveLogitPositions(spec: 'all' | 'last' | 'none' | readonly number[], positions: number[]): number[] {
  if (spec === 'all') return positions;
  if (spec === 'last') return [positions[positions.length - 1]];
  if (spec === 'none') return [];
  for (const p of spec) {
    if (!positions.includes(p)) throw new RangeError(`logit position ${p} is not among this call's positions ${positions[0]}…${positions[positions.length - 1]}`);
  }
  return [...spec];
}
