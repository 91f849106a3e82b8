// How the inspectors show one token: the piece as the model sees it, readable. Spaces stay visible as
// SentencePiece writes them (`▁the`), a byte-fallback token is shown as its byte (`<0x0A>` → `\n`,
// `<0xE6>` → `\xE6`, a piece of a UTF-8 character), whitespace and other invisible characters are
// escaped, and control tokens (`<start_of_turn>`) are marked so the UI can style them apart from text.
// Pure: no vocabulary needed beyond the token's text and llama.cpp type.

/** llama.cpp's token types (llama_token_type), as GGUF's tokenizer.ggml.token_type stores them. */
export enum TokenType {
  NORMAL = 1,
  UNKNOWN = 2,
  CONTROL = 3,
  USER_DEFINED = 4,
  UNUSED = 5,
  BYTE = 6,
}

export type TokenKind = 'normal' | 'byte' | 'control' | 'user-defined' | 'unknown' | 'unused';

export interface TokenDisplay {
  /** what to show: `▁the`, `\n`, `<start_of_turn>`, `\xE6` */
  text: string;
  kind: TokenKind;
  /** true for tokens that are not text the user wrote: control, unknown and unused tokens */
  marked: boolean;
  /** the byte value of a byte-fallback token */
  byte?: number;
}

const KINDS: Record<number, TokenKind> = {
  [TokenType.NORMAL]: 'normal',
  [TokenType.UNKNOWN]: 'unknown',
  [TokenType.CONTROL]: 'control',
  [TokenType.USER_DEFINED]: 'user-defined',
  [TokenType.UNUSED]: 'unused',
  [TokenType.BYTE]: 'byte',
};

const NAMED: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\\': '\\\\' };

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

/** Escapes characters that would be invisible or ambiguous in a token chip; a space is shown as ▁. */
export function escapeTokenText(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (NAMED[ch]) out += NAMED[ch];
    else if (ch === ' ') out += '\u2581';
    else if (c < 0x20 || c === 0x7f) out += `\\x${hex2(c)}`;
    else if ((c >= 0x80 && c < 0xa0) || c === 0xad || (c >= 0x200b && c <= 0x200f) || c === 0xfeff)
      out += `\\u{${c.toString(16).toUpperCase()}}`;
    else out += ch;
  }
  return out;
}

/** The display of a token given its vocabulary text and llama.cpp type. */
export function displayToken(piece: string, type: number): TokenDisplay {
  const kind = KINDS[type] ?? 'unused';
  if (kind === 'byte') {
    const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
    if (m) {
      const byte = parseInt(m[1], 16);
      const text = byte < 0x80 ? escapeTokenText(String.fromCharCode(byte)) : `\\x${hex2(byte)}`;
      return { text, kind, marked: false, byte };
    }
  }
  if (kind === 'control' || kind === 'unknown' || kind === 'unused') return { text: piece, kind, marked: true };
  return { text: escapeTokenText(piece), kind, marked: false };
}
