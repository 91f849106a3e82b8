// Where GGUF bytes come from: a file read by offset (never loaded whole) or an in-memory buffer
// (fuzzing, tests, files already in memory). The parser only sees this interface.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { GgufError } from './errors.ts';

export interface ByteSource {
  readonly size: number;
  readonly path: string;
  /** Exactly `length` bytes at `offset`; throws TRUNCATED if the source is shorter. */
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

export class BufferSource implements ByteSource {
  readonly size: number;
  readonly path = '<buffer>';
  private readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.size = bytes.byteLength;
  }

  read(offset: number, length: number): Uint8Array {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new GgufError('TRUNCATED', `need ${length} bytes but the buffer holds ${this.size}`, offset);
    }
    return this.bytes.subarray(offset, offset + length);
  }

  close(): void {}
}

export class FileSource implements ByteSource {
  readonly size: number;
  readonly path: string;
  private fd: number | null;

  constructor(path: string) {
    this.path = path;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new GgufError('NOT_A_FILE', `cannot open ${path}: ${code ?? String(e)}`);
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new GgufError('NOT_A_FILE', `${path} is not a regular file`);
      this.size = st.size;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    this.fd = fd;
  }

  read(offset: number, length: number): Uint8Array {
    if (this.fd === null) throw new GgufError('IO', `${this.path} is closed`);
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new GgufError('TRUNCATED', `need ${length} bytes but ${this.path} holds ${this.size}`, offset);
    }
    const out = new Uint8Array(length);
    let done = 0;
    // readSync may return fewer bytes than asked (large reads are split by the OS).
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, offset + done);
      if (n === 0) throw new GgufError('TRUNCATED', `${this.path} ended early`, offset + done);
      done += n;
    }
    return out;
  }

  close(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }
}
