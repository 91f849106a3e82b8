// SentencePiece ("llama" model in GGUF) tokenization exactly as llama.cpp's llama_vocab::tokenize does
// it for an SPM vocabulary such as Gemma 3's (262,144 tokens):
//   1. Special tokens written in the text are split out first (tokenizer_st_partition): every
//      control, unknown and user-defined token, longest first (UTF-8 length; ties by id), each taking its
//      occurrences left to right in the text not yet claimed. Control and unknown tokens only when
//      `special` is true; user-defined ones (Gemma's runs of \n, \t and spaces, HTML tags) always.
//   2. Every remaining fragment: spaces become ▁, the text is split into characters, and adjacent
//      pieces are merged greedily by the vocabulary score of the merged piece (ties: leftmost first).
//      Characters with no token fall back to <0xXX> byte tokens.
// Occurrences are found with a trie over the special tokens, so a 100 KB document takes milliseconds
// (llama.cpp scans the text once per special token).
import type { GgufValue } from '../../gguf/index.ts';
import { ModelLoadError } from './config.ts';
import { displayToken, TokenType, type TokenDisplay } from './tokenizer-display.ts';

const SPACE = '\u2581';

export { TokenType, type TokenDisplay } from './tokenizer-display.ts';

interface TrieNode {
  next: Map<number, TrieNode>;
  /** the special token ending here, or -1 */
  id: number;
}

export class Tokenizer {
  readonly tokens: string[];
  private readonly scores: Float32Array;
  private readonly types: Int32Array;
  private readonly byText = new Map<string, number>();
  /** byte value of each BYTE token, -1 for the others */
  private readonly byteOf: Int16Array;
  private readonly byteToken = new Int32Array(256);
  /** UTF-8 length of each special token, for llama.cpp's longest-first order */
  private readonly specialLen = new Map<number, number>();
  private readonly trie: TrieNode = { next: new Map(), id: -1 };
  /** UTF-16 units a special token can start with: most characters skip the trie walk */
  private readonly startsSpecial = new Uint8Array(65536);
  readonly bos: number;
  readonly eos: number;
  readonly unk: number;
  readonly addBos: boolean;
  readonly addSpacePrefix: boolean;

  constructor(meta: Record<string, GgufValue>) {
    const model = meta['tokenizer.ggml.model'];
    if (model !== 'llama') throw new ModelLoadError(`unsupported tokenizer '${String(model)}' (supported: llama/SentencePiece)`);
    const tokens = meta['tokenizer.ggml.tokens'];
    if (!Array.isArray(tokens)) throw new ModelLoadError('tokenizer.ggml.tokens is missing');
    this.tokens = tokens.map(String);
    const n = this.tokens.length;
    const scores = meta['tokenizer.ggml.scores'];
    const types = meta['tokenizer.ggml.token_type'];
    if (Array.isArray(scores) && scores.length !== n)
      throw new ModelLoadError(`tokenizer.ggml.scores has ${scores.length} entries for ${n} tokens`);
    if (Array.isArray(types) && types.length !== n)
      throw new ModelLoadError(`tokenizer.ggml.token_type has ${types.length} entries for ${n} tokens`);
    this.scores = Array.isArray(scores) ? Float32Array.from(scores as number[]) : new Float32Array(n);
    this.types = Array.isArray(types) ? Int32Array.from(types as number[]) : new Int32Array(n).fill(TokenType.NORMAL);
    this.byteOf = new Int16Array(n).fill(-1);
    const enc = new TextEncoder();
    for (let id = 0; id < n; id++) {
      const t = this.tokens[id];
      this.byText.set(t, id); // llama.cpp's token_to_id: a later duplicate wins
      const type = this.types[id];
      if (type === TokenType.BYTE) {
        const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(t);
        if (m) this.byteOf[id] = parseInt(m[1], 16);
      } else if ((type === TokenType.CONTROL || type === TokenType.USER_DEFINED || type === TokenType.UNKNOWN) && t.length > 0) {
        this.specialLen.set(id, enc.encode(t).length);
        this.addToTrie(t, id);
      }
    }
    for (let b = 0; b < 256; b++) {
      // llama.cpp's byte_to_token: the <0xXX> token, else a token that is the byte itself
      const hex = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
      this.byteToken[b] = this.byText.get(hex) ?? (b < 0x80 ? this.byText.get(String.fromCharCode(b)) : undefined) ?? -1;
    }
    const id = (k: string, d: number) => (meta[k] === undefined ? d : Number(meta[k]));
    this.bos = id('tokenizer.ggml.bos_token_id', 1);
    this.eos = id('tokenizer.ggml.eos_token_id', 2);
    this.unk = id('tokenizer.ggml.unknown_token_id', 0);
    this.addBos = meta['tokenizer.ggml.add_bos_token'] !== false;
    this.addSpacePrefix = meta['tokenizer.ggml.add_space_prefix'] === true;
  }

