// GGUF writer (v3). Header first, then each tensor encoded and streamed to disk one at a time, so a
// 1 GB model is written holding one tensor in memory. Files are written to a temp name and renamed,
// so a reader (or a concurrent test process) never sees a half-written model.
//
// Tensors are given as float32 `data` (encoded here to `type`), as ready-made `bytes` of `type`
// (hand-built K-quant blocks, copied tensors), or as `produce()` called only when the tensor is written.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { GgufError } from './errors.ts';
import { byteSizeOf } from './dequant.ts';
import { quantize } from './quant.ts';
import { GGUF_SCALAR_SIZE, GgufValueType, ggmlTypeName, ggmlTypeTraits, type GgmlType, type GgufTypedValue } from './types.ts';
import { GGUF_DEFAULT_ALIGNMENT } from './reader.ts';

export type MetadataInput = GgufTypedValue | string | boolean;

export interface TensorSpec {
  name: string;
  /** ne, fastest-varying first: a linear layer in→out is [in, out]. */
  dims: number[];
  type: GgmlType;
  data?: Float32Array;
  bytes?: Uint8Array;
  produce?: () => Float32Array | Uint8Array;
}

export interface GgufSpec {
  metadata: Record<string, MetadataInput>;
  tensors: TensorSpec[];
  /** Data alignment; when not 32 it is also recorded as general.alignment (u32), as the format requires. */
  alignment?: number;
}

const enc = new TextEncoder();

function typed(key: string, v: MetadataInput): GgufTypedValue {
  if (typeof v === 'string') return { type: GgufValueType.STRING, value: v };
  if (typeof v === 'boolean') return { type: GgufValueType.BOOL, value: v };
  if (typeof v !== 'object' || v === null || typeof v.type !== 'number') {
    throw new GgufError('INVALID_ARGUMENT', `metadata "${key}": numbers need a type, e.g. u32(${String(v)})`);
  }
  return v;
}

