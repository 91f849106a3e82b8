// LoRA adapters as GGUF files that llama.cpp loads (createContext({ lora })):
//   metadata: general.type = adapter, adapter.type = lora, adapter.lora.alpha (f32), general.architecture
//   tensors:  "<base>.lora_a" ne = [in, r] and "<base>.lora_b" ne = [r, out] for a base ne = [in, out];
//             effective weight W + (alpha / r)·B·A.
// In memory A is r×in row-major and B is out×r row-major — exactly PEFT's lora_A / lora_B layouts.
import { GgufError } from './errors.ts';
import { f32, str } from './meta.ts';
import { GgmlType } from './types.ts';
import type { GgufSpec, MetadataInput } from './writer.ts';

export interface LoraPair {
  /** The adapted base tensor, e.g. "blk.0.attn_q.weight". */
  base: string;
  /** The base tensor's ne = [inDim, outDim]. */
  inDim: number;
  outDim: number;
  rank: number;
  /** r × in, row-major (PEFT lora_A). */
  a: Float32Array;
  /** out × r, row-major (PEFT lora_B). */
  b: Float32Array;
}

export interface LoraAdapterOptions {
  architecture: string;
  alpha: number;
  pairs: LoraPair[];
  /** Storage type of A and B: F32 (default), F16 or Q8_0 (needs in and r to be multiples of 32). */
  type?: GgmlType;
  name?: string;
  /** Extra metadata, e.g. training settings, as typed values. */
  metadata?: Record<string, MetadataInput>;
}

/** Tensors llama.cpp refuses or ignores as LoRA targets in a tied-embedding model. */
function checkTarget(base: string): void {
  if (!base.endsWith('.weight')) throw new GgufError('INVALID_ARGUMENT', `LoRA target "${base}" is not a weight tensor`);
  if (/norm\.weight$/.test(base)) throw new GgufError('INVALID_ARGUMENT', `LoRA target "${base}" is a norm; norms are never adapted`);
  if (base === 'token_embd.weight' || base === 'output.weight') {
    throw new GgufError('INVALID_ARGUMENT', `LoRA target "${base}": Gemma 3 ties embeddings and head; do not adapt them`);
  }
}

export function loraAdapterSpec(opts: LoraAdapterOptions): GgufSpec {
  const type = opts.type ?? GgmlType.F32;
  const seen = new Set<string>();
  const tensors: GgufSpec['tensors'] = [];
  for (const p of opts.pairs) {
    checkTarget(p.base);
    if (seen.has(p.base)) throw new GgufError('DUPLICATE', `LoRA target "${p.base}" given twice`);
    seen.add(p.base);
    if (p.a.length !== p.rank * p.inDim) {
      throw new GgufError('INVALID_ARGUMENT', `${p.base}: A has ${p.a.length} values, r·in = ${p.rank * p.inDim}`);
    }
    if (p.b.length !== p.outDim * p.rank) {
      throw new GgufError('INVALID_ARGUMENT', `${p.base}: B has ${p.b.length} values, out·r = ${p.outDim * p.rank}`);
    }
    tensors.push(
      { name: `${p.base}.lora_a`, dims: [p.inDim, p.rank], type, data: p.a },
      { name: `${p.base}.lora_b`, dims: [p.rank, p.outDim], type, data: p.b },
    );
  }
  return {
    metadata: {
      'general.architecture': str(opts.architecture),
      'general.type': str('adapter'),
      'general.name': str(opts.name ?? 'Glassbox LoRA adapter'),
      'adapter.type': str('lora'),
      'adapter.lora.alpha': f32(opts.alpha),
      ...opts.metadata,
    },
    tensors,
  };
}
