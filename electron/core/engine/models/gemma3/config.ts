// Gemma 3 hyperparameters read from GGUF metadata, with llama.cpp's defaults and rules
// (src/models/gemma3.cpp, src/llama-model.cpp, src/llama-hparams.cpp).
import type { GgufValue } from '../../gguf/index.ts';

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

export const SUPPORTED_ARCHITECTURES = ['gemma3'] as const;

export interface Gemma3Config {
  /** D */ hidden: number;
  /** L */ layers: number;
  /** H */ heads: number;
  /** Hkv */ kvHeads: number;
  /** Dh: key/query head dim */ headDim: number;
  /** value head dim (= Dh for every Gemma 3) */ valueDim: number;
  /** F */ ffn: number;
  /** V */ vocab: number;
  /** W: a query at position p sees keys at positions p − W < j ≤ p on sliding layers (0 = no sliding layers) */
  window: number;
  /** layer i is sliding when i % pattern < pattern − 1 */ pattern: number;
  contextLength: number;
  rmsEps: number;
  /** RoPE base of global layers (`rope.freq_base`, default 10000) */ ropeBase: number;
  /** RoPE base of sliding layers (`rope.freq_base_swa`, default 10000) */ ropeBaseLocal: number;
  /** position multiplier of global layers (1 / `rope.scaling.factor`) */ ropeFreqScale: number;
  /** attention score scale applied to Q (llama.cpp: 1/sqrt(Dh), except 27B) */ attentionScale: number;
  /** 0 = none */ finalLogitSoftcap: number;
}

function num(meta: Record<string, GgufValue>, key: string, fallback?: number): number {
  const v = meta[key];
  if (v === undefined) {
    if (fallback === undefined) throw new ModelLoadError(`missing metadata key '${key}'`);
    return fallback;
  }
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'bigint') return Number(first);
  if (typeof first !== 'number') throw new ModelLoadError(`metadata key '${key}' is not a number`);
  return first;
}

/** Reads the gemma3 config; any other architecture gets a clear error naming what is supported. */
export function configFromMetadata(meta: Record<string, GgufValue>, vocabFromTensor?: number): Gemma3Config {
  const arch = meta['general.architecture'];
  if (arch !== 'gemma3') {
    throw new ModelLoadError(`unsupported architecture '${String(arch ?? '(none)')}' (supported: ${SUPPORTED_ARCHITECTURES.join(', ')})`);
  }
  const a = 'gemma3';
  const hidden = num(meta, `${a}.embedding_length`);
  const heads = num(meta, `${a}.attention.head_count`);
  const headDim = num(meta, `${a}.attention.key_length`, hidden / heads);
  const layers = num(meta, `${a}.block_count`);
  const window = num(meta, `${a}.attention.sliding_window`, 0);
  const tokens = meta['tokenizer.ggml.tokens'];
  const ropeScale = num(meta, `${a}.rope.scaling.factor`, num(meta, `${a}.rope.scale_linear`, 0));
  const cfg: Gemma3Config = {
    hidden,
    layers,
    heads,
    kvHeads: num(meta, `${a}.attention.head_count_kv`, heads),
    headDim,
    valueDim: num(meta, `${a}.attention.value_length`, hidden / heads),
    ffn: num(meta, `${a}.feed_forward_length`),
    vocab: vocabFromTensor ?? (Array.isArray(tokens) ? tokens.length : 0),
    window,
    pattern: window > 0 ? num(meta, `${a}.attention.sliding_window_pattern`, 6) : 0,
    contextLength: num(meta, `${a}.context_length`),
    rmsEps: num(meta, `${a}.attention.layer_norm_rms_epsilon`),
    ropeBase: num(meta, `${a}.rope.freq_base`, 10000),
    ropeBaseLocal: num(meta, `${a}.rope.freq_base_swa`, 10000),
    ropeFreqScale: ropeScale === 0 ? 1 : 1 / ropeScale,
    // gemma3.cpp: 27B (62 layers) scales by 1/sqrt(D/H), every other size by 1/sqrt(Dh).
    attentionScale: layers === 62 ? 1 / Math.sqrt(hidden / heads) : 1 / Math.sqrt(headDim),
    finalLogitSoftcap: num(meta, `${a}.final_logit_softcapping`, 0),
  };
  if (cfg.heads % cfg.kvHeads !== 0) throw new ModelLoadError(`head_count ${cfg.heads} is not a multiple of head_count_kv ${cfg.kvHeads}`);
  if (cfg.valueDim !== cfg.headDim) throw new ModelLoadError(`key_length ${cfg.headDim} ≠ value_length ${cfg.valueDim} is not supported`);
  if (cfg.headDim % 2 !== 0) throw new ModelLoadError(`head dim ${cfg.headDim} must be even for RoPE`);
  return cfg;
}

/** llama.cpp's rule (set_swa_pattern): layer i is sliding when i % pattern < pattern − 1. */
export function isSliding(cfg: Gemma3Config, layer: number): boolean {
  return cfg.window > 0 && layer % cfg.pattern < cfg.pattern - 1;
}
