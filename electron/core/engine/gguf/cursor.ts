// A forward-only reader over a ByteSource that pulls the file in windows, so parsing a header
// with a 262k-token vocabulary costs a few reads, and every read is checked against the file's end.
import { GgufError } from './errors.ts';
import type { ByteSource } from './source.ts';

const WINDOW = 1 << 20;
// ignoreBOM: a string that starts with U+FEFF keeps it (Gemma 3 has a token "\uFEFF//" beside "//").
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// Values (vocab pieces, templates) decode leniently as llama.cpp and node-llama-cpp treat them as bytes;
// keys and tensor names must be valid because we look them up by name.
const utf8Lenient = new TextDecoder('utf-8', { ignoreBOM: true });

export class Cursor {
  pos = 0;
  private winStart = 0;
  private win: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(new ArrayBuffer(0));
  private readonly src: ByteSource;

  constructor(src: ByteSource) {
    this.src = src;
  }

  get size(): number {
    return this.src.size;
  }

  remaining(): number {
    return this.src.size - this.pos;
  }

  /** Makes `n` bytes at pos addressable; returns their index in the window. */
  private ensure(n: number, what: string): number {
    if (n > this.src.size - this.pos) {
      throw new GgufError(
        'TRUNCATED',
        `file ends inside ${what}: needs ${n} bytes, ${Math.max(0, this.src.size - this.pos)} left`,
        this.pos,
      );
    }
    const rel = this.pos - this.winStart;
    if (rel >= 0 && rel + n <= this.win.byteLength) return rel;
    const len = Math.min(Math.max(n, WINDOW), this.src.size - this.pos);
    this.win = this.src.read(this.pos, len);
    this.view = new DataView(this.win.buffer, this.win.byteOffset, this.win.byteLength);
    this.winStart = this.pos;
    return 0;
  }

  u8(what = 'u8'): number {
    const i = this.ensure(1, what);
    this.pos += 1;
    return this.win[i];
  }
  i8(what = 'i8'): number {
    const i = this.ensure(1, what);
    this.pos += 1;
    return this.view.getInt8(i);
  }
  u16(what = 'u16'): number {
    const i = this.ensure(2, what);
    this.pos += 2;
    return this.view.getUint16(i, true);
  }
  i16(what = 'i16'): number {
    const i = this.ensure(2, what);
    this.pos += 2;
    return this.view.getInt16(i, true);
  }
  u32(what = 'u32'): number {
    const i = this.ensure(4, what);
    this.pos += 4;
    return this.view.getUint32(i, true);
  }
  i32(what = 'i32'): number {
    const i = this.ensure(4, what);
    this.pos += 4;
    return this.view.getInt32(i, true);
  }
  f32(what = 'f32'): number {
    const i = this.ensure(4, what);
    this.pos += 4;
    return this.view.getFloat32(i, true);
  }
  f64(what = 'f64'): number {
    const i = this.ensure(8, what);
    this.pos += 8;
    return this.view.getFloat64(i, true);
  }
  u64(what = 'u64'): bigint {
    const i = this.ensure(8, what);
    this.pos += 8;
    return this.view.getBigUint64(i, true);
  }
  i64(what = 'i64'): bigint {
    const i = this.ensure(8, what);
    this.pos += 8;
    return this.view.getBigInt64(i, true);
  }

  /** A u64 that must fit in a JS number safely (counts, lengths, offsets). */
  u64Number(what: string): number {
    const at = this.pos;
    const v = this.u64(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new GgufError('OUT_OF_RANGE', `${what} is ${v}, beyond any file size`, at);
    }
    return Number(v);
  }

  bytes(n: number, what: string): Uint8Array {
    const i = this.ensure(n, what);
    this.pos += n;
    return this.win.subarray(i, i + n);
  }

  /** gguf_string: u64 length then UTF-8 bytes, length capped by the file and by `maxBytes`. */
  string(what: string, maxBytes: number, strict = true): string {
    const at = this.pos;
    const len = this.u64Number(`${what} length`);
    if (len > this.remaining()) {
      throw new GgufError('TRUNCATED', `${what} claims ${len} bytes but only ${this.remaining()} remain`, at);
    }
    if (len > maxBytes) {
      throw new GgufError('ABSURD_COUNT', `${what} is ${len} bytes, over the limit of ${maxBytes}`, at);
    }
    const raw = this.bytes(len, what);
    if (!strict) return utf8Lenient.decode(raw);
    try {
      return utf8Strict.decode(raw);
    } catch {
      throw new GgufError('BAD_UTF8', `${what} is not valid UTF-8`, at + 8);
    }
  }
}
