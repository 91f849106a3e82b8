// IEEE half-precision helpers. llama.cpp rounds to f16 in several places (weights stored as F16,
// activations fed to F16 matmuls, GELU's lookup table, the KV cache), so we need exact
// round-to-nearest-even conversions both ways to reproduce it when asked.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** f16 bits → float. */
export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** float → f16 bits, round to nearest even (as the F16C instruction ggml uses on x86). */
export function f32ToF16(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && (m & 1))) m++;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (m & 1))) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 31) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

let table: Float32Array | undefined;
/** All 65,536 f16 values as floats, for fast bulk conversion. */
export function f16Table(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = f16ToF32(h);
  }
  return table;
}

/** The float nearest to `value` that an f16 can hold. */
export function roundToF16(value: number): number {
  return f16Table()[f32ToF16(value)];
}

/** In place: every element rounded through f16. */
export function roundArrayToF16(a: Float32Array, n = a.length): void {
  const t = f16Table();
  for (let i = 0; i < n; i++) a[i] = t[f32ToF16(a[i])];
}
