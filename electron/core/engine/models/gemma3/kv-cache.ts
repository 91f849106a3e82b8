// Keys and values of every position seen so far, per layer, for incremental decoding.
//   k[l], v[l]: [S, Hkv·Dh] (row j = position j); grows by doubling up to the context length.
import { roundArrayToF16 } from '../../gguf/half.ts';
import type { Gemma3Config } from './config.ts';

export class KvCache {
  /** positions stored (the next token's position) */
  length = 0;
  private capacity = 0;
  private k: Float32Array[] = [];
  private v: Float32Array[] = [];
  readonly rowSize: number;

  /** `f16`: store keys and values rounded to f16, as llama.cpp's default cache does. */
  constructor(
    readonly cfg: Gemma3Config,
    readonly f16 = false,
  ) {
    this.rowSize = cfg.kvHeads * cfg.headDim;
  }

  private reserve(n: number): void {
    if (n <= this.capacity) return;
    if (n > this.cfg.contextLength) {
      throw new RangeError(`sequence of ${n} tokens exceeds the model's context length ${this.cfg.contextLength}`);
    }
    const cap = Math.min(this.cfg.contextLength, Math.max(n, this.capacity * 2, 64));
    for (let l = 0; l < this.cfg.layers; l++) {
      const k = new Float32Array(cap * this.rowSize);
      const v = new Float32Array(cap * this.rowSize);
      if (this.k[l]) {
        k.set(this.k[l].subarray(0, this.length * this.rowSize));
        v.set(this.v[l].subarray(0, this.length * this.rowSize));
      }
      this.k[l] = k;
      this.v[l] = v;
    }
    this.capacity = cap;
  }

  /** Makes room for `T` more positions (call once per forward, before the layers write). */
  begin(T: number): void {
    this.reserve(this.length + T);
  }

  /** Writes rows for positions [length, length + T) of one layer. */
  write(layer: number, k: Float32Array, v: Float32Array, T: number): void {
    const o = this.length * this.rowSize;
    const kd = this.k[layer].subarray(o, o + T * this.rowSize);
    const vd = this.v[layer].subarray(o, o + T * this.rowSize);
    kd.set(k.subarray(0, T * this.rowSize));
    vd.set(v.subarray(0, T * this.rowSize));
    if (this.f16) {
      roundArrayToF16(kd);
      roundArrayToF16(vd);
    }
  }

  /** Marks T positions as stored (after every layer has written them). */
  commit(T: number): void {
    this.length += T;
  }

  keys(layer: number, S: number): Float32Array {
    return this.k[layer].subarray(0, S * this.rowSize);
  }
  values(layer: number, S: number): Float32Array {
    return this.v[layer].subarray(0, S * this.rowSize);
  }

  /** Forgets positions ≥ n (e.g. to re-run from a shared prefix). */
  truncate(n: number): void {
    this.length = Math.max(0, Math.min(this.length, n));
  }
}
