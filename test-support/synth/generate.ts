// Deterministic random Gemma 3 models as real GGUF files that llama.cpp loads and runs.
// Weights are scaled so the model is not degenerate: embeddings give logits with a clear but not
// one-hot top, linear layers preserve variance (std 1/√in), norm weights are stored as GGUF stores
// them (1 + w, here spread around 1, never all ones), and q/k norms sharpen attention a little.
import {
  GgmlType,
  GgufValueType,
  arr,
  bool,
  f32,
  str,
  u32,
  writeGguf,
  type GgufSpec,
  type MetadataInput,
  type TensorSpec,
} from '../../electron/core/engine/gguf/index.ts';
import { GEMMA3_CHAT_TEMPLATE } from './chat-template.ts';
import { PRESETS, GENERATOR_VERSION, DEFAULT_SEED, type Gemma3Config, type PresetName } from './presets.ts';
import { Rng } from './prng.ts';
import { buildVocab, type Vocab } from './vocab.ts';
import { GEMMA3_VOCAB_SIZE, gemma3Vocab } from './gemma3-vocab.ts';

/**
 * Types the generator can write the embedding and linear weights in (norms are always F32).
 * Q4_K_M mixes like llama-quantize's: Q6_K for the embedding and for attn_v/ffn_down on the layers
 * llama.cpp gives more bits to, Q4_K elsewhere. K-quant types need rows that are multiples of 256
 * (the mini-k preset).
 */
export type WeightType = 'F32' | 'F16' | 'BF16' | 'Q8_0' | 'Q4_0' | 'Q4_K_M' | 'Q5_K' | 'Q6_K';

// general.file_type values are llama_ftype: ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q4_0 2, MOSTLY_Q8_0 7,
// MOSTLY_Q4_K_M 15, MOSTLY_Q5_K_S 16, MOSTLY_Q6_K 18, MOSTLY_BF16 32
const FILE_TYPES: Record<WeightType, number> = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 7, Q4_K_M: 15, Q5_K: 16, Q6_K: 18, BF16: 32 };
const SINGLE_TYPES: Partial<Record<WeightType, GgmlType>> = {
  F32: GgmlType.F32,
  F16: GgmlType.F16,
  BF16: GgmlType.BF16,
  Q8_0: GgmlType.Q8_0,
  Q4_0: GgmlType.Q4_0,
  Q5_K: GgmlType.Q5_K,
  Q6_K: GgmlType.Q6_K,
};

/** llama-quantize's use_more_bits: the first and last eighth of the layers, and every third between. */
function useMoreBits(layer: number, layers: number): boolean {
  const eighth = Math.floor(layers / 8);
  return layer < eighth || layer >= Math.floor((7 * layers) / 8) || (layer - eighth) % 3 === 2;
}

/** The storage type of one non-norm tensor under a weight type. */
export function tensorTypeFor(weightType: WeightType, name: string, cfg: Gemma3Config): GgmlType {
  const single = SINGLE_TYPES[weightType];
  if (single !== undefined) return single;
  // Q4_K_M
  if (name === 'token_embd.weight') return GgmlType.Q6_K;
  const m = /^blk\.(\d+)\.(attn_v|ffn_down)\.weight$/.exec(name);
  if (m && useMoreBits(Number(m[1]), cfg.layers)) return GgmlType.Q6_K;
  return GgmlType.Q4_K;
}

export interface GenerateOptions {
  preset: PresetName;
  weightType: WeightType;
  seed?: number;
  /** Override preset numbers (e.g. a different vocab for an experiment). */
  config?: Partial<Gemma3Config>;
}

