// A SentencePiece-style vocabulary shaped like Gemma's: control tokens at Gemma's ids (pad 0, eos 1,
// bos 2, unk 3, <start_of_turn> 105, <end_of_turn> 106), 256 byte-fallback tokens <0x00>..<0xFF>,
// every printable ASCII character, "▁"-prefixed word pieces with all their prefixes (so llama.cpp's
// SPM merges can reach them), then filler pieces up to the requested size.

/** llama.cpp's token types (llama_token_type). */
export enum TokenType {
  NORMAL = 1,
  UNKNOWN = 2,
  CONTROL = 3,
  USER_DEFINED = 4,
  BYTE = 6,
}

export interface Vocab {
  tokens: string[];
  scores: number[];
  types: TokenType[];
  ids: { pad: number; eos: number; bos: number; unk: number; startOfTurn: number; endOfTurn: number };
}

export const SPACE = '\u2581'; // ▁, SentencePiece's visible space

/** Common English words and chat words, so test prompts tokenize into multi-character pieces. */
const WORDS = [
  'the',
  'and',
  'you',
  'that',
  'was',
  'for',
  'are',
  'with',
  'his',
  'they',
  'this',
  'have',
  'from',
  'one',
  'had',
  'word',
  'but',
  'not',
  'what',
  'all',
  'were',
  'when',
  'your',
  'can',
  'said',
  'there',
  'use',
  'each',
  'which',
  'she',
  'how',
  'their',
  'will',
  'other',
  'about',
  'out',
  'many',
  'then',
  'them',
  'these',
  'some',
  'her',
  'would',
  'make',
  'like',
  'him',
  'into',
  'time',
  'has',
  'look',
  'two',
  'more',
  'write',
  'see',
  'number',
  'way',
  'could',
  'people',
  'than',
  'first',
  'water',
  'been',
  'call',
  'who',
  'its',
  'now',
  'find',
  'long',
  'down',
  'day',
  'did',
  'get',
  'come',
  'made',
  'may',
  'part',
  'hello',
  'world',
  'model',
  'user',
  'glass',
  'box',
  'token',
  'story',
  'once',
  'upon',
  'small',
  'cat',
  'dog',
  'sat',
  'on',
  'mat',
  'is',
  'it',
  'in',
  'of',
  'to',
  'a',
  'i',
  'we',
  'be',
  'at',
  'or',
  'an',
  'by',
  'do',
  'if',
  'so',
  'up',
  'no',
  'my',
  'me',
];

function byteToken(b: number): string {
  return `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/** Builds a vocabulary of exactly `size` tokens (size ≥ 400). Deterministic: no randomness involved. */
export function buildVocab(size: number): Vocab {
  if (size < 400) throw new Error(`vocab size ${size} is below the 400 needed for specials, bytes and ASCII`);
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: TokenType[] = [];
  const seen = new Set<string>();
  const add = (t: string, type: TokenType, score: number) => {
    if (seen.has(t)) return;
    seen.add(t);
    tokens.push(t);
    types.push(type);
    scores.push(score);
  };

  // Gemma's layout: 0..3, then <mask>, [multimodal], unused slots up to 104, then the turn markers.
  add('<pad>', TokenType.CONTROL, 0);
  add('<eos>', TokenType.CONTROL, 0);
  add('<bos>', TokenType.CONTROL, 0);
  add('<unk>', TokenType.UNKNOWN, 0);
  add('<mask>', TokenType.CONTROL, 0);
  add('[multimodal]', TokenType.CONTROL, 0);
  for (let i = 0; tokens.length < 105; i++) add(`<unused${i}>`, TokenType.CONTROL, 0);
  add('<start_of_turn>', TokenType.CONTROL, 0);
  add('<end_of_turn>', TokenType.CONTROL, 0);
  add('<start_of_image>', TokenType.CONTROL, 0);
  add('<end_of_image>', TokenType.CONTROL, 0);
  for (let b = 0; b < 256; b++) add(byteToken(b), TokenType.BYTE, 0);

  // Normal pieces get descending scores: SPM merges prefer the higher score, so frequent
  // (earlier) pieces win. Single characters first, then words with every "▁"-prefix on the way.
  let rank = 0;
  const piece = (p: string) => {
    if (tokens.length < size) add(p, TokenType.NORMAL, -rank++);
  };
  piece(SPACE);
  piece('\n');
  for (let c = 0x21; c < 0x7f; c++) piece(String.fromCharCode(c));
  for (const w of WORDS) {
    for (let k = 1; k <= w.length; k++) piece(SPACE + w.slice(0, k));
  }
  for (const w of WORDS) if (w.length > 1) piece(w);
  // Filler: distinct two- and three-letter pieces, then numbered ones for very large vocabularies.
  const letters = 'etaoinshrdlcumwfgypbvkjxqz';
  outer: for (const a of letters) {
    for (const b of letters) {
      if (tokens.length >= size) break outer;
      piece(a + b);
      piece(SPACE + a + b);
    }
  }
  for (let i = 0; tokens.length < size; i++) piece(`${SPACE}w${i}`);

  return {
    tokens,
    scores,
    types,
    ids: { pad: 0, eos: 1, bos: 2, unk: 3, startOfTurn: 105, endOfTurn: 106 },
  };
}
