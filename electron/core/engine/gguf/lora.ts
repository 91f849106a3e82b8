// LoRA adapters as GGUF files that llama.cpp loads (createContext({ lora })):
//   metadata: general.type = adapter, adapter.type = lora, adapter.lora.alpha (f32), general.architecture
//   tensors:  "<base>.lora_a" ne = [in, r] and "<base>.lora_b" ne = [r, out] for a base ne = [in, out];
//             effective weight W + (alpha / r)·B·A.
// In memory A is r×in row-major and B is out×r row-major — exactly PEFT's lora_A / lora_B layouts.
import { GgufError } from './errors.ts';
import { f32, str } from './meta.ts';
import { GgmlType, type GgufFile } from './types.ts';
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

export interface LoraAdapterFile {
  architecture: string;
  alpha: number;
  /** common rank of every pair (llama.cpp allows mixed ranks; we write one) */
  rank: number;
  pairs: LoraPair[];
  metadata: Record<string, unknown>;
}

/**
 * Reads a GGUF LoRA adapter back into PEFT layouts (A r × in, B out × r). Refuses files that are
 * not LoRA adapters or whose pairs are incomplete or inconsistent, with the reason.
 */
export function readLoraAdapter(file: GgufFile): LoraAdapterFile {
  const m = file.metadata;
  if (m['general.type'] !== 'adapter' || m['adapter.type'] !== 'lora') {
    throw new GgufError(
      'INVALID_ARGUMENT',
      `${file.path} is not a LoRA adapter (general.type = ${String(m['general.type'] ?? '(none)')}, adapter.type = ${String(m['adapter.type'] ?? '(none)')})`,
    );
  }
  const alpha = Number(m['adapter.lora.alpha']);
  if (!(alpha > 0)) throw new GgufError('INVALID_ARGUMENT', `${file.path}: adapter.lora.alpha is missing or not positive`);
  const pairs: LoraPair[] = [];
  for (const t of file.tensors) {
    if (!t.name.endsWith('.lora_a')) {
      if (!t.name.endsWith('.lora_b'))
        throw new GgufError('INVALID_ARGUMENT', `${file.path}: tensor ${t.name} is neither .lora_a nor .lora_b`);
      if (!file.tensor(t.name.replace(/\.lora_b$/, '.lora_a')))
        throw new GgufError('INVALID_ARGUMENT', `${file.path}: ${t.name} has no matching .lora_a`);
      continue;
    }
    const base = t.name.slice(0, -'.lora_a'.length);
    const tb = file.tensor(`${base}.lora_b`);
    if (!tb) throw new GgufError('INVALID_ARGUMENT', `${file.path}: ${t.name} has no matching .lora_b`);
    const [inDim, rank] = t.dims;
    const [rankB, outDim] = tb.dims;
    if (t.dims.length !== 2 || tb.dims.length !== 2 || rank !== rankB) {
      throw new GgufError(
        'INVALID_ARGUMENT',
        `${file.path}: ${base} has lora_a [${t.dims}] and lora_b [${tb.dims}], which do not make a rank-r pair`,
      );
    }
    checkTarget(base);
    pairs.push({ base, inDim, outDim, rank, a: file.readTensorF32(t.name), b: file.readTensorF32(tb.name) });
  }
  if (pairs.length === 0) throw new GgufError('INVALID_ARGUMENT', `${file.path}: the adapter has no tensors`);
  const rank = pairs[0].rank;
  if (pairs.some((p) => p.rank !== rank))
    throw new GgufError('INVALID_ARGUMENT', `${file.path}: pairs of different ranks are not supported`);
  return { architecture: String(m['general.architecture'] ?? ''), alpha, rank, pairs, metadata: m };
}
