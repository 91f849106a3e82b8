// Typed metadata constructors for the writer: llama.cpp reads keys with fixed types (a u32 where it
// expects a u32, an f32 for epsilons), so the caller states the type of every number it writes.
//   writeGguf(path, { metadata: { 'gemma3.block_count': u32(6), 'gemma3.attention.layer_norm_rms_epsilon': f32(1e-6) }, ... })
import { GgufError } from './errors.ts';
import { GgufValueType, type GgufScalarType, type GgufTypedValue, type GgufValue } from './types.ts';

function intIn(v: number, lo: number, hi: number, what: string): number {
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new GgufError('INVALID_ARGUMENT', `${what} value ${v} is not an integer in [${lo}, ${hi}]`);
  }
  return v;
}

export const u8 = (v: number): GgufTypedValue => ({ type: GgufValueType.UINT8, value: intIn(v, 0, 0xff, 'u8') });
export const i8 = (v: number): GgufTypedValue => ({ type: GgufValueType.INT8, value: intIn(v, -0x80, 0x7f, 'i8') });
export const u16 = (v: number): GgufTypedValue => ({ type: GgufValueType.UINT16, value: intIn(v, 0, 0xffff, 'u16') });
export const i16 = (v: number): GgufTypedValue => ({ type: GgufValueType.INT16, value: intIn(v, -0x8000, 0x7fff, 'i16') });
export const u32 = (v: number): GgufTypedValue => ({ type: GgufValueType.UINT32, value: intIn(v, 0, 0xffffffff, 'u32') });
export const i32 = (v: number): GgufTypedValue => ({
  type: GgufValueType.INT32,
  value: intIn(v, -0x80000000, 0x7fffffff, 'i32'),
});
export const f32 = (v: number): GgufTypedValue => ({ type: GgufValueType.FLOAT32, value: v });
export const f64 = (v: number): GgufTypedValue => ({ type: GgufValueType.FLOAT64, value: v });
export const u64 = (v: number | bigint): GgufTypedValue => {
  const b = BigInt(v);
  if (b < 0n || b > 0xffffffffffffffffn) throw new GgufError('INVALID_ARGUMENT', `u64 value ${v} out of range`);
  return { type: GgufValueType.UINT64, value: b };
};
export const i64 = (v: number | bigint): GgufTypedValue => {
  const b = BigInt(v);
  if (b < -(1n << 63n) || b >= 1n << 63n) throw new GgufError('INVALID_ARGUMENT', `i64 value ${v} out of range`);
  return { type: GgufValueType.INT64, value: b };
};
export const bool = (v: boolean): GgufTypedValue => ({ type: GgufValueType.BOOL, value: v });
export const str = (v: string): GgufTypedValue => ({ type: GgufValueType.STRING, value: v });

/** A homogeneous array of scalars: arr(GgufValueType.INT32, [1, 2, 3]), or of nested arrays: arr(ARRAY, [arr(...), ...]). */
export function arr(itemType: GgufScalarType, values: readonly (number | bigint | boolean | string)[]): GgufTypedValue;
export function arr(itemType: GgufValueType.ARRAY, values: readonly GgufTypedValue[]): GgufTypedValue;
export function arr(itemType: GgufValueType, values: readonly unknown[]): GgufTypedValue {
  if (itemType === GgufValueType.ARRAY) {
    for (const v of values) {
      if (typeof v !== 'object' || v === null || (v as GgufTypedValue).type !== GgufValueType.ARRAY) {
        throw new GgufError('INVALID_ARGUMENT', 'an array of arrays must hold arr(...) values');
      }
    }
    return { type: GgufValueType.ARRAY, itemType, value: values as GgufTypedValue[] };
  }
  return {
    type: GgufValueType.ARRAY,
    itemType: itemType as GgufScalarType,
    value: values as (number | bigint | boolean | string)[],
  };
}

export const strArr = (values: readonly string[]) => arr(GgufValueType.STRING, values);
export const f32Arr = (values: ArrayLike<number>) => arr(GgufValueType.FLOAT32, Array.from(values));
export const i32Arr = (values: ArrayLike<number>) => arr(GgufValueType.INT32, Array.from(values));
export const u32Arr = (values: ArrayLike<number>) => arr(GgufValueType.UINT32, Array.from(values));

/** The plain value of a typed value (what the reader's `metadata` holds). */
export function plainValue(t: GgufTypedValue): GgufValue {
  if (t.type === GgufValueType.ARRAY) {
    if (t.itemType === GgufValueType.ARRAY) return (t.value as GgufTypedValue[]).map(plainValue);
    return [...(t.value as GgufValue[])];
  }
  return t.value;
}

/** Reads a numeric metadata value as a JS number (bigint converted), or undefined when absent. */
export function metaNumber(meta: Record<string, GgufValue>, key: string): number | undefined {
  const v = meta[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}
