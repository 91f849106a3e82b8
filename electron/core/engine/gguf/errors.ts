// Typed failures of the GGUF toolkit. Every rejection of a file names what is wrong and where,
// so a user importing a broken download (or a fuzz test) sees a reason, never a crash.

export type GgufErrorCode =
  | 'EMPTY_FILE' // zero bytes
  | 'NOT_A_FILE' // a directory, a missing path, or something that is not a regular file
  | 'BAD_MAGIC' // does not start with "GGUF" (a text file, a PNG, ...)
  | 'UNSUPPORTED_VERSION' // GGUF v1, big-endian, or a future version
  | 'TRUNCATED' // the file ends before a structure it announces
  | 'OUT_OF_RANGE' // an offset, size or value outside what the file or format allows
  | 'ABSURD_COUNT' // a count (strings, arrays, tensors, keys, dims) no file this size can hold
  | 'UNKNOWN_TYPE' // a metadata value type or ggml tensor type this toolkit does not know
  | 'BAD_UTF8' // a key, string or tensor name that is not valid UTF-8
  | 'DUPLICATE' // two metadata keys or two tensors with the same name
  | 'BAD_SHAPE' // a tensor shape the ggml rules reject (row not a multiple of the block, zero dims, ...)
  | 'BAD_METADATA' // a well-formed value of the wrong type for a key the format defines (general.alignment)
  | 'UNSUPPORTED_TYPE' // a known ggml type we cannot (de)quantize
  | 'NO_SUCH_TENSOR'
  | 'INVALID_ARGUMENT' // bad input to the writer or the quantizer
  | 'IO'; // the operating system refused a read or write

export class GgufError extends Error {
  readonly code: GgufErrorCode;
  /** Byte offset in the file where the problem was found, when there is one. */
  readonly offset?: number;

  constructor(code: GgufErrorCode, message: string, offset?: number) {
    super(offset === undefined ? `${code}: ${message}` : `${code}: ${message} (at byte ${offset})`);
    this.name = 'GgufError';
    this.code = code;
    this.offset = offset;
  }
}

export function isGgufError(e: unknown): e is GgufError {
  return e instanceof GgufError;
}
