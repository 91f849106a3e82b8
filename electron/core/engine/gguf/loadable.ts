// What llama.cpp's model loader asserts on (and so aborts the whole process for), checked on a GGUF
// our reader has already parsed. The reader covers the file format (dimensions ≥ 1, dimension count,
// element and byte counts, offsets, alignment, type sizes); this covers the model metadata llama.cpp
// reads before it builds anything: a file that passes both must never abort the model worker.
// Sources: llama.cpp src/llama-model.cpp (load_hparams), src/llama-vocab.cpp (load), gguf.cpp.
import { GgufError } from './errors.ts';
import { GgufValueType, type GgufFile, type GgufTypedValue } from './types.ts';

/** LLAMA_MAX_LAYERS in llama.cpp's llama-hparams.h: block_count must be in 1..512. */
export const LLAMA_MAX_LAYERS = 512;
/** Architectures whose every layer has attention heads and a feed-forward block. */
const TRANSFORMERS = new Set(['gemma3', 'gemma2', 'gemma', 'llama', 'qwen2', 'qwen3', 'mistral', 'phi3']);
const ROPE_SCALING_TYPES = new Set(['none', 'linear', 'yarn', 'longrope']);
const UNSIGNED = new Set([GgufValueType.UINT8, GgufValueType.UINT16, GgufValueType.UINT32, GgufValueType.UINT64]);
const SIGNED = new Set([GgufValueType.INT8, GgufValueType.INT16, GgufValueType.INT32, GgufValueType.INT64]);

function bad(message: string): never {
  throw new GgufError('BAD_METADATA', message);
}

/** An integer metadata value (scalar), or undefined when the key is absent. */
function intOf(tv: GgufTypedValue | undefined, key: string): number | undefined {
  if (tv === undefined) return undefined;
  if (!UNSIGNED.has(tv.type) && !SIGNED.has(tv.type)) bad(`${key} must be an integer, found value type ${tv.type}`);
  return Number(tv.value);
}

/** A per-layer value that llama.cpp accepts as one integer or an array with one entry per layer. */
function perLayer(tv: GgufTypedValue | undefined, key: string, layers: number): number[] | undefined {
  if (tv === undefined) return undefined;
  if (tv.type !== GgufValueType.ARRAY) return [intOf(tv, key)!];
  if (!UNSIGNED.has(tv.itemType) && !SIGNED.has(tv.itemType)) bad(`${key} must hold integers`);
  const values = (tv.value as (number | bigint)[]).map(Number);
  if (values.length !== layers) bad(`${key} has ${values.length} entries for ${layers} layers`);
  return values;
}

