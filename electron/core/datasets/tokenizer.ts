// Which tokenizer a dataset's statistics (and prepared examples) belong to. Token counts and
// truncation depend on the vocabulary, so a dataset measured with one model's tokenizer is refused
// for training another until its statistics are computed again.
import { createHash } from 'node:crypto';
import { openGguf } from '../engine/gguf/reader.ts';
import { Tokenizer } from '../engine/models/gemma3/tokenizer.ts';
import type { Tokenize } from './prepare.ts';

export interface TokenizerId {
  model: string;
  fingerprint: string;
}

/** sha256 over the model's token list, scores' count and special ids (same vocabulary ⇔ same fingerprint). */
export function tokenizerFingerprint(modelPath: string): string {
  const f = openGguf(modelPath);
  try {
    const m = f.metadata;
    const h = createHash('sha256');
    h.update(String(m['tokenizer.ggml.model'] ?? ''));
    const tokens = m['tokenizer.ggml.tokens'];
    if (!Array.isArray(tokens)) throw new Error(`${modelPath} has no tokenizer`);
    for (const t of tokens) h.update(`${String(t)}\u0000`);
    for (const k of ['bos_token_id', 'eos_token_id', 'add_bos_token']) h.update(String(m[`tokenizer.ggml.${k}`] ?? ''));
    return h.digest('hex').slice(0, 32);
  } finally {
    f.close();
  }
}

/** Throws when the dataset was measured with another tokenizer than the model's. */
export function checkSameTokenizer(datasetName: string, measured: TokenizerId | null, model: TokenizerId): void {
  if (measured && measured.fingerprint !== model.fingerprint) {
    throw new Error(
      `dataset “${datasetName}” was prepared for another tokenizer (${measured.model}); its token counts do not hold for ${model.model}. Recompute its statistics with this model first.`,
    );
  }
}

const tokenizers = new Map<string, { tokenize: Tokenize; fingerprint: string }>();

/** The model's tokenizer without its weights (cached per path; built in the engine worker, never the host). */
export function modelTokenizer(modelPath: string): { tokenize: Tokenize; fingerprint: string } {
  let t = tokenizers.get(modelPath);
  if (!t) {
    const f = openGguf(modelPath);
    let tok: Tokenizer;
    try {
      tok = new Tokenizer(f.metadata);
    } finally {
      f.close();
    }
    t = { tokenize: (text, o) => tok.encode(text, { addBos: o.addBos }), fingerprint: tokenizerFingerprint(modelPath) };
    tokenizers.set(modelPath, t);
  }
  return t;
}
