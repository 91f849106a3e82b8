// IEEE half (f16) and bfloat16 conversions, bit-exact with ggml (the engine's only copy: GGUF
// decoding, Q8_0 scales and llama.cpp-style f16 rounding of activations all use it):
// f32 -> f16 rounds to nearest even (as F16C's _cvtss_sh does); f32 -> bf16 rounds to nearest even
// and forces NaNs quiet (ggml_compute_fp32_to_bf16).

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

function halfBitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24; // zero and subnormals
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** All 65,536 halves decoded once: decoding is then one table lookup. */
export const F16_TABLE: Float32Array = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) t[h] = halfBitsToF32(h);
  return t;
})();

export function f16ToF32(bits: number): number {
  return F16_TABLE[bits & 0xffff];
}

export function f32ToF16(value: number): number {
  scratchF32[0] = value;
  const x = scratchU32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const full = mant | 0x800000;
    const shift = 14 - e;
    let h = full >>> shift;
    const rem = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}

export function bf16ToF32(bits: number): number {
  scratchU32[0] = (bits & 0xffff) << 16;
  return scratchF32[0];
}

export function f32ToBf16(value: number): number {
  scratchF32[0] = value;
  const u = scratchU32[0];
  if ((u & 0x7fffffff) >>> 0 > 0x7f800000) return ((u >>> 16) | 64) & 0xffff;
  return ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16) & 0xffff;
}

/** All 65,536 f16 values as floats (F16_TABLE), for bulk conversion. */
export function f16Table(): Float32Array {
  return F16_TABLE;
}

/** The float nearest to `value` that an f16 can hold (llama.cpp rounds activations through f16 in places). */
export function roundToF16(value: number): number {
  return F16_TABLE[f32ToF16(value)];
}

/** In place: every element rounded through f16. */
export function roundArrayToF16(a: Float32Array, n = a.length): void {
  for (let i = 0; i < n; i++) a[i] = F16_TABLE[f32ToF16(a[i])];
}
