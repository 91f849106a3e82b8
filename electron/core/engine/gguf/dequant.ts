// Dequantization to float32, one function per ggml block layout (ggml-common.h), written from the
// block formulas. Results are bit-exact with ggml's reference dequantizers: every product below is
// exact in double precision and the single rounding happens when it is stored into the Float32Array.
//
//   Q8_0  [d:f16][q:i8 x32]                         x = d*q
//   Q4_0  [d:f16][q:u8 x16]                         x[j] = d*((q[j]&15)-8), x[j+16] = d*((q[j]>>4)-8)
//   Q4_K  [d:f16][dmin:f16][scales:12][q:128]       8 sub-blocks of 32, 6-bit scale/min each
//   Q5_K  [d:f16][dmin:f16][scales:12][qh:32][q:128] as Q4_K plus a 5th bit from qh
//   Q6_K  [ql:128][qh:64][scales:i8 x16][d:f16]     16 sub-blocks of 16, x = d*sc*(q-32)
import { GgufError } from './errors.ts';
import { F16_TABLE, bf16ToF32 } from './half.ts';
import { GgmlType, ggmlTypeName, ggmlTypeTraits } from './types.ts';

const QK_K = 256;

function half(b: Uint8Array, o: number): number {
  return F16_TABLE[b[o] | (b[o + 1] << 8)];
}

function i8(v: number): number {
  return (v << 24) >> 24;
}

/** Bytes needed to hold `count` elements of `type`; throws if count is not a whole number of blocks. */
export function byteSizeOf(type: GgmlType, count: number): number {
  const t = ggmlTypeTraits(type);
  if (!t) throw new GgufError('UNKNOWN_TYPE', `unknown ggml type ${type}`);
  if (count % t.blockSize !== 0) {
    throw new GgufError('INVALID_ARGUMENT', `${t.name} needs a multiple of ${t.blockSize} elements, got ${count}`);
  }
  return (count / t.blockSize) * t.typeSize;
}

/** The (scale, min) 6-bit pair j of a K-quant's 12-byte scales field (get_scale_min_k4). */
export function scaleMinK4(scales: Uint8Array, base: number, j: number): [number, number] {
  if (j < 4) return [scales[base + j] & 63, scales[base + j + 4] & 63];
  const sc = (scales[base + j + 4] & 0xf) | ((scales[base + j - 4] >> 6) << 4);
  const m = (scales[base + j + 4] >> 4) | ((scales[base + j] >> 6) << 4);
  return [sc, m];
}

