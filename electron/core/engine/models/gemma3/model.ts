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
import type { HeapArena, LinearWeight, MatmulEngine } from '../../tensor/matmul.ts';
import { attentionMix, attentionProbs, packedAttention, type AttentionShape } from '../../tensor/ops/attention.ts';
import { geluTanh } from '../../tensor/ops/gelu.ts';
import { rmsNorm } from '../../tensor/ops/rmsnorm.ts';
import { ropeReference, ropeTables, type RopeTables } from '../../tensor/ops/rope.ts';
import { isSliding, type Gemma3Config } from './config.ts';
import { HookSet, type Activation, type CaptureSpec, type Hook } from './hooks.ts';
import { KvCache } from './kv-cache.ts';
import { runSteps, runStepsAsync } from './steps.ts';
import { blockWeight, type Gemma3Weights } from './weights.ts';

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
  /** called after each block (forwardAsync only): progress */
  onLayer?: (layer: number) => void;
  /**
   * Extra terms on linear projections, keyed by GGUF weight name (e.g. 'blk.3.attn_q.weight'):
   * after y = x·Wᵀ the adapter adds its own output into y (LoRA: y += s·B(A·x)). See README "LoRA hooks".
   */
  adapters?: ReadonlyMap<string, LinearAdapter>;
  /**
   * Write the [P, V] logits into this array (exactly P·V long) instead of a new one: a training loop
   * reuses one buffer, where 262,144 columns make a fresh array tens of MB per step (and a GC).
   */
  logitsOut?: Float32Array;
  /**
   * Sequences packed one after another: their lengths, summing to the tokens. Each starts at position
   * 0 and attends only to itself, exactly as if it ran alone, so a training batch makes one pass
   * through the weights instead of one per example (the body's products run ~1.5× faster on 4 × 64
   * rows than on 64). Positions (logits, captures) index the packed rows; kq_soft_max is then each
   * sequence's [H, Ti, Ti] block, one after another. Not with a kvCache.
   */
  segments?: readonly number[];
  /**
   * Take the forward's arrays (activations, logits) from this arena in the kernels' heap: the matrix
   * products then read and write them in place, with no copies and no garbage. They are valid until
   * the arena's next reset (a training step resets it once per pack, after the backward).
   */
  arena?: HeapArena;
}

/**
 * An adapter on one linear projection y = x·Wᵀ (x [T, IN], y [T, OUT]). `forward` adds its term into
 * y; `backward` (called by the model backward with the same x and dL/dy) adds its contribution to
 * dL/dx into dx (null: nobody needs dL/dx there) and accumulates its own parameters' gradients. W's gradient is never formed for it.
 */