/** How each tensor's values are drawn: uniform with this mean and standard deviation. */
export function initFor(name: string, cfg: Gemma3Config): { mean: number; std: number } {
  const kind = name.replace(/^blk\.\d+\./, '').replace(/\.weight$/, '');
  switch (kind) {
    case 'token_embd': {
      // Tied head: logit std ≈ √D·std = 2.5, a clear top over ~1k tokens; larger vocabularies need
      // more spread for the top to stand out among V tokens (log-sum-exp grows with ln V): ×2.4 for
      // Gemma's 262,144 tokens gives rv-small a top next-token probability of ~0.15 (×1 up to 1,024 tokens).
      const vocabBoost = Math.max(1, (Math.log(cfg.vocab) / Math.log(1024)) ** 1.5);
      return { mean: 0, std: (2.5 * vocabBoost) / Math.sqrt(cfg.hidden) };
    }
    case 'attn_q_norm':
    case 'attn_k_norm':
      return { mean: 1.3, std: 0.2 };
    case 'attn_norm':
    case 'ffn_norm':
    case 'output_norm':
      return { mean: 1, std: 0.15 };
    case 'post_attention_norm':
    case 'post_ffw_norm': {
      // With a tied head, the current token's own embedding in the residual stream scores itself
      // highest, and greedy decoding repeats one token forever. Large post-norm gains (real Gemma's are
      // large too) make the blocks' outputs dominate the final residual, ~3x the embedding's self-score.
      const mean = (3 * 2.5 * Math.sqrt(cfg.hidden)) / Math.sqrt(2 * cfg.layers);
      return { mean, std: 0.15 * mean };
    }
    case 'attn_q':
    case 'attn_k':
    case 'attn_v':
    case 'ffn_gate':
    case 'ffn_up':
      return { mean: 0, std: 1 / Math.sqrt(cfg.hidden) };
    case 'attn_output':
      return { mean: 0, std: 1 / Math.sqrt(cfg.heads * cfg.headDim) };
    case 'ffn_down':
      return { mean: 0, std: 1 / Math.sqrt(cfg.ffn) };
    default:
      throw new Error(`no initialisation rule for tensor ${name}`);
  }
}

/** The float32 values of one tensor: a pure function of (seed, name, config). */
export function tensorValues(seed: number, name: string, count: number, cfg: Gemma3Config): Float32Array {
  const { mean, std } = initFor(name, cfg);
  return Rng.forTensor(seed, name).fillUniform(new Float32Array(count), std, mean);
}

/** Every tensor of a gemma3 model: name, ne (fastest first), and whether it is a norm (kept F32). */
export function gemma3TensorShapes(cfg: Gemma3Config): { name: string; dims: number[]; norm: boolean }[] {
  const D = cfg.hidden,
    Q = cfg.heads * cfg.headDim,
    KV = cfg.kvHeads * cfg.headDim,
    F = cfg.ffn;
  const out = [{ name: 'token_embd.weight', dims: [D, cfg.vocab], norm: false }];
  for (let i = 0; i < cfg.layers; i++) {
    const b = `blk.${i}.`;
    out.push(
      { name: `${b}attn_norm.weight`, dims: [D], norm: true },
      { name: `${b}attn_q.weight`, dims: [D, Q], norm: false },
      { name: `${b}attn_k.weight`, dims: [D, KV], norm: false },
      { name: `${b}attn_v.weight`, dims: [D, KV], norm: false },
      { name: `${b}attn_q_norm.weight`, dims: [cfg.headDim], norm: true },
      { name: `${b}attn_k_norm.weight`, dims: [cfg.headDim], norm: true },
      { name: `${b}attn_output.weight`, dims: [Q, D], norm: false },
      { name: `${b}post_attention_norm.weight`, dims: [D], norm: true },
      { name: `${b}ffn_norm.weight`, dims: [D], norm: true },
      { name: `${b}ffn_gate.weight`, dims: [D, F], norm: false },
      { name: `${b}ffn_up.weight`, dims: [D, F], norm: false },
      { name: `${b}ffn_down.weight`, dims: [F, D], norm: false },
      { name: `${b}post_ffw_norm.weight`, dims: [D], norm: true },
    );
  }
  out.push({ name: 'output_norm.weight', dims: [D], norm: true });
  return out;
}

/** The vocabulary a config asks for, and the chat template that goes with it. */
export function vocabFor(cfg: Gemma3Config): Vocab & { chatTemplate: string } {
  if (cfg.vocabulary === 'gemma3') {
    if (cfg.vocab !== GEMMA3_VOCAB_SIZE)
      throw new Error(`the real Gemma 3 vocabulary has ${GEMMA3_VOCAB_SIZE} tokens, the config asks for ${cfg.vocab}`);
    return gemma3Vocab();
  }
  return { ...buildVocab(cfg.vocab), chatTemplate: GEMMA3_CHAT_TEMPLATE };
}

