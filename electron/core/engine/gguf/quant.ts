// Float32 -> ggml encodings, following ggml's reference quantizers (quantize_row_*_ref) so that a file
// we write holds the same bytes llama.cpp's own converter would produce for the same floats.
//   Q8_0: d = max|x|/127, q = round(x/d)          error per element <= d/2
//   Q4_0: d = (signed value of max |x|)/-8,        error per element <= |d| (the far side clamps at +7)
//         q = min(15, trunc(x/d + 8.5))
//   Q4_K, Q5_K, Q6_K: simple encoders in kquant.ts (valid blocks, bounded error, not ggml's bytes)
import { GgufError } from './errors.ts';
import { byteSizeOf } from './dequant.ts';
import { quantizeQ4_K, quantizeQ5_K, quantizeQ6_K } from './kquant.ts';
import { f32ToBf16, f32ToF16 } from './half.ts';
import { GgmlType, ggmlTypeName } from './types.ts';

const fr = Math.fround;

function putHalf(out: Uint8Array, o: number, bits: number): void {
  out[o] = bits & 0xff;
  out[o + 1] = bits >> 8;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** F32 is the floats' own bytes: a view, not a copy (a 270M embedding is 671 MB). */
function quantF32(x: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const out = new Uint8Array(x.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < x.length; i++) dv.setFloat32(4 * i, x[i], true);
  return out;
}

function quantF16(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length * 2);
  for (let i = 0; i < x.length; i++) putHalf(out, 2 * i, f32ToF16(x[i]));
  return out;
}

function quantBF16(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length * 2);
  for (let i = 0; i < x.length; i++) putHalf(out, 2 * i, f32ToBf16(x[i]));
  return out;
}

function quantQ8_0(x: Float32Array): Uint8Array {
  const nb = x.length / 32;
  const out = new Uint8Array(nb * 34);
  for (let b = 0; b < nb; b++) {
    const base = b * 32;
    let amax = 0;
    for (let j = 0; j < 32; j++) {
      const v = x[base + j];
      const a = v < 0 ? -v : v;
      if (a > amax) amax = a;
    }
    const d = fr(amax / 127);
    const id = d ? fr(1 / d) : 0;
    const o = b * 34;
    putHalf(out, o, f32ToF16(d));
    for (let j = 0; j < 32; j++) {
      const v = fr(x[base + j] * id);
      // roundf: halves away from zero
      out[o + 2 + j] = (v < 0 ? -Math.floor(0.5 - v) : Math.floor(v + 0.5)) & 0xff;
    }
  }
  return out;
}

function quantQ4_0(x: Float32Array): Uint8Array {
  const nb = x.length / 32;
  const out = new Uint8Array(nb * 18);
  for (let b = 0; b < nb; b++) {
    const base = b * 32;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < 32; j++) {
      const v = x[base + j];
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = fr(max / -8);
    const id = d ? fr(1 / d) : 0;
    const o = b * 18;
    putHalf(out, o, f32ToF16(d));
    for (let j = 0; j < 16; j++) {
      const q0 = Math.min(15, Math.trunc(fr(fr(x[base + j] * id) + 8.5)));
      const q1 = Math.min(15, Math.trunc(fr(fr(x[base + 16 + j] * id) + 8.5)));
      out[o + 2 + j] = q0 | (q1 << 4);
    }
  }
  return out;
}

const QUANTIZERS: ReadonlyMap<GgmlType, (x: Float32Array) => Uint8Array> = new Map([
  [GgmlType.F32, quantF32],
  [GgmlType.F16, quantF16],
  [GgmlType.BF16, quantBF16],
  [GgmlType.Q8_0, quantQ8_0],
  [GgmlType.Q4_0, quantQ4_0],
  [GgmlType.Q4_K, quantizeQ4_K],
  [GgmlType.Q5_K, quantizeQ5_K],
  [GgmlType.Q6_K, quantizeQ6_K],
]);

export const QUANTIZABLE_TYPES: readonly GgmlType[] = [...QUANTIZERS.keys()];

export function canQuantize(type: GgmlType): boolean {
  return QUANTIZERS.has(type);
}

/** Encodes float32 values as `type`. The length must be a whole number of the type's blocks. */
export function quantize(type: GgmlType, data: Float32Array): Uint8Array {
  const fn = QUANTIZERS.get(type);
  if (!fn) {
    throw new GgufError(
      'UNSUPPORTED_TYPE',
      `cannot quantize to ${ggmlTypeName(type)}; supported: ${QUANTIZABLE_TYPES.map(ggmlTypeName).join(', ')}`,
    );
  }
  byteSizeOf(type, data.length); // validates the block multiple
  return fn(data);
}