  private addToTrie(text: string, id: number): void {
    this.startsSpecial[text.charCodeAt(0)] = 1;
    let node = this.trie;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let child = node.next.get(c);
      if (!child) node.next.set(c, (child = { next: new Map(), id: -1 }));
      node = child;
    }
    if (node.id < 0 || id > node.id) node.id = id; // duplicates: the id token_to_id would give
  }

  get vocabSize(): number {
    return this.tokens.length;
  }

  /** llama.cpp's token type (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte). */
  typeOf(id: number): TokenType {
    this.check(id);
    return this.types[id] as TokenType;
  }

  /** How an inspector shows a token: `▁the`, a byte token as the byte (`\n`), control tokens marked. */
  display(id: number): TokenDisplay {
    this.check(id);
    return displayToken(this.tokens[id], this.types[id]);
  }

  /** The vocabulary id of a token's exact text, if there is one. */
  idOf(text: string): number | undefined {
    return this.byText.get(text);
  }

  /** Text → token ids. `addBos` defaults to the file's add_bos_token; `special` parses control tokens. */
  encode(text: string, opts: { addBos?: boolean; special?: boolean } = {}): number[] {
    const out: number[] = [];
    if (opts.addBos ?? this.addBos) out.push(this.bos);
    let prevSpecial = true;
    for (const part of this.partition(text, opts.special ?? true)) {
      if (typeof part === 'number') {
        out.push(part);
        prevSpecial = true;
      } else {
        const s = this.addSpacePrefix && prevSpecial ? ' ' + part : part;
        this.encodeFragment(s.replaceAll(' ', SPACE), out);
        prevSpecial = false;
      }
    }
    return out;
  }

  /** Splits special tokens out of the text, as llama.cpp's tokenizer_st_partition does. */
  private partition(text: string, special: boolean): (string | number)[] {
    // Every occurrence of every special token, grouped by token, in text order.
    const occurrences = new Map<number, number[]>();
    for (let i = 0; i < text.length; i++) {
      if (!this.startsSpecial[text.charCodeAt(i)]) continue;
      let node: TrieNode | undefined = this.trie;
      for (let j = i; j < text.length; j++) {
        node = node.next.get(text.charCodeAt(j));
        if (!node) break;
        if (node.id >= 0 && (special || this.types[node.id] === TokenType.USER_DEFINED)) {
          let list = occurrences.get(node.id);
          if (!list) occurrences.set(node.id, (list = []));
          list.push(i);
        }
      }
    }
    if (occurrences.size === 0) return text.length > 0 ? [text] : [];
    // Longest token first; each takes its occurrences left to right where the text is still unclaimed.
    const order = [...occurrences.keys()].sort((a, b) => this.specialLen.get(b)! - this.specialLen.get(a)! || a - b);
    const claimedBy = new Int32Array(text.length).fill(-1);
    for (const id of order) {
      const len = this.tokens[id].length;
      let end = 0;
      for (const pos of occurrences.get(id)!) {
        if (pos < end) continue;
        let free = true;
        for (let k = pos; k < pos + len && free; k++) free = claimedBy[k] < 0;
        if (!free) continue;
        claimedBy.fill(-2, pos + 1, pos + len);
        claimedBy[pos] = id;
        end = pos + len;
      }
    }
    const parts: (string | number)[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const id = claimedBy[i];
      if (id < 0) continue;
      if (start < i) parts.push(text.slice(start, i));
      parts.push(id);
      i += this.tokens[id].length - 1;
      start = i + 1;
    }
    if (start < text.length) parts.push(text.slice(start));
    return parts;
  }

  /** llm_tokenizer_spm_session::tokenize: score-ordered merges over characters, then byte fallback. */
  private encodeFragment(text: string, out: number[]): void {
    if (text.length === 0) return;
    const sym = Array.from(text); // code points, as llama.cpp's UTF-8 characters
    const n = sym.length;
    const h = this.heap;
    h.reset(n);
    const { prev, next, symId } = h;
    for (let i = 0; i < n; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < n ? i + 1 : -1;
      symId[i] = this.byText.get(sym[i]) ?? -1;
    }
    for (let i = 0; i + 1 < n; i++) this.tryMerge(sym, i, i + 1);
    while (h.size > 0) {
      const left = h.left[0],
        right = h.right[0],
        len = h.len[0],
        id = h.id[0];
      h.pop();
      // Stale: a side was merged away since (llama.cpp compares the byte lengths; same thing).
      if (sym[left].length === 0 || sym[right].length === 0 || sym[left].length + sym[right].length !== len) continue;
      sym[left] = this.tokens[id];
      symId[left] = id;
      sym[right] = '';
      next[left] = next[right];
      if (next[right] >= 0) prev[next[right]] = left;
      this.tryMerge(sym, prev[left], left);
      this.tryMerge(sym, left, next[left]);
    }
    for (let i = 0; i >= 0; i = next[i]) {
      const id = this.byText.get(sym[i]);
      if (id !== undefined) out.push(id);
      else for (const byte of utf8.encode(sym[i])) out.push(this.byteToken[byte] >= 0 ? this.byteToken[byte] : this.unk);
    }
  }

  private readonly heap = new BigramHeap();

  /** (left id × V + right id) → merged token id, or -1 when the pair is not a token: common pairs repeat. */
  private readonly pairs = new Map<number, number>();

  private tryMerge(sym: string[], left: number, right: number): void {
    if (left < 0 || right < 0) return;
    const { symId } = this.heap;
    let id: number | undefined;
    if (symId[left] >= 0 && symId[right] >= 0) {
      const key = symId[left] * this.tokens.length + symId[right];
      id = this.pairs.get(key);
      if (id === undefined) {
        if (this.pairs.size >= PAIR_CACHE_LIMIT) this.pairs.clear();
        id = this.byText.get(sym[left] + sym[right]) ?? -1;
        this.pairs.set(key, id);
      }
      if (id < 0) return;
    } else {
      // A character with no token of its own can still start or end a token.
      id = this.byText.get(sym[left] + sym[right]);
      if (id === undefined) return;
    }
    this.heap.push(left, right, sym[left].length + sym[right].length, this.scores[id], id);
  }

  /**
   * Token ids → text, as llama.cpp's token_to_piece: normal pieces with ▁ as space, byte tokens as their
   * byte, user-defined tokens as written, control and unknown tokens only when `special` is true.
   */
  decode(ids: readonly number[], opts: { special?: boolean } = {}): string {
    // Text pieces are joined as strings; runs of byte tokens are collected and decoded as UTF-8 where
    // they end (a valid piece never continues a byte run's character, so this equals decoding all bytes).
    let out = '';
    let bytes = this.byteRun;
    let nBytes = 0;
    for (const id of ids) {
      this.check(id);
      const type = this.types[id];
      if (type === TokenType.BYTE && this.byteOf[id] >= 0) {
        if (nBytes === bytes.length) {
          const grown = new Uint8Array(bytes.length * 2);
          grown.set(bytes);
          this.byteRun = bytes = grown;
        }
        bytes[nBytes++] = this.byteOf[id];
        continue;
      }
      let piece: string;
      if (type === TokenType.NORMAL) piece = this.pieceText(id);
      else if (type === TokenType.USER_DEFINED || ((type === TokenType.CONTROL || type === TokenType.UNKNOWN) && opts.special))
        piece = this.tokens[id];
      else continue; // control/unknown without `special`, unused and unknown types: nothing, as llama.cpp
      if (nBytes > 0) {
        out += utf8Decoder.decode(bytes.subarray(0, nBytes));
        nBytes = 0;
      }
      out += piece;
    }
    if (nBytes > 0) out += utf8Decoder.decode(bytes.subarray(0, nBytes));
    return out;
  }

  private byteRun = new Uint8Array(64);
  private readonly pieces: (string | undefined)[] = [];

  /** A normal piece with ▁ as space, cached: decoding a long text reuses the common pieces. */
  private pieceText(id: number): string {
    return (this.pieces[id] ??= this.tokens[id].replaceAll(SPACE, ' '));
  }

  private check(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.tokens.length)
      throw new RangeError(`token id ${id} is outside the vocabulary (0..${this.tokens.length - 1})`);
  }
}