/** gemma3.* hyperparameters and the tokenizer, typed exactly as llama.cpp reads them. */
export function gemma3Metadata(cfg: Gemma3Config, name: string, fileType: number): Record<string, MetadataInput> {
  const vocab = vocabFor(cfg);
  const m: Record<string, MetadataInput> = {
    'general.architecture': str('gemma3'),
    'general.type': str('model'),
    'general.name': str(name),
    'general.file_type': u32(fileType),
    'general.quantization_version': u32(2),
    'gemma3.context_length': u32(cfg.contextLength),
    'gemma3.embedding_length': u32(cfg.hidden),
    'gemma3.block_count': u32(cfg.layers),
    'gemma3.feed_forward_length': u32(cfg.ffn),
    'gemma3.attention.head_count': u32(cfg.heads),
    'gemma3.attention.head_count_kv': u32(cfg.kvHeads),
    'gemma3.attention.key_length': u32(cfg.headDim),
    'gemma3.attention.value_length': u32(cfg.headDim),
    'gemma3.attention.layer_norm_rms_epsilon': f32(cfg.rmsEps),
    'gemma3.attention.sliding_window': u32(cfg.window),
    'gemma3.rope.freq_base': f32(cfg.ropeBase),
    'gemma3.rope.freq_base_swa': f32(cfg.ropeBaseLocal),
    'tokenizer.ggml.model': str('llama'),
    'tokenizer.ggml.pre': str('default'),
    'tokenizer.ggml.tokens': arr(GgufValueType.STRING, vocab.tokens),
    'tokenizer.ggml.scores': arr(GgufValueType.FLOAT32, vocab.scores),
    'tokenizer.ggml.token_type': arr(GgufValueType.INT32, vocab.types),
    'tokenizer.ggml.bos_token_id': u32(vocab.ids.bos),
    'tokenizer.ggml.eos_token_id': u32(vocab.ids.eos),
    'tokenizer.ggml.unknown_token_id': u32(vocab.ids.unk),
    'tokenizer.ggml.padding_token_id': u32(vocab.ids.pad),
    'tokenizer.ggml.add_bos_token': bool(true),
    'tokenizer.ggml.add_eos_token': bool(false),
    'tokenizer.ggml.add_space_prefix': bool(false),
    'tokenizer.chat_template': str(vocab.chatTemplate),
  };
  // Real Gemma 3 files leave the pattern at llama.cpp's default of 6; state it only when different.
  if (cfg.pattern !== 6) m['gemma3.attention.sliding_window_pattern'] = u32(cfg.pattern);
  return m;
}

export function resolveConfig(opts: GenerateOptions): Gemma3Config {
  return { ...PRESETS[opts.preset], ...opts.config };
}

/** The full writer spec; tensor values are produced lazily, one tensor at a time. */
export function gemma3Spec(opts: GenerateOptions): GgufSpec {
  const cfg = resolveConfig(opts);
  const seed = opts.seed ?? DEFAULT_SEED;
  const name = `Glassbox synthetic ${opts.preset} ${opts.weightType} (seed ${seed}, generator v${GENERATOR_VERSION})`;
  const tensors: TensorSpec[] = gemma3TensorShapes(cfg).map(({ name: tn, dims, norm }) => ({
    name: tn,
    dims,
    type: norm ? GgmlType.F32 : tensorTypeFor(opts.weightType, tn, cfg),
    produce: () =>
      tensorValues(
        seed,
        tn,
        dims.reduce((a, b) => a * b, 1),
        cfg,
      ),
  }));
  return { metadata: gemma3Metadata(cfg, name, FILE_TYPES[opts.weightType]), tensors };
}

/** Writes the model to `path` (atomically). Returns the time taken in milliseconds. */
export function generateGemma3(path: string, opts: GenerateOptions): number {
  const t0 = performance.now();
  writeGguf(path, gemma3Spec(opts));
  return performance.now() - t0;
}

/** A stable file name: changes whenever the bytes would change. */
export function modelFileName(opts: GenerateOptions): string {
  const seed = opts.seed ?? DEFAULT_SEED;
  const extra = opts.config ? `-c${JSON.stringify(opts.config).replace(/[^a-z0-9]/gi, '')}` : '';
  return `glassbox-${opts.preset}-${opts.weightType.toLowerCase()}-s${seed}-g${GENERATOR_VERSION}${extra}.gguf`;
}
