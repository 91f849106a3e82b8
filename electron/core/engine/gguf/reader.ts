// GGUF reader (v2 and v3, little-endian). Parses header, metadata and tensor infos with every count
// and offset checked against the file, then reads tensor data lazily by offset.
//
// Layout: "GGUF" | u32 version | u64 n_tensors | u64 n_kv | kv* | tensor_info* | pad to alignment | data
//   kv          = string key | u32 value_type | value
//   tensor_info = string name | u32 n_dims | u64 ne[n_dims] | u32 ggml_type | u64 offset (relative to data)
import { Cursor } from './cursor.ts';
import { byteSizeOf, dequantize } from './dequant.ts';
import { GgufError } from './errors.ts';
import { plainValue } from './meta.ts';
import { BufferSource, FileSource, type ByteSource } from './source.ts';
import {
  GGUF_SCALAR_SIZE,
  GgufValueType,
  ggmlTypeTraits,
  type GgmlType,
  type GgufFile,
  type GgufReadLimits,
  type GgufScalarType,
  type GgufTensorInfo,
  type GgufTypedValue,
  type GgufValue,
} from './types.ts';

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as little-endian u32
export const GGUF_DEFAULT_ALIGNMENT = 32;
const GGML_MAX_DIMS = 4;
const GGML_MAX_NAME = 64;

const DEFAULT_LIMITS: Required<GgufReadLimits> = {
  maxStringBytes: 64 << 20,
  maxArrayLength: 16 << 20,
  maxKvCount: 1 << 16,
  maxTensorCount: 1 << 20,
  maxArrayDepth: 8,
};

/** Smallest encoding of one value of each type: how many of them could possibly fit in what's left. */
function minValueBytes(type: GgufValueType): number {
  if (type === GgufValueType.STRING) return 8;
  if (type === GgufValueType.ARRAY) return 12;
  return GGUF_SCALAR_SIZE[type] ?? 1;
}

function isValueType(t: number): t is GgufValueType {
  return Number.isInteger(t) && t >= 0 && t <= 12;
}

/** A readable guess at what a non-GGUF file is, for the BAD_MAGIC message. */
function describeForeign(head: Uint8Array): string {
  if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'a PNG image';
  if (head[0] === 0x50 && head[1] === 0x4b) return 'a ZIP archive';
  if (head[0] === 0x7b || head[0] === 0x5b) return 'JSON text';
  if (head[0] === 0x25 && head[1] === 0x50 && head[2] === 0x44 && head[3] === 0x46) return 'a PDF document';
  if (head.length >= 9 && head[8] === 0x7b) return 'a safetensors file (convert it to GGUF first)';
  if (head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) return 'a text file';
  return 'not a GGUF file';
}

class Parser {
  private readonly c: Cursor;
  private readonly lim: Required<GgufReadLimits>;

