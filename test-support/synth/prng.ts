// Deterministic pseudo-random numbers for model weights. Each tensor gets its own stream, seeded from
// (model seed, tensor name), so a tensor's values do not depend on generation order and the F32, F16
// and Q8_0 variants of a model are encodings of the very same floats.

/** 32-bit FNV-1a of a string: a stable stream id per tensor name. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, and good enough for weights (not for cryptography). */
export class Rng {
  private state: number;

  constructor(seed: number, stream = 0) {
    this.state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream, 0xc2b2ae35)) >>> 0;
  }

  static forTensor(seed: number, name: string): Rng {
    return new Rng(seed, hashString(name));
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /**
   * Fills `out` with uniform values of mean `mean` and standard deviation `std`
   * (uniform on [mean - √3·std, mean + √3·std]). Inlined loop: this runs 268M times for the 270M model.
   */
  fillUniform(out: Float32Array, std: number, mean = 0): Float32Array {
    const span = 2 * Math.sqrt(3) * std;
    const lo = mean - span / 2;
    let s = this.state;
    for (let i = 0; i < out.length; i++) {
      let t = (s = (s + 0x6d2b79f5) | 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      out[i] = lo + span * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
    }
    this.state = s;
    return out;
  }
}
