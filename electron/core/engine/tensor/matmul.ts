// x·Wᵀ for the model: weights live in the shared heap in a kernel-friendly layout, activations are
// plain Float32Arrays copied in and out (a copy is O(T·K), the product O(T·K·N)).
//
//   linear(W, x [T, K]) → y [T, N]
//
// Layouts in the heap:
//   'f32'   W f32 [N, K]                      (from F32, F16 and any other GGUF type, dequantized once)
//   'q8_0'  quants i8 [N, K] + scales f32 [N, K/32]   (GGUF Q8_0 blocks, split so SIMD loads are aligned)
// For Q8_0 the activations are quantized to Q8_0 first, as llama.cpp does, unless `q8Activations`
// is off, in which case a float path runs (slower, exactly differentiable).
import { f16Table, f32ToF16 } from './f16.ts';
import { SharedHeap } from './heap.ts';
import { Q8_BLOCK, Q8_BLOCK_BYTES, quantizeRowsQ8, type WeightFormat } from './matmul-naive.ts';
import { ThreadPool } from './pool.ts';
import { geluTanh } from './ops.ts';

export interface LinearWeight {
  readonly layout: 'f32' | 'q8_0';
  /** Format in the file, for reports and for llama.cpp-style input rounding of F16 matmuls. */
  readonly source: string;
  readonly rows: number; // N
  readonly cols: number; // K
  readonly ptr: number; // f32 data or int8 quants
  readonly scalesPtr: number; // q8_0 only
}

export interface MatmulOptions {
  /** Threads including the caller (default: every core). */
  threads?: number;
  /** Quantize activations before Q8_0 matmuls like llama.cpp (default true). */
  q8Activations?: boolean;
  /** Round activations to f16 before matmuls with F16 weights, like llama.cpp (default false). */
  f16Activations?: boolean;
}

export class MatmulEngine {
  readonly heap: SharedHeap;
  private constructor(
    private readonly pool: ThreadPool,
    readonly options: Required<MatmulOptions>,
  ) {
    this.heap = pool.heap;
  }

  static async create(options: MatmulOptions = {}): Promise<MatmulEngine> {
    const heap = new SharedHeap();
    const pool = await ThreadPool.create(heap, options.threads);
    return new MatmulEngine(pool, {
      threads: pool.threads,
      q8Activations: options.q8Activations ?? true,
      f16Activations: options.f16Activations ?? false,
    });
  }

  /** Reserves heap space for a weight matrix; fill it with writeRows. */
  allocate(source: string, rows: number, cols: number, layout: 'f32' | 'q8_0'): LinearWeight {
    if (layout === 'q8_0') {
      if (cols % Q8_BLOCK !== 0) throw new Error(`Q8_0 matrix with ${cols} columns (not a multiple of 32)`);
      const ptr = this.heap.alloc(rows * cols);
      const scalesPtr = this.heap.alloc((rows * cols) / Q8_BLOCK * 4);
      return { layout, source, rows, cols, ptr, scalesPtr };
    }
    return { layout, source, rows, cols, ptr: this.heap.alloc(rows * cols * 4), scalesPtr: 0 };
  }

  /** Writes rows [r0, r0 + count) from floats (f32 layout only). */
  writeRowsF32(w: LinearWeight, r0: number, values: Float32Array): void {
    if (w.layout !== 'f32') throw new Error('writeRowsF32 on a quantized matrix');
    this.heap.f32(w.ptr + r0 * w.cols * 4, values.length).set(values);
  }

  /** Writes rows from GGUF Q8_0 blocks (34 bytes each: f16 scale, 32 int8). */
  writeRowsQ8(w: LinearWeight, r0: number, blocks: Uint8Array): void {
    const nBlocks = blocks.length / Q8_BLOCK_BYTES;
    const quants = this.heap.u8(w.ptr + r0 * w.cols, nBlocks * Q8_BLOCK);
    const scales = this.heap.f32(w.scalesPtr + ((r0 * w.cols) / Q8_BLOCK) * 4, nBlocks);
    const half = f16Table();
    for (let b = 0; b < nBlocks; b++) {
      const o = b * Q8_BLOCK_BYTES;
      scales[b] = half[blocks[o] | (blocks[o + 1] << 8)];
      quants.set(blocks.subarray(o + 2, o + Q8_BLOCK_BYTES), b * Q8_BLOCK);
    }
  }

  /** Row r of W as floats (embedding lookup from the tied table). */
  row(w: LinearWeight, r: number, out: Float32Array): Float32Array {
    const K = w.cols;
    if (w.layout === 'f32') {
      out.set(this.heap.f32(w.ptr + r * K * 4, K));
      return out;
    }
    const q = new Int8Array(this.heap.memory.buffer, w.ptr + r * K, K);
    const d = this.heap.f32(w.scalesPtr + (r * K) / Q8_BLOCK * 4, K / Q8_BLOCK);
    for (let k = 0; k < K; k++) out[k] = q[k] * d[k >> 5];
    return out;
  }