export interface LinearAdapter {
  forward(x: Float32Array, T: number, y: Float32Array): void;
  backward?(x: Float32Array, dy: Float32Array, T: number, dx: Float32Array | null): void;
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
    return runSteps(this.steps(tokens, opts));
  }

  /** Same as forward, yielding to the event loop between layers so `signal` can cancel it. */
  async forwardAsync(tokens: readonly number[], opts: ForwardOptions = {}): Promise<ForwardResult> {
    return runStepsAsync(this.steps(tokens, opts), opts.signal, opts.onLayer);
  }

  private *steps(tokens: readonly number[], opts: ForwardOptions): Generator<number, ForwardResult> {
    const cfg = this.config;
    const { hidden: D, heads: H, kvHeads: Hkv, headDim: Dh, ffn: F, vocab: V, rmsEps: eps } = cfg;
    const T = tokens.length;
    if (T === 0) throw new RangeError('forward needs at least one token');
    for (const t of tokens) {
      if (!Number.isInteger(t) || t < 0 || t >= V) throw new RangeError(`token id ${t} is outside the vocabulary [0, ${V})`);
    }
    const segments = checkSegments(opts.segments, T, !!opts.kvCache);
    const packed = segments.length > 1;
    const cache = opts.kvCache ?? this.newCache();
    const p0 = cache.length;
    const S = p0 + T;
    cache.begin(T);
    const positions = Array.from({ length: T }, (_, i) => p0 + i);
    const ropePositions = packed ? sequencePositions(segments) : positions;
    const hooks = new HookSet(opts.capture, opts.hooks);
    const mm = this.matmul;
    const w = this.weights;
    const adapters = opts.adapters;
    const arena = opts.arena;
    // every array taken here is an output written whole before it is read: no need to zero it
    const f32 = (n: number) => (arena ? arena.floats(n, false) : new Float32Array(n));
    // y = x·Wᵀ (+ the adapter's term, if any) for the weight named `name`
    const linear = (name: string, input: Float32Array): Float32Array => {
      const m = w.matrix(name);
      const y = mm.linear(m, input, T, f32(T * m.rows));
      adapters?.get(name)?.forward(input, T, y);
      return y;
    };

    // inp_embd [T, D] = E[token] · √D
    let x: Float32Array = f32(T * D);
    const scale = Math.fround(Math.sqrt(D));
    const row = new Float32Array(D);
    const embedding = w.matrix('token_embd.weight');
    for (let t = 0; t < T; t++) {
      mm.row(embedding, tokens[t], row);
      for (let i = 0; i < D; i++) x[t * D + i] = row[i] * scale;
    }
    hooks.visit('inp_embd', -1, x, [T, D], positions, 0, true);

    const qDim = H * Dh;
    const kvDim = Hkv * Dh;
    const ropeBySliding = new Map<boolean, RopeTables>();
    for (let l = 0; l < cfg.layers; l++) {
      const n = (tensor: string) => blockWeight(l, tensor);
      // final: the forward never writes `data` again, so a capture need not copy it
      const visit = (name: Parameters<HookSet['visit']>[0], data: Float32Array, shape: number[], final = false) =>
        hooks.visit(name, l, data, shape, positions, 0, final);

      const h = rmsNorm(x, T, D, w.vector(n('attn_norm')), eps, f32(T * D)); // attn_norm [T, D]
      visit('attn_norm', h, [T, D], true);
      const q = linear(n('attn_q'), h); // [T, H·Dh]
      const k = linear(n('attn_k'), h); // [T, Hkv·Dh]
      const v = linear(n('attn_v'), h); // [T, Hkv·Dh]
      visit('Qcur', q, [T, qDim]);
      visit('Kcur', k, [T, kvDim]);
      visit('Vcur', v, [T, kvDim], true);
      rmsNorm(q, T * H, Dh, w.vector(n('attn_q_norm')), eps, q);
      rmsNorm(k, T * Hkv, Dh, w.vector(n('attn_k_norm')), eps, k);
      visit('Qcur_normed', q, [T, qDim]);
      visit('Kcur_normed', k, [T, kvDim]);
      const sliding = isSliding(cfg, l);
      const base = sliding ? cfg.ropeBaseLocal : cfg.ropeBase;
      const freqScale = sliding ? 1 : cfg.ropeFreqScale;
      let rope = ropeBySliding.get(sliding);
      if (!rope) ropeBySliding.set(sliding, (rope = ropeTables(ropePositions, Dh, base, freqScale)));
      ropeReference(q, q, rope, T, H, Dh); // = ropeNeox, with the tables made once per call
      ropeReference(k, k, rope, T, Hkv, Dh);
      visit('Qcur_rope', q, [T, qDim], true);
      visit('Kcur_rope', k, [T, kvDim], true);
      cache.write(l, k, v, T);

      const shape: AttentionShape = { T, H, Hkv, Dh, scale: cfg.attentionScale, window: sliding ? cfg.window : 0 };
      const f16 = this.numerics.f16Attention;
      let attn: Float32Array; // kqv_out [T, H·Dh]
      if (packed) {
        const r = packedAttention(mm, q, cache.keys(l, S), cache.values(l, S), shape, segments, f16, f32(T * qDim));
        hooks.visit('kq_soft_max', l, r.probs, [r.probs.length], [], 0, true); // blocks [H, Ti, Ti]
        attn = r.out;
      } else {
        const probs = attentionProbs(mm, q, cache.keys(l, S), shape, S, p0, f16); // [H, T, S]
        hooks.visit('kq_soft_max', l, probs, [H, T, S], positions, 1, true);
        attn = attentionMix(mm, probs, cache.values(l, S), shape, S, f16);
      }
      visit('kqv_out', attn, [T, qDim], true);
      const o = linear(n('attn_output'), attn); // attn_out [T, D]
      visit('attn_out', o, [T, D]);
      rmsNorm(o, T, D, w.vector(n('post_attention_norm')), eps, o);
      visit('attn_post_norm', o, [T, D]);
      for (let i = 0; i < T * D; i++) o[i] += x[i];
      const saOut = o; // sa_out [T, D]
      visit('sa_out', saOut, [T, D], true);

      const hf = rmsNorm(saOut, T, D, w.vector(n('ffn_norm')), eps, f32(T * D)); // ffn_norm [T, D]
      visit('ffn_norm', hf, [T, D], true);
      const gate = linear(n('ffn_gate'), hf); // [T, F]
      const up = linear(n('ffn_up'), hf); // [T, F]
      visit('ffn_gate', gate, [T, F]);
      visit('ffn_up', up, [T, F], true);
      if (this.numerics.f16Gelu) geluTanh(gate, T * F, true);
      else mm.gelu(gate, T * F);
      visit('ffn_gelu', gate, [T, F]);
      for (let i = 0; i < T * F; i++) gate[i] *= up[i];
      visit('ffn_gate_par', gate, [T, F], true);
      const down = linear(n('ffn_down'), gate); // ffn_out [T, D]
      visit('ffn_out', down, [T, D]);
      rmsNorm(down, T, D, w.vector(n('post_ffw_norm')), eps, down);
      visit('ffn_post_norm', down, [T, D]);
      for (let i = 0; i < T * D; i++) down[i] += saOut[i];
      x = down; // l_out [T, D]
      visit('l_out', x, [T, D], true);
      yield l;
    }
    cache.commit(T);

    const logitPositions = resolveLogitPositions(opts.logitPositions ?? 'last', positions);
    const P = logitPositions.length;
    const xs = new Float32Array(P * D);
    logitPositions.forEach((p, i) => xs.set(x.subarray((p - p0) * D, (p - p0 + 1) * D), i * D));
    const normed = rmsNorm(xs, P, D, w.vector('output_norm.weight'), eps); // result_norm [P, D]
    hooks.visit('result_norm', -1, normed, [P, D], logitPositions, 0, true);
    if (opts.logitsOut && opts.logitsOut.length !== P * V)
      throw new RangeError(`logitsOut has ${opts.logitsOut.length} values, expected ${P}×${V}`);
    const logits = P > 0 ? this.head(normed, P, opts.logitsOut) : new Float32Array(0); // result_output [P, V]
    const cap = cfg.finalLogitSoftcap;
    if (cap > 0) for (let i = 0; i < logits.length; i++) logits[i] = cap * Math.tanh(logits[i] / cap);
    hooks.visit('result_output', -1, logits, [P, V], logitPositions);
    return { logits, logitPositions, activations: hooks.captured };
  }

  /** Raw head output x·Eᵀ [P, V] (before any final-logit soft-cap). */
  head(normed: Float32Array, P: number, out?: Float32Array): Float32Array {
    return this.matmul.linear(this.weights.matrix(this.weights.headName), normed, P, out);
  }

  /** A weight matrix by GGUF name (shape and layout). */
  matrix(name: string): LinearWeight {
    return this.weights.matrix(name);
  }

  dispose(): void {
    this.matmul.dispose();
  }
}

/** RoPE positions of packed sequences: each from 0. */
export function sequencePositions(segments: readonly number[]): number[] {
  return segments.flatMap((n) => Array.from({ length: n }, (_, i) => i));
}

function checkSegments(segments: readonly number[] | undefined, T: number, cached: boolean): readonly number[] {
  if (!segments) return [T];
  if (!segments.every((n) => Number.isInteger(n) && n > 0) || segments.reduce((a, b) => a + b, 0) !== T)
    throw new RangeError(`segments [${segments.join(', ')}] must be positive lengths summing to the ${T} tokens`);
  if (cached && segments.length > 1) throw new RangeError('packed sequences (segments) cannot continue a KV cache');
  return segments;
}

function resolveLogitPositions(spec: 'all' | 'last' | 'none' | readonly number[], positions: number[]): number[] {
  if (spec === 'all') return positions;
  if (spec === 'last') return [positions[positions.length - 1]];
  if (spec === 'none') return [];
  for (const p of spec) {
    if (!positions.includes(p))
      throw new RangeError(`logit position ${p} is not among this call's positions ${positions[0]}…${positions[positions.length - 1]}`);
  }
  return [...spec];
}
