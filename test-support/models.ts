// Generated test models, made once and cached under .cache/models/ (keyed by generator version and
// seed in the file name). Safe to call from many test processes at once: each model is written to a
// temp file and renamed into place, and a finished file is never rewritten.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED, generateGemma3, modelFileName, type GenerateOptions } from './synth/index.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MODELS_DIR = process.env.GLASSBOX_MODELS_DIR ?? join(REPO_ROOT, '.cache', 'models');

/** Path of a generated model, generating it first if it is not cached. */
export function ensureModel(opts: GenerateOptions): string {
  mkdirSync(MODELS_DIR, { recursive: true });
  const path = join(MODELS_DIR, modelFileName(opts));
  if (!existsSync(path)) generateGemma3(path, opts);
  return path;
}

export interface TestModels {
  /** nano, F32: 2 layers (local + global), D 64, V 512, for fast unit tests. */
  nano: string;
  /** mini: 6 layers (0-4 local, 5 global), window 12, D 128, q 256, GQA 4:1, V 1024. */
  miniF32: string;
  miniF16: string;
  /** Linear weights and embeddings Q8_0, norms F32 (as llama.cpp's Q8_0 files). */
  miniQ8: string;
}

export async function ensureTestModels(seed = DEFAULT_SEED): Promise<TestModels> {
  return {
    nano: ensureModel({ preset: 'nano', weightType: 'F32', seed }),
    miniF32: ensureModel({ preset: 'mini', weightType: 'F32', seed }),
    miniF16: ensureModel({ preset: 'mini', weightType: 'F16', seed }),
    miniQ8: ensureModel({ preset: 'mini', weightType: 'Q8_0', seed }),
  };
}

export interface KQuantTestModels {
  /** mini-k (as mini but D 256, Dh 128, F 768: rows fit 256-value K-quant blocks) in F32, the reference. */
  miniKF32: string;
  /** Q4_K linear weights with Q6_K embedding and attn_v/ffn_down on layers 2 and 5 (llama-quantize's Q4_K_M mix). */
  miniKQ4_K_M: string;
  /** All linear weights and the embedding Q5_K. */
  miniKQ5_K: string;
}

/** Models whose weights are the K-quant types Gemma 3 270M is published in (Q4_K_M = Q4_K + Q6_K). */
export async function ensureKQuantTestModels(seed = DEFAULT_SEED): Promise<KQuantTestModels> {
  return {
    miniKF32: ensureModel({ preset: 'mini-k', weightType: 'F32', seed }),
    miniKQ4_K_M: ensureModel({ preset: 'mini-k', weightType: 'Q4_K_M', seed }),
    miniKQ5_K: ensureModel({ preset: 'mini-k', weightType: 'Q5_K', seed }),
  };
}

/** A random model with Gemma 3 270M's exact shapes and real vocabulary (F32 ≈ 1.07 GB). Benchmarks only. */
export async function ensureModel270m(type: 'F32' | 'Q8_0', seed = DEFAULT_SEED): Promise<string> {
  return ensureModel({ preset: 'gemma3-270m', weightType: type, seed });
}

export type RealVocabSize = 'small' | '270m';

/**
 * A model with Gemma 3's real 262,144-token vocabulary (tokens, scores, types, chat template as the
 * official GGUF files carry them), so text tokenizes exactly as with Gemma 3 270M.
 *   'small': nano's 2 blocks (D 64), F32 67 MB (Q8_0 18 MB): what Chat/Inspect tests can afford.
 *   '270m': Gemma 3 270M's exact shapes, F32 ≈ 1.07 GB (Q8_0 ≈ 0.29 GB): benchmarks only.
 */
export async function ensureRealVocabModel(
  size: RealVocabSize = 'small',
  type: 'F32' | 'Q8_0' = 'F32',
  seed = DEFAULT_SEED,
): Promise<string> {
  return ensureModel({ preset: size === 'small' ? 'rv-small' : 'gemma3-270m', weightType: type, seed });
}