  /** y = x · Wᵀ.  x [T, K] → y [T, N]. */
  linear(w: LinearWeight, x: Float32Array, T: number, out: Float32Array = new Float32Array(T * w.rows)): Float32Array {
    const { rows: N, cols: K } = w;
    if (x.length < T * K) throw new Error(`linear: input has ${x.length} values, expected ${T}×${K}`);
    const heap = this.heap;
    if (w.layout === 'q8_0' && this.options.q8Activations) {
      const nb = K / Q8_BLOCK;
      const [xq, xd, y] = heap.scratch([T * K * 2, T * nb * 4, T * N * 4]);
      quantizeRowsQ8(x, T, K, heap.i16(xq, T * K), heap.f32(xd, T * nb));
      this.pool.run('mm_q8', [xq, xd, w.ptr, w.scalesPtr, y, T, K, N], N);
      out.set(heap.f32(y, T * N));
      return out;
    }
    if (w.layout === 'q8_0') return this.linearQ8Float(w, x, T, out);
    const [xp, y] = heap.scratch([T * K * 4, T * N * 4]);
    const xs = heap.f32(xp, T * K);
    xs.set(x.subarray(0, T * K));
    if (this.options.f16Activations && w.source === 'F16') {
      const half = f16Table();
      for (let i = 0; i < xs.length; i++) xs[i] = half[f32ToF16(xs[i])];
    }
    if (K % 8 === 0) {
      this.pool.run('mm_f32', [xp, w.ptr, y, T, K, N], N);
    } else {
      const W = heap.f32(w.ptr, N * K);
      const ys = heap.f32(y, T * N);
      for (let n = 0; n < N; n++) {
        for (let t = 0; t < T; t++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += xs[t * K + k] * W[n * K + k];
          ys[t * N + n] = s;
        }
      }
    }
    out.set(heap.f32(y, T * N));
    return out;
  }

  /**
   * out = a · bᵀ for two activation matrices (attention scores and mixing).
   *   a [M, K], b [N, K] → out [M, N]. K is zero-padded to a multiple of 8 for the SIMD kernel.
   */
  gemm(a: Float32Array, M: number, b: Float32Array, N: number, K: number, out: Float32Array = new Float32Array(M * N)): Float32Array {
    const Kp = Math.ceil(K / 8) * 8;
    const heap = this.heap;
    const [ap, bp, y] = heap.scratch([M * Kp * 4, N * Kp * 4, M * N * 4]);
    const as = heap.f32(ap, M * Kp);
    const bs = heap.f32(bp, N * Kp);
    if (Kp === K) {
      as.set(a.subarray(0, M * K));
      bs.set(b.subarray(0, N * K));
    } else {
      as.fill(0);
      bs.fill(0);
      for (let m = 0; m < M; m++) as.set(a.subarray(m * K, m * K + K), m * Kp);
      for (let n = 0; n < N; n++) bs.set(b.subarray(n * K, n * K + K), n * Kp);
    }
    this.pool.run('mm_f32', [ap, bp, y, M, Kp, N], N);
    out.set(heap.f32(y, M * N));
    return out;
  }

  /** GELU-tanh of x[0, n) in place, on every thread (SIMD exp; within ~1 ulp of geluTanhScalar). */
  gelu(x: Float32Array, n = x.length): void {
    const n4 = n - (n % 4);
    if (n4 > 0) {
      const [p] = this.heap.scratch([n4 * 4]);
      const v = this.heap.f32(p, n4);
      v.set(x.subarray(0, n4));
      this.pool.run('gelu', [p], n4);
      x.set(v);
    }
    if (n4 < n) geluTanh(x.subarray(n4, n), n - n4);
  }

  // Float activations against dequantized Q8_0 rows (the exact-arithmetic path).
  private linearQ8Float(w: LinearWeight, x: Float32Array, T: number, out: Float32Array): Float32Array {
    const { rows: N, cols: K } = w;
    const row = new Float32Array(K);
    for (let n = 0; n < N; n++) {
      this.row(w, n, row);
      for (let t = 0; t < T; t++) {
        let s = 0;
        const xo = t * K;
        for (let k = 0; k < K; k++) s += x[xo + k] * row[k];
        out[t * N + n] = s;
      }
    }
    return out;
  }

  get weightBytes(): number {
    return this.heap.bytesUsed;
  }

  dispose(): void {
    this.pool.dispose();
  }
}

export type { WeightFormat };
