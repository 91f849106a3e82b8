// LoRA adapter state for training: which projections are adapted, A and B per target, initialisation.
// Layouts are PEFT's (and gguf/lora.ts's LoraPair): A is r × in, B is out × r, row-major; the
// effective weight is W + (alpha / r)·B·A, as llama.cpp and PEFT apply it.
import type { LoraPair } from '../gguf/lora.ts';
import { mulberry32 } from './random.ts';

/** The seven projections of a Gemma 3 block a LoRA may adapt (never the tied embedding/head, never norms). */
export const LORA_TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

/** GGUF tensor (without "blk.N." and ".weight") and PEFT module path of each target. */
export const TARGET_NAMES: Readonly<Record<LoraTarget, { gguf: string; peft: string }>> = {
  q: { gguf: 'attn_q', peft: 'self_attn.q_proj' },
  k: { gguf: 'attn_k', peft: 'self_attn.k_proj' },
  v: { gguf: 'attn_v', peft: 'self_attn.v_proj' },
  o: { gguf: 'attn_output', peft: 'self_attn.o_proj' },
  gate: { gguf: 'ffn_gate', peft: 'mlp.gate_proj' },
  up: { gguf: 'ffn_up', peft: 'mlp.up_proj' },
  down: { gguf: 'ffn_down', peft: 'mlp.down_proj' },
};

/** The model dimensions a LoRA needs to know. */
export interface LoraModelShape {
  layers: number;
  /** D */ hidden: number;
  /** H·Dh */ qDim: number;
  /** Hkv·Dh */ kvDim: number;
  /** F */ ffn: number;
}

/** [in, out] of a target's base weight (y = W x with W out × in). */
export function targetDims(s: LoraModelShape, t: LoraTarget): { inDim: number; outDim: number } {
  switch (t) {
    case 'q':
      return { inDim: s.hidden, outDim: s.qDim };
    case 'k':
    case 'v':
      return { inDim: s.hidden, outDim: s.kvDim };
    case 'o':
      return { inDim: s.qDim, outDim: s.hidden };
    case 'gate':
    case 'up':
      return { inDim: s.hidden, outDim: s.ffn };
    case 'down':
      return { inDim: s.ffn, outDim: s.hidden };
    default:
      return t satisfies never;
  }
}

export interface Adapter {
  rank: number;
  alpha: number;
  pairs: LoraPair[];
}

/** alpha / r: how llama.cpp (and PEFT without rsLoRA) scales B·A. */
export function loraScale(a: { rank: number; alpha: number }): number {
  return a.alpha / a.rank;
}

export function isLoraTarget(s: string): s is LoraTarget {
  return (LORA_TARGETS as readonly string[]).includes(s);
}

/**
 * A fresh adapter as PEFT initialises one: A uniform in ±1/√in (kaiming-uniform with a = √5), B = 0,
 * so training starts exactly at the base model. Deterministic in `seed`.
 */
export function initAdapter(
  s: LoraModelShape,
  opts: { targets: readonly LoraTarget[]; rank: number; alpha: number; seed: number; layers?: readonly number[] },
): Adapter {
  if (!(Number.isInteger(opts.rank) && opts.rank > 0)) throw new Error(`rank must be a positive integer, got ${opts.rank}`);
  if (!(opts.alpha > 0)) throw new Error(`alpha must be positive, got ${opts.alpha}`);
  if (opts.targets.length === 0) throw new Error('choose at least one target projection');
  const rnd = mulberry32(opts.seed);
  const layers = opts.layers ?? Array.from({ length: s.layers }, (_, l) => l);
  const pairs: LoraPair[] = [];
  for (const l of layers) {
    for (const t of LORA_TARGETS) {
      if (!opts.targets.includes(t)) continue;
      const { inDim, outDim } = targetDims(s, t);
      const bound = 1 / Math.sqrt(inDim);
      const a = new Float32Array(opts.rank * inDim);
      for (let i = 0; i < a.length; i++) a[i] = (rnd() * 2 - 1) * bound;
      pairs.push({
        base: `blk.${l}.${TARGET_NAMES[t].gguf}.weight`,
        inDim,
        outDim,
        rank: opts.rank,
        a,
        b: new Float32Array(outDim * opts.rank),
      });
    }
  }
  return { rank: opts.rank, alpha: opts.alpha, pairs };
}
