// Float32 -> K-quant encoders (Q4_K, Q5_K, Q6_K). Simple and deterministic, not ggml's iterative
// search (make_qkx2_quants), so the bytes differ from llama-quantize's while decoding the same way:
// what matters is that the blocks are valid and the error is bounded, so generated models in these
// types exercise every K-quant decoder in llama.cpp and in our engine.
//
//   Q4_K / Q5_K: 8 sub-blocks of 32, x ≈ d·sc_j·q − dmin·m_j, q in [0, 15] / [0, 31], sc_j, m_j 6-bit
//   Q6_K:       16 sub-blocks of 16, x ≈ d·sc_j·(q − 32), q in [0, 63], sc_j signed 8-bit
import { f16ToF32, f32ToF16 } from './half.ts';

const QK_K = 256;

function roundAway(v: number): number {
  return v < 0 ? -Math.floor(0.5 - v) : Math.floor(v + 0.5);
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/** Stores an f16 and returns the value it actually holds, so later steps use what the decoder will see. */
function putHalf(out: Uint8Array, o: number, v: number): number {
  const h = f32ToF16(v);
  out[o] = h & 0xff;
  out[o + 1] = h >> 8;
  return f16ToF32(h);
}

/** The 12-byte packing of eight 6-bit (scale, min) pairs shared by Q4_K and Q5_K. */
function packScaleMins(out: Uint8Array, o: number, sc: number[], mn: number[]): void {
  for (let j = 0; j < 4; j++) {
    out[o + j] = sc[j] | ((sc[j + 4] >> 4) << 6);
    out[o + j + 4] = mn[j] | ((mn[j + 4] >> 4) << 6);
    out[o + j + 8] = (sc[j + 4] & 15) | ((mn[j + 4] & 15) << 4);
  }
}

/** Q4_K (levels 15) or Q5_K (levels 31): affine quantization per 32-value sub-block. */
function quantizeAffineK(x: Float32Array, levels: 15 | 31): Uint8Array {
  const blockBytes = levels === 15 ? 144 : 176;
  const nb = x.length / QK_K;
  const out = new Uint8Array(nb * blockBytes);
  const scale = new Array<number>(8),
    minv = new Array<number>(8);
  const sc = new Array<number>(8),
    mn = new Array<number>(8);
  const q = new Uint8Array(QK_K);
  for (let b = 0; b < nb; b++) {
    const base = b * QK_K,
      o = b * blockBytes;
    let maxScale = 0,
      maxMin = 0;
    for (let j = 0; j < 8; j++) {
      let lo = 0,
        hi = -Infinity; // the min is never above zero, as in ggml
      for (let l = 0; l < 32; l++) {
        const v = x[base + 32 * j + l];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      scale[j] = Math.max(0, (hi - lo) / levels);
      minv[j] = -lo;
      maxScale = Math.max(maxScale, scale[j]);
      maxMin = Math.max(maxMin, minv[j]);
    }
    const d = putHalf(out, o, maxScale / 63);
    const dmin = putHalf(out, o + 2, maxMin / 63);
    for (let j = 0; j < 8; j++) {
      sc[j] = d > 0 ? clamp(roundAway(scale[j] / d), 0, 63) : 0;
      mn[j] = dmin > 0 ? clamp(roundAway(minv[j] / dmin), 0, 63) : 0;
    }
    packScaleMins(out, o + 4, sc, mn);
    for (let j = 0; j < 8; j++) {
      const s = Math.fround(d * sc[j]);
      const m = Math.fround(dmin * mn[j]);
      for (let l = 0; l < 32; l++) {
        const i = 32 * j + l;
        q[i] = s > 0 ? clamp(roundAway((x[base + i] + m) / s), 0, levels) : 0;
      }
    }
    // Sub-blocks 2k and 2k+1 share 32 bytes: low nibbles, then high nibbles; Q5_K's fifth bit of
    // element i lives in qh[i % 32], bit i / 32.
    const qsAt = levels === 15 ? o + 16 : o + 48;
    for (let k = 0; k < 4; k++) {
      for (let l = 0; l < 32; l++) {
        const lo = q[64 * k + l],
          hi = q[64 * k + 32 + l];
        out[qsAt + 32 * k + l] = (lo & 15) | ((hi & 15) << 4);
      }
    }
    if (levels === 31) {
      for (let i = 0; i < QK_K; i++) if (q[i] & 16) out[o + 16 + (i & 31)] |= 1 << (i >> 5);
    }
  }
  return out;
}

export function quantizeQ4_K(x: Float32Array): Uint8Array {
  return quantizeAffineK(x, 15);
}

export function quantizeQ5_K(x: Float32Array): Uint8Array {
  return quantizeAffineK(x, 31);
}

export function quantizeQ6_K(x: Float32Array): Uint8Array {
  const nb = x.length / QK_K;
  const out = new Uint8Array(nb * 210);
  const scale = new Array<number>(16);
  const q = new Uint8Array(QK_K);
  for (let b = 0; b < nb; b++) {
    const base = b * QK_K,
      o = b * 210;
    let maxAbsScale = 0;
    for (let j = 0; j < 16; j++) {
      // The signed extreme maps to −32, the end of the range with one more level (as in ggml).
      let amax = 0,
        mx = 0;
      for (let l = 0; l < 16; l++) {
        const v = x[base + 16 * j + l];
        if (Math.abs(v) > amax) {
          amax = Math.abs(v);
          mx = v;
        }
      }
      scale[j] = mx / -32;
      maxAbsScale = Math.max(maxAbsScale, Math.abs(scale[j]));
    }
    const d = putHalf(out, o + 208, maxAbsScale / 127);
    for (let j = 0; j < 16; j++) {
      const sc = d > 0 ? clamp(roundAway(scale[j] / d), -128, 127) : 0;
      out[o + 192 + j] = sc & 0xff;
      const s = Math.fround(d * sc);
      for (let l = 0; l < 16; l++) {
        const i = 16 * j + l;
        q[i] = (s !== 0 ? clamp(roundAway(x[base + i] / s), -32, 31) : 0) + 32;
      }
    }
    // Each half of 128: element 32·g + l (g = 0..3) puts its low 4 bits in ql[32·(g & 1) + l]
    // (low nibble for g < 2, high for g ≥ 2) and its top 2 bits in qh[l] at bits 2g, 2g+1.
    for (let h = 0; h < 2; h++) {
      for (let g = 0; g < 4; g++) {
        for (let l = 0; l < 32; l++) {
          const v = q[128 * h + 32 * g + l];
          out[o + 64 * h + 32 * (g & 1) + l] |= g < 2 ? v & 15 : (v & 15) << 4;
          out[o + 128 + 32 * h + l] |= (v >> 4) << (2 * g);
        }
      }
    }
  }
  return out;
}