const utf8 = new TextEncoder();
const PAIR_CACHE_LIMIT = 1 << 20;

// ignoreBOM: a text (or token) that starts with U+FEFF keeps it, as llama.cpp's bytes do.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Candidate merges as a binary heap ordered by (score desc, left asc), like llama.cpp's
 * llm_bigram_spm queue. Parallel typed arrays, reused across fragments, so a long document does not
 * allocate an object per candidate.
 */
class BigramHeap {
  size = 0;
  left = new Int32Array(256);
  right = new Int32Array(256);
  len = new Int32Array(256);
  id = new Int32Array(256);
  score = new Float32Array(256);
  prev = new Int32Array(256);
  next = new Int32Array(256);
  /** token id of each symbol, -1 for a character with no token */
  symId = new Int32Array(256);

  /** Empties the heap and makes room for a fragment of n symbols. */
  reset(n: number): void {
    this.size = 0;
    if (this.prev.length < n) {
      this.prev = new Int32Array(n * 2);
      this.next = new Int32Array(n * 2);
      this.symId = new Int32Array(n * 2);
    }
  }

  push(left: number, right: number, len: number, score: number, id: number): void {
    if (this.size === this.left.length) this.grow();
    let i = this.size++;
    // sift up, moving parents down until the new entry's place is found
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!(score > this.score[p] || (score === this.score[p] && left < this.left[p]))) break;
      this.move(p, i);
      i = p;
    }
    this.left[i] = left;
    this.right[i] = right;
    this.len[i] = len;
    this.score[i] = score;
    this.id[i] = id;
  }

  /** Removes the top entry (read it from index 0 first). */
  pop(): void {
    const last = --this.size;
    if (last === 0) return;
    const left = this.left[last],
      right = this.right[last],
      len = this.len[last],
      score = this.score[last],
      id = this.id[last];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      let c = l;
      const r = l + 1;
      if (r < last && (this.score[r] > this.score[l] || (this.score[r] === this.score[l] && this.left[r] < this.left[l]))) c = r;
      if (!(this.score[c] > score || (this.score[c] === score && this.left[c] < left))) break;
      this.move(c, i);
      i = c;
    }
    this.left[i] = left;
    this.right[i] = right;
    this.len[i] = len;
    this.score[i] = score;
    this.id[i] = id;
  }

  private move(from: number, to: number): void {
    this.left[to] = this.left[from];
    this.right[to] = this.right[from];
    this.len[to] = this.len[from];
    this.score[to] = this.score[from];
    this.id[to] = this.id[from];
  }

  private grow(): void {
    const cap = this.left.length * 2;
    const g = <T extends Int32Array | Float32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.left = g(this.left);
    this.right = g(this.right);
    this.len = g(this.len);
    this.id = g(this.id);
    this.score = g(this.score);
  }
}
