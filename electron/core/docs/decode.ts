// Bytes → text for plain-text kinds: a BOM wins; then strict UTF-8; NUL bytes mean binary; text that
// is mostly UTF-8 with a few bad bytes is decoded with U+FFFD and the count reported; anything else is
// read as Windows-1252 (the legacy code page of most Western text; iconv-lite decodes 0x80–0x9F right).
import iconv from 'iconv-lite';
import { DocError } from './errors.ts';

export interface Decoded {
  text: string;
  encoding: string;
  replacedChars: number;
}

const REPLACEMENT = '\uFFFD';

function hasNul(bytes: Uint8Array, limit = 8192): boolean {
  const n = Math.min(bytes.length, limit);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

function countReplacements(text: string): number {
  let n = 0;
  for (let i = text.indexOf(REPLACEMENT); i >= 0; i = text.indexOf(REPLACEMENT, i + 1)) n++;
  return n;
}

/** Share of the bytes ≥ 0x80 that sit in well-formed UTF-8 sequences (1 = all, 0 = none). */
function utf8Share(bytes: Uint8Array): number {
  let high = 0;
  let good = 0;
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 0;
    let ok = len > 0 && i + len <= bytes.length;
    for (let k = 1; ok && k < len; k++) ok = (bytes[i + k] & 0xc0) === 0x80;
    if (ok) {
      high += len;
      good += len;
      i += len;
    } else {
      high++;
      i++;
    }
  }
  return high === 0 ? 1 : good / high;
}

export function decodeText(bytes: Uint8Array, name: string): Decoded {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeUtf8(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le', replacedChars: 0 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be', replacedChars: 0 };
  if (hasNul(bytes)) throw new DocError('binary', `${name} is a binary file (it contains NUL bytes), not text: it cannot be summarized`);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', replacedChars: 0 };
  } catch {
    // Not valid UTF-8: mostly-UTF-8 text with a few broken bytes, or a legacy single-byte code page.
  }
  if (utf8Share(bytes) >= 0.5) return decodeUtf8(bytes);
  return {
    text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'windows-1252'),
    encoding: 'windows-1252',
    replacedChars: 0,
  };
}

function decodeUtf8(bytes: Uint8Array): Decoded {
  const text = new TextDecoder('utf-8').decode(bytes);
  return { text, encoding: 'utf-8', replacedChars: countReplacements(text) };
}