function dequantF32(b: Uint8Array, n: number, y: Float32Array): void {
  if (b.byteOffset % 4 === 0) {
    y.set(new Float32Array(b.buffer, b.byteOffset, n));
    return;
  }
  const dv = new DataView(b.buffer, b.byteOffset, n * 4);
  for (let i = 0; i < n; i++) y[i] = dv.getFloat32(i * 4, true);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function dequantF16(b: Uint8Array, n: number, y: Float32Array): void {
  if (LITTLE_ENDIAN && b.byteOffset % 2 === 0) {
    const h = new Uint16Array(b.buffer, b.byteOffset, n);
    for (let i = 0; i < n; i++) y[i] = F16_TABLE[h[i]];
    return;
  }
  for (let i = 0, o = 0; i < n; i++, o += 2) y[i] = F16_TABLE[b[o] | (b[o + 1] << 8)];
}

function dequantBF16(b: Uint8Array, n: number, y: Float32Array): void {
  for (let i = 0, o = 0; i < n; i++, o += 2) y[i] = bf16ToF32(b[o] | (b[o + 1] << 8));
}

function dequantQ8_0(b: Uint8Array, n: number, y: Float32Array): void {
  const qs = new Int8Array(b.buffer, b.byteOffset, b.byteLength); // the same bytes, read as signed
  for (let o = 0, k = 0; k < n; o += 34, k += 32) {
    const d = half(b, o);
    for (let j = 0; j < 32; j++) y[k + j] = d * qs[o + 2 + j];
  }
}

function dequantQ4_0(b: Uint8Array, n: number, y: Float32Array): void {
  for (let o = 0, k = 0; k < n; o += 18, k += 32) {
    const d = half(b, o);
    for (let j = 0; j < 16; j++) {
      const q = b[o + 2 + j];
      y[k + j] = d * ((q & 0xf) - 8);
      y[k + j + 16] = d * ((q >> 4) - 8);
    }
  }
}

function dequantQ4_K(b: Uint8Array, n: number, y: Float32Array): void {
  for (let o = 0, k = 0; k < n; o += 144) {
    const d = half(b, o);
    const dmin = half(b, o + 2);
    const sc = o + 4;
    let q = o + 16;
    for (let j = 0; j < 4; j++) {
      const [s1, m1] = scaleMinK4(b, sc, 2 * j);
      const [s2, m2] = scaleMinK4(b, sc, 2 * j + 1);
      const d1 = Math.fround(d * s1),
        min1 = Math.fround(dmin * m1);
      const d2 = Math.fround(d * s2),
        min2 = Math.fround(dmin * m2);
      for (let l = 0; l < 32; l++) y[k++] = d1 * (b[q + l] & 0xf) - min1;
      for (let l = 0; l < 32; l++) y[k++] = d2 * (b[q + l] >> 4) - min2;
      q += 32;
    }
  }
}

function dequantQ5_K(b: Uint8Array, n: number, y: Float32Array): void {
  for (let o = 0, k = 0; k < n; o += 176) {
    const d = half(b, o);
    const dmin = half(b, o + 2);
    const sc = o + 4;
    const qh = o + 16;
    let ql = o + 48;
    for (let j = 0; j < 4; j++) {
      const [s1, m1] = scaleMinK4(b, sc, 2 * j);
      const [s2, m2] = scaleMinK4(b, sc, 2 * j + 1);
      const d1 = Math.fround(d * s1),
        min1 = Math.fround(dmin * m1);
      const d2 = Math.fround(d * s2),
        min2 = Math.fround(dmin * m2);
      const bitLo = 1 << (2 * j),
        bitHi = 2 << (2 * j);
      for (let l = 0; l < 32; l++) y[k++] = d1 * ((b[ql + l] & 0xf) + (b[qh + l] & bitLo ? 16 : 0)) - min1;
      for (let l = 0; l < 32; l++) y[k++] = d2 * ((b[ql + l] >> 4) + (b[qh + l] & bitHi ? 16 : 0)) - min2;
      ql += 32;
    }
  }
}

function dequantQ6_K(b: Uint8Array, n: number, y: Float32Array): void {
  for (let o = 0, k = 0; k < n; o += 210) {
    const d = half(b, o + 208);
    // Two halves of 128 values; each uses 64 bytes of ql, 32 of qh and 8 scales.
    for (let h = 0; h < 2; h++) {
      const ql = o + 64 * h;
      const qh = o + 128 + 32 * h;
      const sc = o + 192 + 8 * h;
      for (let l = 0; l < 32; l++) {
        const is = l >> 4;
        const hb = b[qh + l];
        const q1 = ((b[ql + l] & 0xf) | ((hb & 3) << 4)) - 32;
        const q2 = ((b[ql + l + 32] & 0xf) | (((hb >> 2) & 3) << 4)) - 32;
        const q3 = ((b[ql + l] >> 4) | (((hb >> 4) & 3) << 4)) - 32;
        const q4 = ((b[ql + l + 32] >> 4) | (((hb >> 6) & 3) << 4)) - 32;
        y[k + l] = Math.fround(d * i8(b[sc + is])) * q1;
        y[k + l + 32] = Math.fround(d * i8(b[sc + is + 2])) * q2;
        y[k + l + 64] = Math.fround(d * i8(b[sc + is + 4])) * q3;
        y[k + l + 96] = Math.fround(d * i8(b[sc + is + 6])) * q4;
      }
      k += 128;
    }
  }
}

type Dequantizer = (b: Uint8Array, n: number, y: Float32Array) => void;

const DEQUANTIZERS: ReadonlyMap<GgmlType, Dequantizer> = new Map<GgmlType, Dequantizer>([
  [GgmlType.F32, dequantF32],
  [GgmlType.F16, dequantF16],
  [GgmlType.BF16, dequantBF16],
  [GgmlType.Q8_0, dequantQ8_0],
  [GgmlType.Q4_0, dequantQ4_0],
  [GgmlType.Q4_K, dequantQ4_K],
  [GgmlType.Q5_K, dequantQ5_K],
  [GgmlType.Q6_K, dequantQ6_K],
]);

export function canDequantize(type: GgmlType): boolean {
  return DEQUANTIZERS.has(type);
}

export const DEQUANTIZABLE_TYPES: readonly GgmlType[] = [...DEQUANTIZERS.keys()];

/** Decodes `count` elements of `type` from `bytes` into float32 (into `out` when given). */
export function dequantize(type: GgmlType, bytes: Uint8Array, count: number, out?: Float32Array): Float32Array {
  const fn = DEQUANTIZERS.get(type);
  if (!fn) {
    throw new GgufError(
      ggmlTypeTraits(type) ? 'UNSUPPORTED_TYPE' : 'UNKNOWN_TYPE',
      `cannot dequantize ${ggmlTypeName(type)}; supported: ${DEQUANTIZABLE_TYPES.map(ggmlTypeName).join(', ')}`,
    );
  }
  const need = byteSizeOf(type, count);
  if (bytes.byteLength < need) {
    throw new GgufError('TRUNCATED', `${ggmlTypeName(type)} x${count} needs ${need} bytes, got ${bytes.byteLength}`);
  }
  const y = out ?? new Float32Array(count);
  if (y.length < count) throw new GgufError('INVALID_ARGUMENT', `output holds ${y.length} < ${count} elements`);
  fn(bytes, count, y);
  return y;
}

export { QK_K };
