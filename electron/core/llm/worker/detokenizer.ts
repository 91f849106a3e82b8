// Turns generated tokens into text one token at a time. A character split over several byte-level
// tokens (multi-byte UTF-8) decodes to U+FFFD until its last piece arrives; those tokens get '' and
// the completing token carries the whole character, so the per-token texts concatenate to the answer.
import type { LlamaModel, Token } from 'node-llama-cpp';

const MAX_PENDING = 4; // a UTF-8 character has at most 4 bytes
const CONTEXT_TOKENS = 8; // lets the detokenizer handle leading spaces like in a full decode

export class StreamingDetokenizer {
  private pending: Token[] = [];
  private readonly recent: Token[] = [];

  /** `before`: tokens already in the text (a continued reply), so a leading space decodes as in a full decode. */
  constructor(
    private readonly model: LlamaModel,
    before: readonly Token[] = [],
  ) {
    this.recent.push(...before.slice(-CONTEXT_TOKENS));
  }

  /** The text this token completes ('' while a character is still incomplete). */
  push(token: Token): string {
    this.pending.push(token);
    const text = this.model.detokenize(this.pending, false, this.recent);
    if (text.endsWith('\uFFFD') && this.pending.length < MAX_PENDING) return '';
    return this.flushPending(text);
  }

  /** Whatever is still held back at the end of generation. */
  flush(): string {
    if (this.pending.length === 0) return '';
    return this.flushPending(this.model.detokenize(this.pending, false, this.recent));
  }

  private flushPending(text: string): string {
    this.recent.push(...this.pending);
    if (this.recent.length > CONTEXT_TOKENS) this.recent.splice(0, this.recent.length - CONTEXT_TOKENS);
    this.pending = [];
    return text;
  }
}