  constructor(src: ByteSource, limits: GgufReadLimits) {
    this.c = new Cursor(src);
    this.lim = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Rejects a count of items (each at least `minBytes`) that cannot fit, or exceeds `cap`. */
  private checkCount(n: number, minBytes: number, cap: number, what: string, at: number): void {
    if (n > cap) throw new GgufError('ABSURD_COUNT', `${what} is ${n}, over the limit of ${cap}`, at);
    const need = n * minBytes;
    if (need > this.c.size) {
      throw new GgufError('ABSURD_COUNT', `${what} is ${n}; that needs ${need} bytes, the file has ${this.c.size}`, at);
    }
    if (need > this.c.remaining()) {
      throw new GgufError('TRUNCATED', `${what} is ${n} but only ${this.c.remaining()} bytes remain`, at);
    }
  }

  private scalar(type: GgufScalarType, what: string): number | bigint | boolean | string {
    const c = this.c;
    switch (type) {
      case GgufValueType.UINT8:
        return c.u8(what);
      case GgufValueType.INT8:
        return c.i8(what);
      case GgufValueType.UINT16:
        return c.u16(what);
      case GgufValueType.INT16:
        return c.i16(what);
      case GgufValueType.UINT32:
        return c.u32(what);
      case GgufValueType.INT32:
        return c.i32(what);
      case GgufValueType.FLOAT32:
        return c.f32(what);
      case GgufValueType.FLOAT64:
        return c.f64(what);
      case GgufValueType.UINT64:
        return c.u64(what);
      case GgufValueType.INT64:
        return c.i64(what);
      case GgufValueType.BOOL: {
        const at = c.pos;
        const b = c.u8(what);
        if (b > 1) throw new GgufError('OUT_OF_RANGE', `${what} is a bool holding ${b}`, at);
        return b === 1;
      }
      case GgufValueType.STRING:
        return c.string(what, this.lim.maxStringBytes, false);
      default:
        throw new GgufError('UNKNOWN_TYPE', `value type ${type satisfies never as number}`);
    }
  }

  private typedValue(type: GgufValueType, what: string, depth: number): GgufTypedValue {
    if (type !== GgufValueType.ARRAY) {
      return { type, value: this.scalar(type, what) } as GgufTypedValue;
    }
    const at = this.c.pos;
    if (depth >= this.lim.maxArrayDepth) {
      throw new GgufError('ABSURD_COUNT', `${what} nests arrays deeper than ${this.lim.maxArrayDepth}`, at);
    }
    const itemType = this.c.u32(`${what} item type`);
    if (!isValueType(itemType)) throw new GgufError('UNKNOWN_TYPE', `${what} has item type ${itemType}`, at);
    const n = this.c.u64Number(`${what} length`);
    this.checkCount(n, minValueBytes(itemType), this.lim.maxArrayLength, `${what} length`, at + 4);
    if (itemType === GgufValueType.ARRAY) {
      const items: GgufTypedValue[] = new Array(n);
      for (let i = 0; i < n; i++) items[i] = this.typedValue(GgufValueType.ARRAY, `${what}[${i}]`, depth + 1);
      return { type: GgufValueType.ARRAY, itemType, value: items };
    }
    const items: (number | bigint | boolean | string)[] = new Array(n);
    for (let i = 0; i < n; i++) items[i] = this.scalar(itemType, what);
    return { type: GgufValueType.ARRAY, itemType, value: items };
  }

  parse(): Omit<GgufFile, 'tensor' | 'readTensorBytes' | 'readTensorF32' | 'close' | 'path'> {
    const c = this.c;
    if (c.size === 0) throw new GgufError('EMPTY_FILE', 'the file is empty (0 bytes)');
    const head = c.bytes(Math.min(16, c.size), 'magic');
    const magic = [0x47, 0x47, 0x55, 0x46];
    for (let i = 0; i < Math.min(4, head.length); i++) {
      if (head[i] !== magic[i]) {
        throw new GgufError('BAD_MAGIC', `expected "GGUF" at the start; this looks like ${describeForeign(head)}`, 0);
      }
    }
    c.pos = 4;
    const version = c.u32('version');
    if (version === 0x02000000 || version === 0x03000000) {
      throw new GgufError('UNSUPPORTED_VERSION', 'big-endian GGUF is not supported', 4);
    }
    if (version !== 2 && version !== 3) {
      throw new GgufError('UNSUPPORTED_VERSION', `GGUF version ${version}; supported: 2, 3`, 4);
    }

    let at = c.pos;
    const nTensors = c.u64Number('tensor count');
    const nKv = c.u64Number('metadata count');
    this.checkCount(nTensors, 25, this.lim.maxTensorCount, 'tensor count', at);
    this.checkCount(nKv, 13, this.lim.maxKvCount, 'metadata count', at + 8);

    const metadata: Record<string, GgufValue> = {};
    const typedMetadata: Record<string, GgufTypedValue> = {};
    for (let i = 0; i < nKv; i++) {
      at = c.pos;
      const key = c.string(`metadata key #${i}`, this.lim.maxStringBytes);
      if (key.length === 0) throw new GgufError('BAD_METADATA', `metadata key #${i} is empty`, at);
      // llama.cpp copies keys through C strings: a NUL byte cuts the key short (an empty key aborts it).
      if (key.includes('\0')) throw new GgufError('BAD_METADATA', `metadata key #${i} ${JSON.stringify(key)} holds a NUL byte`, at);
      if (Object.hasOwn(typedMetadata, key)) throw new GgufError('DUPLICATE', `metadata key "${key}" appears twice`, at);
      const tAt = c.pos;
      const type = c.u32(`type of "${key}"`);
      if (!isValueType(type)) throw new GgufError('UNKNOWN_TYPE', `metadata "${key}" has value type ${type}`, tAt);
      const tv = this.typedValue(type, `metadata "${key}"`, 0);
      // defineProperty: a key named "__proto__" must stay a plain entry.
      Object.defineProperty(typedMetadata, key, { value: tv, enumerable: true, writable: true, configurable: true });
      Object.defineProperty(metadata, key, { value: plainValue(tv), enumerable: true, writable: true, configurable: true });
    }

    let alignment = GGUF_DEFAULT_ALIGNMENT;
    const al = typedMetadata['general.alignment'];
    if (al !== undefined) {
      if (al.type !== GgufValueType.UINT32) {
        throw new GgufError('BAD_METADATA', `general.alignment must be a u32, found value type ${al.type}`);
      }
      const a = al.value as number;
      if (a === 0 || (a & (a - 1)) !== 0) {
        throw new GgufError('BAD_METADATA', `general.alignment ${a} is not a power of two`);
      }
      alignment = a;
    }

    const raw: { name: string; dims: number[]; type: GgmlType; rel: number; at: number }[] = [];
    const names = new Set<string>();
    for (let i = 0; i < nTensors; i++) {
      at = c.pos;
      const name = c.string(`tensor name #${i}`, GGML_MAX_NAME * 4);
      if (Buffer.byteLength(name) >= GGML_MAX_NAME) {
        throw new GgufError(
          'OUT_OF_RANGE',
          `tensor name "${name}" is ${Buffer.byteLength(name)} bytes; ggml allows < ${GGML_MAX_NAME}`,
          at,
        );
      }
      if (name.length === 0 || name.includes('\0'))
        throw new GgufError('OUT_OF_RANGE', `tensor name #${i} ${JSON.stringify(name)} is empty or holds a NUL byte`, at);
      if (names.has(name)) throw new GgufError('DUPLICATE', `tensor "${name}" appears twice`, at);
      names.add(name);
      const dAt = c.pos;
      const nDims = c.u32(`dims of "${name}"`);
      if (nDims > GGML_MAX_DIMS) {
        throw new GgufError('ABSURD_COUNT', `tensor "${name}" has ${nDims} dimensions; ggml allows ${GGML_MAX_DIMS}`, dAt);
      }
      const dims: number[] = [];
      for (let d = 0; d < nDims; d++) {
        const nAt = c.pos;
        const n = c.u64Number(`dim ${d} of "${name}"`);
        // gguf.cpp accepts an empty tensor, but llama.cpp's model loader asserts every dimension
        // is at least 1 and aborts the whole process: refuse it here, with a reason.
        if (n === 0) {
          throw new GgufError('BAD_SHAPE', `tensor "${name}" has a zero-sized dimension ${d}; every dimension must be at least 1`, nAt);
        }
        dims.push(n);
      }
      const tyAt = c.pos;
      const type = c.u32(`type of "${name}"`) as GgmlType;
      if (!ggmlTypeTraits(type)) throw new GgufError('UNKNOWN_TYPE', `tensor "${name}" has unknown ggml type ${type}`, tyAt);
      const rel = c.u64Number(`offset of "${name}"`);
      raw.push({ name, dims, type, rel, at });
    }

    const dataOffset = nTensors > 0 ? Math.ceil(c.pos / alignment) * alignment : c.pos;
    if (nTensors > 0 && dataOffset > c.size) {
      throw new GgufError('TRUNCATED', `the tensor data section starts at ${dataOffset}, past the end of the file (${c.size})`);
    }

    // Offsets no larger than a densely packed data section are consistent with the header: data
    // missing past the end of the file then means the file was cut short, not a corrupt offset.
    let denseEnd = 0;
    const sizes = raw.map(({ name, dims, type, at: tAt }) => {
      const traits = ggmlTypeTraits(type)!;
      let count = 1;
      for (const d of dims) {
        count *= d;
        if (count > Number.MAX_SAFE_INTEGER) {
          throw new GgufError('OUT_OF_RANGE', `tensor "${name}" shape [${dims.join(', ')}] has too many elements`, tAt);
        }
      }
      const ne0 = dims.length > 0 ? dims[0] : 1;
      if (ne0 % traits.blockSize !== 0) {
        throw new GgufError(
          'BAD_SHAPE',
          `tensor "${name}" (${traits.name}) has rows of ${ne0}, not a multiple of the block size ${traits.blockSize}`,
          tAt,
        );
      }
      const byteSize = byteSizeOf(type, count);
      denseEnd += Math.ceil(byteSize / alignment) * alignment;
      return { count, byteSize, traits };
    });

    // llama.cpp (gguf.cpp) requires the data section to be dense: each tensor exactly where the
    // previous one ends, padded to the alignment. Any other layout is refused there, so here too.
    let expectedRel = 0;
    const tensors: GgufTensorInfo[] = raw.map(({ name, dims, type, rel, at: tAt }, i) => {
      const { count, byteSize, traits } = sizes[i];
      if (rel % alignment !== 0) {
        throw new GgufError('OUT_OF_RANGE', `tensor "${name}" offset ${rel} is not aligned to ${alignment}`, tAt);
      }
      const offset = dataOffset + rel;
      if (rel !== expectedRel && offset <= c.size) {
        throw new GgufError(
          'OUT_OF_RANGE',
          `tensor "${name}" is at data offset ${rel}, expected ${expectedRel}: tensors must follow each other in order, each padded to ${alignment} bytes`,
          tAt,
        );
      }
      expectedRel += Math.ceil(byteSize / alignment) * alignment;
      if (offset + byteSize > c.size) {
        // Within a densely packed layout the header is consistent and the data is missing: cut short.
        // Beyond it, the offset itself is corrupt.
        if (rel + byteSize <= denseEnd || offset <= c.size) {
          throw new GgufError(
            'TRUNCATED',
            `tensor "${name}" needs bytes ${offset}..${offset + byteSize} but the file ends at ${c.size}`,
            tAt,
          );
        }
        throw new GgufError('OUT_OF_RANGE', `tensor "${name}" starts at byte ${offset}, past the end of the file (${c.size})`, tAt);
      }
      return { name, dims, type, typeName: traits.name, offset, byteSize, elementCount: count };
    });

    return { version, alignment, fileSize: c.size, dataOffset, metadata, typedMetadata, tensors };
  }
}

function makeFile(src: ByteSource, limits: GgufReadLimits): GgufFile {
  let parsed;
  try {
    parsed = new Parser(src, limits).parse();
  } catch (e) {
    src.close();
    throw e;
  }
  const byName = new Map(parsed.tensors.map((t) => [t.name, t]));
  const get = (name: string): GgufTensorInfo => {
    const t = byName.get(name);
    if (!t) throw new GgufError('NO_SUCH_TENSOR', `no tensor named "${name}" in ${src.path}`);
    return t;
  };
  return {
    path: src.path,
    ...parsed,
    tensor: (name) => byName.get(name),
    readTensorBytes: (name) => {
      const t = get(name);
      return src.read(t.offset, t.byteSize);
    },
    readTensorF32: (name, out) => {
      const t = get(name);
      return dequantize(t.type, src.read(t.offset, t.byteSize), t.elementCount, out);
    },
    close: () => src.close(),
  };
}

/**
 * Reads `count` elements of a tensor starting at element `start` (both multiples of the type's block
 * size): one embedding row, say, without dequantizing a 262k x 640 matrix.
 */
export function readTensorRangeF32(file: GgufFile, name: string, start: number, count: number, out?: Float32Array): Float32Array {
  const t = file.tensor(name);
  if (!t) throw new GgufError('NO_SUCH_TENSOR', `no tensor named "${name}"`);
  return dequantize(t.type, readTensorRangeBytes(file, name, start, count), count, out);
}

/** The raw (still quantized) bytes of elements start..start+count of a tensor, block-aligned. */
export function readTensorRangeBytes(file: GgufFile, name: string, start: number, count: number): Uint8Array {
  const t = file.tensor(name);
  if (!t) throw new GgufError('NO_SUCH_TENSOR', `no tensor named "${name}"`);
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > t.elementCount) {
    throw new GgufError('OUT_OF_RANGE', `elements ${start}..${start + count} outside "${name}" (${t.elementCount})`);
  }
  const from = byteSizeOf(t.type, start);
  const len = byteSizeOf(t.type, count);
  const src = sources.get(file);
  if (!src) throw new GgufError('IO', 'file was not opened by openGguf/openGgufBuffer');
  return src.read(t.offset + from, len);
}

const sources = new WeakMap<GgufFile, ByteSource>();

/** Opens a GGUF file: parses and validates the header now; tensor data is read on demand. */
export function openGguf(path: string, limits: GgufReadLimits = {}): GgufFile {
  const src = new FileSource(path);
  const f = makeFile(src, limits);
  sources.set(f, src);
  return f;
}

/** The same reader over bytes already in memory (tests, fuzzing, downloads being checked). */
export function openGgufBuffer(bytes: Uint8Array, limits: GgufReadLimits = {}): GgufFile {
  const src = new BufferSource(bytes);
  const f = makeFile(src, limits);
  sources.set(f, src);
  return f;
}
