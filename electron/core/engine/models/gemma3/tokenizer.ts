// SentencePiece ("llama" model in GGUF) tokenization as llama.cpp's llm_tokenizer_spm does it:
// spaces become ▁, the text is split into UTF-8 characters, then adjacent pieces are merged
// greedily by the vocabulary score of the merged piece (ties: leftmost first); characters with no
// token fall back to <0xXX> byte tokens. Control and user-defined tokens written in the text are
// matched first (control ones only when `special` is true), longest first.
import type { GgufValue } from '../../gguf/index.ts';
import { ModelLoadError } from './config.ts';

const TYPE_NORMAL = 1, TYPE_UNKNOWN = 2, TYPE_CONTROL = 3, TYPE_USER_DEFINED = 4, TYPE_BYTE = 6;
const SPACE = '\u2581';

export class Tokenizer {
  readonly tokens: string[];
  private readonly scores: Float32Array;
  private readonly types: Int32Array;
  private readonly byText = new Map<string, number>();
  private readonly byteTokens = new Int32Array(256).fill(-1);
  private readonly specials: { text: string; id: number; control: boolean }[] = [];
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
    const scores = meta['tokenizer.ggml.scores'];
    const types = meta['tokenizer.ggml.token_type'];
    this.scores = Float32Array.from(Array.isArray(scores) ? scores.map(Number) : this.tokens.map(() => 0));
    this.types = Int32Array.from(Array.isArray(types) ? types.map(Number) : this.tokens.map(() => TYPE_NORMAL));
    this.tokens.forEach((t, id) => {
      if (!this.byText.has(t)) this.byText.set(t, id);
      const type = this.types[id];
      if (type === TYPE_BYTE) {
        const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(t);
        if (m) this.byteTokens[parseInt(m[1], 16)] = id;
      } else if ((type === TYPE_CONTROL || type === TYPE_USER_DEFINED) && t.length > 0) {
        this.specials.push({ text: t, id, control: type === TYPE_CONTROL });
      }
    });
    this.specials.sort((a, b) => b.text.length - a.text.length);
    const id = (k: string, d: number) => (meta[k] === undefined ? d : Number(meta[k]));
    this.bos = id('tokenizer.ggml.bos_token_id', 1);
    this.eos = id('tokenizer.ggml.eos_token_id', 2);
    this.unk = id('tokenizer.ggml.unknown_token_id', 0);
    this.addBos = meta['tokenizer.ggml.add_bos_token'] !== false;
    this.addSpacePrefix = meta['tokenizer.ggml.add_space_prefix'] === true;
  }

  get vocabSize(): number {
    return this.tokens.length;
  }

  /** Text → token ids. `addBos` defaults to the file's add_bos_token; `special` parses control tokens. */
  encode(text: string, opts: { addBos?: boolean; special?: boolean } = {}): number[] {
    const out: number[] = [];
    if (opts.addBos ?? this.addBos) out.push(this.bos);
    const special = opts.special ?? true;
    let first = true;
    for (const part of this.splitSpecial(text, special)) {
      if (typeof part === 'number') out.push(part);
      else {
        let s = part;
        if (this.addSpacePrefix && first) s = ' ' + s;
        this.encodePiece(s.replaceAll(' ', SPACE), out);
      }
      first = false;
    }
    return out;
  }

  private splitSpecial(text: string, special: boolean): (string | number)[] {
    const parts: (string | number)[] = [];
    let start = 0;
    let i = 0;
    outer: while (i < text.length) {
      for (const s of this.specials) {
        if ((special || !s.control) && text.startsWith(s.text, i)) {
          if (i > start) parts.push(text.slice(start, i));
          parts.push(s.id);
          i += s.text.length;
          start = i;
          continue outer;
        }
      }
      i++;
    }
    if (start < text.length) parts.push(text.slice(start));
    return parts;
  }

  private encodePiece(text: string, out: number[]): void {
    if (text.length === 0) return;
    // Symbols: one per character (code point), linked so merges are O(1).
    const sym = Array.from(text);
    const n = sym.length;
    const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
    const next = Int32Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
    const alive = new Uint8Array(n).fill(1);
    // Candidate merges in a binary heap ordered by (score desc, left asc).
    type Bigram = { left: number; right: number; text: string; score: number };
    const heap: Bigram[] = [];
    const better = (a: Bigram, b: Bigram) => a.score > b.score || (a.score === b.score && a.left < b.left);
    const push = (bg: Bigram) => {
      heap.push(bg);
      let i = heap.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!better(heap[i], heap[p])) break;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    };
    const pop = (): Bigram => {
      const top = heap[0];
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1, r = l + 1;
          let m = i;
          if (l < heap.length && better(heap[l], heap[m])) m = l;
          if (r < heap.length && better(heap[r], heap[m])) m = r;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m], heap[i]];
          i = m;
        }
      }
      return top;
    };
    const tryAdd = (left: number, right: number) => {
      if (left < 0 || right < 0) return;
      const t = sym[left] + sym[right];
      const id = this.byText.get(t);
      if (id === undefined) return;
      push({ left, right, text: t, score: this.scores[id] });
    };
    for (let i = 0; i + 1 < n; i++) tryAdd(i, i + 1);
    while (heap.length > 0) {
      const bg = pop();
      if (!alive[bg.left] || !alive[bg.right] || sym[bg.left] + sym[bg.right] !== bg.text || next[bg.left] !== bg.right) continue;
      sym[bg.left] = bg.text;
      alive[bg.right] = 0;
      next[bg.left] = next[bg.right];
      if (next[bg.right] >= 0) prev[next[bg.right]] = bg.left;
      tryAdd(prev[bg.left], bg.left);
      tryAdd(bg.left, next[bg.left]);
    }
    for (let i = 0; i >= 0 && i < n; i = next[i]) {
      const id = this.byText.get(sym[i]);
      if (id !== undefined) out.push(id);
      else {
        for (const byte of new TextEncoder().encode(sym[i])) {
          const b = this.byteTokens[byte];
          out.push(b >= 0 ? b : this.unk);
        }
      }
    }
  }

  /** Token ids → text. Control tokens are rendered only when `special` is true. */
  decode(ids: readonly number[], opts: { special?: boolean } = {}): string {
    const bytes: number[] = [];
    const enc = new TextEncoder();
    for (const id of ids) {
      if (id < 0 || id >= this.tokens.length) throw new RangeError(`token id ${id} is outside the vocabulary`);
      const type = this.types[id];
      if (type === TYPE_BYTE) {
        const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(this.tokens[id]);
        if (m) bytes.push(parseInt(m[1], 16));
        continue;
      }
      if ((type === TYPE_CONTROL || type === TYPE_UNKNOWN) && !opts.special) continue;
      for (const b of enc.encode(this.tokens[id].replaceAll(SPACE, ' '))) bytes.push(b);
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }
}