/** A growable little-endian byte builder for the header. */
class ByteBuilder {
  buf = new Uint8Array(1 << 16);
  view = new DataView(this.buf.buffer);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number) {
    this.room(1);
    this.view.setUint8(this.len, v);
    this.len += 1;
  }
  i8(v: number) {
    this.room(1);
    this.view.setInt8(this.len, v);
    this.len += 1;
  }
  u16(v: number) {
    this.room(2);
    this.view.setUint16(this.len, v, true);
    this.len += 2;
  }
  i16(v: number) {
    this.room(2);
    this.view.setInt16(this.len, v, true);
    this.len += 2;
  }
  u32(v: number) {
    this.room(4);
    this.view.setUint32(this.len, v, true);
    this.len += 4;
  }
  i32(v: number) {
    this.room(4);
    this.view.setInt32(this.len, v, true);
    this.len += 4;
  }
  f32(v: number) {
    this.room(4);
    this.view.setFloat32(this.len, v, true);
    this.len += 4;
  }
  f64(v: number) {
    this.room(8);
    this.view.setFloat64(this.len, v, true);
    this.len += 8;
  }
  u64(v: bigint | number) {
    this.room(8);
    this.view.setBigUint64(this.len, BigInt(v), true);
    this.len += 8;
  }
  i64(v: bigint | number) {
    this.room(8);
    this.view.setBigInt64(this.len, BigInt(v), true);
    this.len += 8;
  }
  bytes(b: Uint8Array) {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  string(s: string) {
    const b = enc.encode(s);
    this.u64(b.length);
    this.bytes(b);
  }
  padTo(alignment: number) {
    while (this.len % alignment !== 0) this.u8(0);
  }
  result(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

function writeScalar(b: ByteBuilder, type: GgufValueType, v: unknown, key: string): void {
  const bad = () => new GgufError('INVALID_ARGUMENT', `metadata "${key}": ${String(v)} is not a valid value of type ${type}`);
  switch (type) {
    case GgufValueType.UINT8:
    case GgufValueType.INT8:
    case GgufValueType.UINT16:
    case GgufValueType.INT16:
    case GgufValueType.UINT32:
    case GgufValueType.INT32:
    case GgufValueType.FLOAT32:
    case GgufValueType.FLOAT64:
      if (typeof v !== 'number') throw bad();
      break;
    case GgufValueType.UINT64:
    case GgufValueType.INT64:
      if (typeof v !== 'bigint' && !(typeof v === 'number' && Number.isInteger(v))) throw bad();
      break;
    case GgufValueType.BOOL:
      if (typeof v !== 'boolean') throw bad();
      break;
    case GgufValueType.STRING:
      if (typeof v !== 'string') throw bad();
      break;
    default:
      throw new GgufError('UNKNOWN_TYPE', `metadata "${key}": value type ${type}`);
  }
  switch (type) {
    case GgufValueType.UINT8:
      b.u8(v as number);
      break;
    case GgufValueType.INT8:
      b.i8(v as number);
      break;
    case GgufValueType.UINT16:
      b.u16(v as number);
      break;
    case GgufValueType.INT16:
      b.i16(v as number);
      break;
    case GgufValueType.UINT32:
      b.u32(v as number);
      break;
    case GgufValueType.INT32:
      b.i32(v as number);
      break;
    case GgufValueType.FLOAT32:
      b.f32(v as number);
      break;
    case GgufValueType.FLOAT64:
      b.f64(v as number);
      break;
    case GgufValueType.UINT64:
      b.u64(v as bigint);
      break;
    case GgufValueType.INT64:
      b.i64(v as bigint);
      break;
    case GgufValueType.BOOL:
      b.u8(v ? 1 : 0);
      break;
    case GgufValueType.STRING:
      b.string(v as string);
      break;
  }
}

function writeValue(b: ByteBuilder, tv: GgufTypedValue, key: string): void {
  if (tv.type !== GgufValueType.ARRAY) {
    writeScalar(b, tv.type, tv.value, key);
    return;
  }
  b.u32(tv.itemType);
  b.u64(tv.value.length);
  if (tv.itemType === GgufValueType.ARRAY) {
    for (const item of tv.value as GgufTypedValue[]) {
      if (item.type !== GgufValueType.ARRAY) throw new GgufError('INVALID_ARGUMENT', `metadata "${key}": nested item is not an array`);
      writeValue(b, item, key);
    }
  } else {
    if (GGUF_SCALAR_SIZE[tv.itemType] === undefined && tv.itemType !== GgufValueType.STRING) {
      throw new GgufError('UNKNOWN_TYPE', `metadata "${key}": array item type ${tv.itemType}`);
    }
    for (const item of tv.value) writeScalar(b, tv.itemType, item, key);
  }
}

interface PlannedTensor {
  spec: TensorSpec;
  byteSize: number;
  rel: number;
}

function plan(spec: GgufSpec): { header: Uint8Array; tensors: PlannedTensor[]; alignment: number } {
  const alignment = spec.alignment ?? GGUF_DEFAULT_ALIGNMENT;
  if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
    throw new GgufError('INVALID_ARGUMENT', `alignment ${alignment} is not a power of two`);
  }
  const meta: [string, GgufTypedValue][] = Object.entries(spec.metadata).map(([k, v]) => [k, typed(k, v)]);
  const hasAlign = meta.find(([k]) => k === 'general.alignment');
  if (hasAlign) {
    if (hasAlign[1].type !== GgufValueType.UINT32 || hasAlign[1].value !== alignment) {
      throw new GgufError('INVALID_ARGUMENT', `general.alignment must be u32(${alignment}) to match the alignment option`);
    }
  } else if (alignment !== GGUF_DEFAULT_ALIGNMENT) {
    meta.push(['general.alignment', { type: GgufValueType.UINT32, value: alignment }]);
  }

  const names = new Set<string>();
  let rel = 0;
  const tensors: PlannedTensor[] = spec.tensors.map((t) => {
    if (names.has(t.name)) throw new GgufError('DUPLICATE', `tensor "${t.name}" given twice`);
    names.add(t.name);
    if (enc.encode(t.name).length >= 64) throw new GgufError('INVALID_ARGUMENT', `tensor name "${t.name}" is 64 bytes or longer`);
    if (t.dims.length === 0 || t.dims.length > 4 || t.dims.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new GgufError('BAD_SHAPE', `tensor "${t.name}" has dims [${t.dims.join(', ')}]; need 1 to 4 non-negative integers`);
    }
    const traits = ggmlTypeTraits(t.type);
    if (!traits) throw new GgufError('UNKNOWN_TYPE', `tensor "${t.name}" has unknown ggml type ${t.type}`);
    if (t.dims[0] % traits.blockSize !== 0) {
      throw new GgufError(
        'BAD_SHAPE',
        `tensor "${t.name}": rows of ${t.dims[0]} are not a multiple of ${traits.name}'s block ${traits.blockSize}`,
      );
    }
    const sources = [t.data, t.bytes, t.produce].filter((x) => x !== undefined).length;
    if (sources !== 1) throw new GgufError('INVALID_ARGUMENT', `tensor "${t.name}" needs exactly one of data, bytes, produce`);
    const count = t.dims.reduce((a, b) => a * b, 1);
    const byteSize = byteSizeOf(t.type, count);
    const planned = { spec: t, byteSize, rel };
    rel += Math.ceil(byteSize / alignment) * alignment;
    return planned;
  });

  const b = new ByteBuilder();
  b.bytes(enc.encode('GGUF'));
  b.u32(3);
  b.u64(tensors.length);
  b.u64(meta.length);
  for (const [k, v] of meta) {
    if (k.length === 0) throw new GgufError('INVALID_ARGUMENT', 'empty metadata key');
    b.string(k);
    b.u32(v.type);
    writeValue(b, v, k);
  }
  for (const t of tensors) {
    b.string(t.spec.name);
    b.u32(t.spec.dims.length);
    for (const d of t.spec.dims) b.u64(d);
    b.u32(t.spec.type);
    b.u64(t.rel);
  }
  b.padTo(alignment);
  return { header: b.result(), tensors, alignment };
}

/** The encoded bytes of one tensor, checked against its declared size. */
function tensorBytes(t: PlannedTensor): Uint8Array {
  const s = t.spec;
  const count = t.spec.dims.reduce((a, b) => a * b, 1);
  let out: Uint8Array;
  let src: Float32Array | Uint8Array | undefined = s.data ?? s.bytes;
  if (s.produce) src = s.produce();
  if (src instanceof Float32Array) {
    if (src.length !== count) {
      throw new GgufError('INVALID_ARGUMENT', `tensor "${s.name}" has ${src.length} floats, its dims need ${count}`);
    }
    out = quantize(s.type, src);
  } else if (src instanceof Uint8Array) {
    out = src;
  } else {
    throw new GgufError('INVALID_ARGUMENT', `tensor "${s.name}" produced neither Float32Array nor Uint8Array`);
  }
  if (out.byteLength !== t.byteSize) {
    throw new GgufError(
      'INVALID_ARGUMENT',
      `tensor "${s.name}" is ${out.byteLength} bytes, ${ggmlTypeName(s.type)} x${count} needs ${t.byteSize}`,
    );
  }
  return out;
}

const ZEROS = new Uint8Array(4096);

function padLen(n: number, alignment: number): number {
  return (alignment - (n % alignment)) % alignment;
}

/** Encodes a whole GGUF file in memory (small files: tests, fuzz seeds, adapters). */
export function encodeGguf(spec: GgufSpec): Uint8Array {
  const { header, tensors, alignment } = plan(spec);
  const total = header.length + tensors.reduce((a, t) => a + t.byteSize + padLen(t.byteSize, alignment), 0);
  const out = new Uint8Array(total);
  out.set(header, 0);
  let pos = header.length;
  for (const t of tensors) {
    out.set(tensorBytes(t), pos);
    pos += t.byteSize + padLen(t.byteSize, alignment);
  }
  return out;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Writes a GGUF file atomically (temp file + rename), streaming one tensor at a time. */
export function writeGguf(path: string, spec: GgufSpec): void {
  const { header, tensors, alignment } = plan(spec);
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw new GgufError('IO', `cannot create ${tmp}: ${(e as Error).message}`);
  }
  try {
    writeAll(fd, header);
    for (const t of tensors) {
      writeAll(fd, tensorBytes(t));
      let pad = padLen(t.byteSize, alignment);
      while (pad > 0) {
        const n = Math.min(pad, ZEROS.length);
        writeAll(fd, ZEROS.subarray(0, n));
        pad -= n;
      }
    }
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}