/** Throws a GgufError naming the first thing llama.cpp would abort (or refuse) on. */
export function assertLlamaLoadable(f: GgufFile): void {
  const m = f.typedMetadata;
  const archTv = m['general.architecture'];
  if (archTv === undefined) return; // not a model: the caller says so in its own words
  if (archTv.type !== GgufValueType.STRING) bad('general.architecture must be a string');
  const arch = archTv.value as string;
  if (m['adapter.type'] !== undefined) return; // adapters carry no hyperparameters

  const layers = intOf(m[`${arch}.block_count`], `${arch}.block_count`);
  if (layers === undefined) bad(`${arch}.block_count is missing`);
  if (layers < 1 || layers > LLAMA_MAX_LAYERS) bad(`${arch}.block_count is ${layers}; llama.cpp needs 1 to ${LLAMA_MAX_LAYERS} layers`);

  for (const key of ['context_length', 'embedding_length']) {
    const v = intOf(m[`${arch}.${key}`], `${arch}.${key}`);
    if (v === undefined) bad(`${arch}.${key} is missing`);
    if (v < 1) bad(`${arch}.${key} is ${v}; it must be at least 1`);
  }
  const heads = perLayer(m[`${arch}.attention.head_count`], `${arch}.attention.head_count`, layers);
  const kvHeads = perLayer(m[`${arch}.attention.head_count_kv`], `${arch}.attention.head_count_kv`, layers) ?? heads;
  const ffn = perLayer(m[`${arch}.feed_forward_length`], `${arch}.feed_forward_length`, layers);
  if (TRANSFORMERS.has(arch)) {
    // llama.cpp builds each weight's expected shape from these and asserts every dimension ≥ 1
    // (llama-model-loader.cpp create_tensor): a zero here aborts it even when the file's tensors are fine.
    const embd = intOf(m[`${arch}.embedding_length`], `${arch}.embedding_length`)!;
    if (!heads || heads.some((h) => h < 1)) bad(`${arch}.attention.head_count must be at least 1 on every layer`);
    if (!ffn || ffn.some((x) => x < 1)) bad(`${arch}.feed_forward_length must be at least 1 on every layer`);
    for (const key of ['key_length', 'value_length']) {
      const v = intOf(m[`${arch}.attention.${key}`], `${arch}.attention.${key}`);
      const headDim = v ?? Math.floor(embd / Math.max(...heads));
      if (headDim < 1)
        bad(`${arch}.attention.${key} is ${headDim}${v === undefined ? ` (embedding_length / head_count)` : ''}; it must be at least 1`);
    }
  }
  if (heads && kvHeads) {
    for (let l = 0; l < layers; l++) {
      const h = heads[heads.length === 1 ? 0 : l];
      const kv = kvHeads[kvHeads.length === 1 ? 0 : l];
      if (h > 0 && (kv < 1 || h % kv !== 0))
        bad(`layer ${l} has ${h} attention heads and ${kv} KV heads; the heads must be a multiple of the KV heads`);
    }
  }
  const scaling = m[`${arch}.rope.scaling.type`];
  if (scaling !== undefined && (scaling.type !== GgufValueType.STRING || !ROPE_SCALING_TYPES.has(scaling.value as string))) {
    bad(`${arch}.rope.scaling.type is ${JSON.stringify(scaling.value)}; llama.cpp knows ${[...ROPE_SCALING_TYPES].join(', ')}`);
  }

  const tokens = m['tokenizer.ggml.tokens'];
  if (tokens === undefined) return;
  if (tokens.type !== GgufValueType.ARRAY || tokens.itemType !== GgufValueType.STRING)
    bad('tokenizer.ggml.tokens must be an array of strings');
  const words = tokens.value as string[];
  const n = words.length;
  if (n === 0) bad('tokenizer.ggml.tokens is empty');
  // llama-vocab.cpp maps each token text to its id and asserts the map is as long as the list: two
  // tokens with the same text abort the process. It reads each text as a C string (cut at the first
  // NUL byte) and renames an empty one to "[EMPTY_<id>]".
  const ids = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const text = words[i].split('\0', 1)[0];
    const word = text === '' ? `[EMPTY_${i}]` : text;
    const first = ids.get(word);
    if (first !== undefined) bad(`tokenizer.ggml.tokens holds ${JSON.stringify(word)} twice (tokens ${first} and ${i})`);
    ids.set(word, i);
  }
  const scores = m['tokenizer.ggml.scores'];
  if (scores !== undefined) {
    if (scores.type !== GgufValueType.ARRAY || (scores.itemType !== GgufValueType.FLOAT32 && scores.itemType !== GgufValueType.INT32)) {
      bad('tokenizer.ggml.scores must be an array of f32 or i32');
    }
    if ((scores.value as unknown[]).length < n)
      bad(`tokenizer.ggml.scores has ${(scores.value as unknown[]).length} entries for ${n} tokens`);
  }
  const types = m['tokenizer.ggml.token_type'];
  if (types !== undefined) {
    if (types.type !== GgufValueType.ARRAY || types.itemType !== GgufValueType.INT32)
      bad('tokenizer.ggml.token_type must be an array of i32');
    if ((types.value as unknown[]).length < n)
      bad(`tokenizer.ggml.token_type has ${(types.value as unknown[]).length} entries for ${n} tokens`);
  }
}
