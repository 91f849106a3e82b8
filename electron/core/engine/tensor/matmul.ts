// x·Wᵀ for the model: weights live in the shared heap in a kernel-friendly layout; activations are
// plain Float32Arrays copied in and out (a copy is O(T·K), the product O(T·K·N)), or a HeapArena's
// arrays, which the kernels read and write in place (training).
//
//   linear(W, x [T, K]) → y [T, N]
//
// Layouts in the heap:
//   'f32'   W f32 [N, K]                      (from F32, F16 and any other GGUF type, dequantized once)
//   'q8_0'  quants i8 [N, K] + scales f32 [N, K/32]   (GGUF Q8_0 blocks, split so SIMD loads are aligned)
// For Q8_0 the activations are quantized to Q8_0 first, as llama.cpp does, unless `q8Activations`
// is off: then the float path multiplies by a dequantized f32 copy of the matrix, made once on first
// use and kept (the backward reads the same copy), on the same SIMD kernels.
//
// The backward's products run on the same pool (gemm_nn / gemm_tn, see wasm/gemm.ts):
//   linearBackward(W, dY [T, N], x [T, K], dX, dW):  dX += dY·W,  dW += dYᵀ·x  (either may be null)
// Arrays that are views of the heap (weights, gradient buffers from allocFloats, arena arrays) are
// used in place; other operands are copied into scratch.
import { f16Table, f32ToF16 } from '../gguf/half.ts';
import { SharedHeap } from './heap.ts';
import { Q8_BLOCK, Q8_BLOCK_BYTES, quantizeRowsQ8, type WeightFormat } from './matmul-naive.ts';
import { ThreadPool } from './pool.ts';
import { gatedGeluBackward as gatedGeluBackwardScalar, geluTanh } from './ops/gelu.ts';
import { GEMM_COL_MULTIPLE } from './wasm/gemm.ts';
import { CE_SUM_BLOCK } from './wasm/kernels.ts';
import { linearBackwardReference } from './ops/linear.ts';

/** OUT ≥ WIDE_OUT·IN: dX goes through wideInputGrad (measured on the 270M head: ≈ 1.8× faster than gemm_nn). */
const WIDE_OUT = 8;
/** Rows of a wide W per slice of its input-gradient product (addWideProduct): 32 partials for 262,144 rows. */
const WIDE_SLICE = 8192;
/** Heap bytes for addWideProduct's partials. */
const wideProductBytes = (IN: number, OUT: number, Tp: number) => Math.ceil(OUT / WIDE_SLICE) * IN * Tp * 4;

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
  /** Fused multiply-add kernels (default: where V8 has relaxed SIMD); false forces mul + add. */
  fma?: boolean;
  /** Jobs with less work run on the calling thread (pool.ts SERIAL_WORK; 0: split every job). */
  serialWork?: number;
}

/** An operand of a kernel call (MatmulEngine.place): its array, its length, whether the kernel reads it. */
interface Operand {
  a: Float32Array | null;
  n: number;
  read: boolean;
  /** false: through scratch even when it is a heap view (the caller rewrites the copy) */
  inPlace?: boolean;
}

export class MatmulEngine {
  readonly heap: SharedHeap;
  /** Views of heap bytes handed out by view()/allocFloats(), so kernels use them in place. */
  private readonly heapPtr = new WeakMap<Float32Array, number>();
  /** Dequantized f32 copies of Q8_0 matrices (float activations, backward), by weight. */
  private readonly dequantized = new WeakMap<LinearWeight, LinearWeight>();

  private constructor(
    readonly pool: ThreadPool,
    readonly options: Required<MatmulOptions>,
  ) {
    this.heap = pool.heap;
  }

  static async create(options: MatmulOptions = {}): Promise<MatmulEngine> {
    const heap = new SharedHeap();
    const pool = await ThreadPool.create(heap, { threads: options.threads, fma: options.fma, serialWork: options.serialWork });
    return new MatmulEngine(pool, {
      threads: pool.threads,
      serialWork: pool.serialWork,
      q8Activations: options.q8Activations ?? true,
      f16Activations: options.f16Activations ?? false,
      fma: pool.fma,
    });
  }

  /** A Float32Array over heap bytes [ptr, ptr + 4n), remembered so kernels read and write it in place. */
  view(ptr: number, n: number): Float32Array {
    const v = this.heap.f32(ptr, n);
    this.heapPtr.set(v, ptr);
    return v;
  }

  /** A permanent zeroed float buffer in the heap (gradients, adapters): kernels use it without copies. */
  allocFloats(n: number): Float32Array {
    const v = this.view(this.heap.alloc(n * 4), n);
    v.fill(0);
    return v;
  }

  /** A bump allocator of heap arrays for one computation at a time (see HeapArena). */
  arena(): HeapArena {
    return new HeapArena(this);
  }

  /** The f32 values of a weight as a heap view: itself (f32 layout) or its dequantized copy (Q8_0, made once). */
  floatMatrix(w: LinearWeight): Float32Array {
    return this.view(this.asF32(w).ptr, w.rows * w.cols);
  }

  private asF32(w: LinearWeight): LinearWeight {
    if (w.layout === 'f32') return w;
    let d = this.dequantized.get(w);
    if (!d) {
      d = { layout: 'f32', source: w.source, rows: w.rows, cols: w.cols, ptr: this.heap.alloc(w.rows * w.cols * 4), scalesPtr: 0 };
      const row = new Float32Array(w.cols);
      for (let r = 0; r < w.rows; r++) this.heap.f32(d.ptr + r * w.cols * 4, w.cols).set(this.row(w, r, row));
      this.dequantized.set(w, d);
    }
    return d;
  }

  /** Reserves heap space for a weight matrix; fill it with writeRows. */
  allocate(source: string, rows: number, cols: number, layout: 'f32' | 'q8_0'): LinearWeight {
    if (layout === 'q8_0') {
      if (cols % Q8_BLOCK !== 0) throw new Error(`Q8_0 matrix with ${cols} columns (not a multiple of 32)`);
      const ptr = this.heap.alloc(rows * cols);
      const scalesPtr = this.heap.alloc(((rows * cols) / Q8_BLOCK) * 4);
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
    // once a Q8_0 matrix has its float copy, that copy is the matrix (the same values; edits to it count)
    w = this.dequantized.get(w) ?? w;
    if (w.layout === 'f32') {
      out.set(this.heap.f32(w.ptr + r * K * 4, K));
      return out;
    }
    const q = new Int8Array(this.heap.memory.buffer, w.ptr + r * K, K);
    const d = this.heap.f32(w.scalesPtr + ((r * K) / Q8_BLOCK) * 4, K / Q8_BLOCK);
    for (let k = 0; k < K; k++) out[k] = q[k] * d[k >> 5];
    return out;
  }

  /**
   * Heap pointers for a kernel call's operands: a heap view (a weight, an arena's array) is used in
   * place; any other array gets scratch, holding a copy when the kernel reads it. Scratch for every
   * operand not in the heap and for the `extra` sizes comes from one heap.scratch call (valid until
   * the next). A null operand gets no space. copyBack(i, …) copies what the kernel wrote into the
   * scratch of operand i back into its array (nothing to do for a heap view).
   */
  private place(
    ops: readonly Operand[],
    extra: readonly number[] = [],
  ): { ptr: number[]; extra: number[]; copyBack: (...which: number[]) => void } {
    const heap = this.heap;
    const own = ops.map((o) => (o.a && o.inPlace !== false ? this.heapPtr.get(o.a) : undefined));
    const ptrs = heap.scratch([...ops.map((o, i) => (o.a && own[i] === undefined ? o.n * 4 : 0)), ...extra]);
    const ptr = ops.map((_, i) => own[i] ?? ptrs[i]);
    ops.forEach((o, i) => {
      if (o.a && o.read && own[i] === undefined) heap.f32(ptr[i], o.n).set(o.a.subarray(0, o.n));
    });
    const copyBack = (...which: number[]) => {
      for (const i of which) {
        const a = ops[i].a;
        if (a && own[i] === undefined) a.set(heap.f32(ptr[i], ops[i].n));
      }
    };
    return { ptr, extra: ptrs.slice(ops.length), copyBack };
  }

  /** y = x · Wᵀ.  x [T, K] → y [T, N]. */
  linear(w: LinearWeight, x: Float32Array, T: number, out: Float32Array = new Float32Array(T * w.rows)): Float32Array {
    const { rows: N, cols: K } = w;
    if (x.length < T * K) throw new Error(`linear: input has ${x.length} values, expected ${T}×${K}`);
    const heap = this.heap;
    // a few rows (decoding: one) stream all of W from memory at a few multiply-adds per weight, which
    // two threads still speed up: such a product counts as if it had 8 rows when choosing to split
    const work = K * N * Math.max(T, 8);
    if (w.layout === 'q8_0' && this.options.q8Activations) {
      const nb = K / Q8_BLOCK;
      const {
        ptr: [y],
        extra: [xq, xd],
        copyBack,
      } = this.place([{ a: out, n: T * N, read: false }], [T * K * 2, T * nb * 4]);
      quantizeRowsQ8(x, T, K, heap.i16(xq, T * K), heap.f32(xd, T * nb));
      this.pool.run('mm_q8', [xq, xd, w.ptr, w.scalesPtr, y, T, K, N], N, undefined, work);
      copyBack(0);
      return out;
    }
    if (w.layout === 'q8_0') return this.linear(this.asF32(w), x, T, out);
    const roundF16 = this.options.f16Activations && w.source === 'F16';
    // x goes through scratch when it is rounded there (the caller's array stays as it is)
    const {
      ptr: [xp, y],
      copyBack,
    } = this.place([
      { a: x, n: T * K, read: true, inPlace: !roundF16 },
      { a: out, n: T * N, read: false },
    ]);
    const xs = heap.f32(xp, T * K);
    if (roundF16) {
      const half = f16Table();
      for (let i = 0; i < xs.length; i++) xs[i] = half[f32ToF16(xs[i])];
    }
    if (K % 8 === 0) {
      this.pool.run('mm_f32', [xp, w.ptr, y, T, K, N], N, undefined, work);
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
    copyBack(1);
    return out;
  }

  /**
   * out = a · bᵀ for two activation matrices (attention scores and mixing).
   *   a [M, K], b [N, K] → out [M, N]. K is zero-padded to a multiple of 8 for the SIMD kernel.
   */
  gemm(a: Float32Array, M: number, b: Float32Array, N: number, K: number, out: Float32Array = new Float32Array(M * N)): Float32Array {
    const Kp = Math.ceil(K / 8) * 8;
    const padded = Kp !== K;
    const heap = this.heap;
    // a heap view (an arena's activations) is read in place unless it needs padding
    const {
      ptr: [ap],
      extra: [bp, y],
    } = this.place([{ a, n: M * Kp, read: !padded, inPlace: !padded }], [N * Kp * 4, M * N * 4]);
    const as = heap.f32(ap, M * Kp);
    const bs = heap.f32(bp, N * Kp);
    if (!padded) {
      bs.set(b.subarray(0, N * K));
    } else {
      as.fill(0);
      bs.fill(0);
      for (let m = 0; m < M; m++) as.set(a.subarray(m * K, m * K + K), m * Kp);
      for (let n = 0; n < N; n++) bs.set(b.subarray(n * K, n * K + K), n * Kp);
    }
    this.pool.run('mm_f32', [ap, bp, y, M, Kp, N], N, undefined, M * Kp * N);
    out.set(heap.f32(y, M * N));
    return out;
  }

  /**
   * out [M, N] += scale · a [M, K] · b [N, K]ᵀ (a LoRA adapter's y += s·B(A·x)) as C += A·B on
   * gemm_nn with A = s·a and B = bᵀ, both small copies (K is the rank): the [M, N] sum is added by
   * the kernel, into `out` in place when it is a heap view (an arena's), without a [M, N] product array.
   */
  gemmAdd(a: Float32Array, M: number, b: Float32Array, N: number, K: number, out: Float32Array, scale: number): void {
    const heap = this.heap;
    if (N % GEMM_COL_MULTIPLE !== 0) {
      const z = this.gemm(a, M, b, N, K);
      for (let i = 0; i < M * N; i++) out[i] += scale * z[i];
      return;
    }
    const {
      ptr: [cP],
      extra: [aP, bP],
      copyBack,
    } = this.place([{ a: out, n: M * N, read: true }], [M * K * 4, K * N * 4]);
    const as = heap.f32(aP, M * K);
    for (let i = 0; i < M * K; i++) as[i] = scale * a[i];
    const bt = heap.f32(bP, K * N);
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) bt[k * N + n] = b[n * K + k];
    this.pool.run('gemm_nn', [aP, bP, cP, M, K, N], M, undefined, M * K * N);
    copyBack(0);
  }

  /** GELU-tanh of x[0, n) in place, on every thread (SIMD exp; within ~1 ulp of geluTanhScalar). */
  gelu(x: Float32Array, n = x.length): void {
    const n4 = n - (n % 4);
    if (n4 > 0) {
      const {
        ptr: [p],
        copyBack,
      } = this.place([{ a: x, n: n4, read: true }]);
      this.pool.run('gelu', [p], n4);
      copyBack(0);
    }
    if (n4 < n) geluTanh(x.subarray(n4, n), n - n4);
  }

  /**
   * The backward of y = x·Wᵀ: dX [T, K] += dY [T, N] · W and dW [N, K] += dYᵀ · x, either skipped
   * when null (a frozen weight gets no dW). Q8_0 weights are read through their dequantized copy.
   */
  linearBackward(w: LinearWeight, dy: Float32Array, x: Float32Array, T: number, dx: Float32Array | null, dw: Float32Array | null): void {
    this.gemmBackward(dx, dw, dy, x, this.floatMatrix(w), T, w.cols, w.rows);
  }

  /**
   * Backward products for any operand matrix b [N, K] (attention: a head's K or V):
   *   da [M, K] += dy [M, N] · b   and   db [N, K] += dyᵀ · a  (either null).
   */
  productBackward(
    da: Float32Array | null,
    db: Float32Array | null,
    dy: Float32Array,
    a: Float32Array,
    b: Float32Array,
    M: number,
    K: number,
    N: number,
  ): void {
    this.gemmBackward(da, db, dy, a, b, M, K, N);
  }

  private gemmBackward(
    dx: Float32Array | null,
    dw: Float32Array | null,
    dy: Float32Array,
    x: Float32Array,
    w: Float32Array,
    T: number,
    IN: number,
    OUT: number,
  ): void {
    if (IN % GEMM_COL_MULTIPLE !== 0) {
      linearBackwardReference(dx, dw, dy, x, w, T, IN, OUT); // inner sizes the SIMD gemm does not take
      return;
    }
    const wIn = this.heapPtr.get(w);
    if (dx && wIn !== undefined && OUT >= WIDE_OUT * IN) {
      this.wideInputGrad(dx, dy, wIn, T, IN, OUT);
      if (!dw) return;
      dx = null;
    }
    const {
      ptr: [dyP, wP, dxP, xP, dwP],
      copyBack,
    } = this.place([
      { a: dy, n: T * OUT, read: true },
      { a: w, n: OUT * IN, read: true },
      { a: dx, n: T * IN, read: true },
      { a: dw ? x : null, n: T * IN, read: true },
      { a: dw, n: OUT * IN, read: true },
    ]);
    if (dx) {
      // few rows (a training example's tokens) against a wide W: split W's columns, so each thread
      // streams only its slab of W once (a row split streams all of W once per claim of 4 rows)
      const work = T * OUT * IN;
      if (IN >= T) this.pool.run('gemm_nn_cols', [dyP, wP, dxP, T, OUT, IN], IN, GEMM_COL_MULTIPLE, work);
      else this.pool.run('gemm_nn', [dyP, wP, dxP, T, OUT, IN], T, undefined, work);
      copyBack(2);
    }
    if (dw) {
      this.pool.run('gemm_tn', [dyP, xP, dwP, OUT, T, IN], OUT, undefined, OUT * T * IN);
      copyBack(4);
    }
  }

  /**
   * dX [T, IN] += dY [T, OUT] · W [OUT, IN] for a wide W in the heap (the tied head: V × D) as
   * dXᵀ = Wᵀ·dYᵀ (addWideProduct), which the row-split gemm_nn, fed only T rows, does at a fraction
   * of the speed.
   */
  private wideInputGrad(dx: Float32Array, dy: Float32Array, wP: number, T: number, IN: number, OUT: number): void {
    this.wideInputGradAt(wP, T, IN, OUT, dx, (dyT, Tp) => {
      // blocked over OUT so the columns being written stay in cache
      for (let o0 = 0; o0 < OUT; o0 += 1024) {
        const o1 = Math.min(OUT, o0 + 1024);
        for (let t = 0; t < T; t++) {
          const row = t * OUT;
          for (let o = o0; o < o1; o++) dyT[o * Tp + t] = dy[row + o];
        }
      }
    });
  }

  /**
   * dX [T, IN] += dY·W for a wide weight (OUT ≫ IN, the tied head), where `fillT` writes dYᵀ
   * [OUT, Tp] (Tp = T rounded up to a multiple of 8; the padding columns are zero) straight into the
   * heap: a fused loss backward hands its gradient over without ever forming dY [T, OUT].
   */
  wideInputGradFilled(w: LinearWeight, T: number, dx: Float32Array, fillT: (dyT: Float32Array, Tp: number) => void): void {
    const wf = this.asF32(w);
    if (w.cols % GEMM_COL_MULTIPLE !== 0)
      throw new Error(`wideInputGradFilled: ${w.cols} columns (not a multiple of ${GEMM_COL_MULTIPLE})`);
    this.wideInputGradAt(wf.ptr, T, w.cols, w.rows, dx, fillT);
  }

  private wideInputGradAt(
    wP: number,
    T: number,
    IN: number,
    OUT: number,
    dx: Float32Array,
    fillT: (dyT: Float32Array, Tp: number) => void,
  ): void {
    const Tp = Math.ceil(T / GEMM_COL_MULTIPLE) * GEMM_COL_MULTIPLE;
    const heap = this.heap;
    const [dyTP, partsP] = heap.scratch([OUT * Tp * 4, wideProductBytes(IN, OUT, Tp)]);
    const dyT = heap.f32(dyTP, OUT * Tp);
    if (Tp !== T) dyT.fill(0);
    fillT(dyT, Tp);
    this.addWideProduct(wP, dyTP, partsP, T, Tp, IN, OUT, dx);
  }

  /**
   * dX [T, IN] += (Wᵀ·dYᵀ)ᵀ for a wide W [OUT, IN] in the heap and dYᵀ [OUT, Tp] in the heap, on
   * gemm_tn split over OUT (wasm/gemm.ts, split 'k'): each thread streams its slices of W's rows
   * once, front to back, and each slice of WIDE_SLICE rows adds into its own [IN, Tp] partial at
   * `partsP` (wideProductBytes), summed here in slice order, so the result does not depend on the
   * thread count. (A split over IN made every claim read all of W's rows in 160-byte pieces: the
   * 270M head's input gradient ran at about half the forward's speed.)
   */
  private addWideProduct(wP: number, dyTP: number, partsP: number, T: number, Tp: number, IN: number, OUT: number, dx: Float32Array): void {
    const slices = Math.ceil(OUT / WIDE_SLICE);
    const part = IN * Tp;
    const parts = this.heap.f32(partsP, slices * part);
    parts.fill(0);
    this.pool.run('gemm_tn_k', [wP, dyTP, partsP, IN, WIDE_SLICE, Tp], OUT, WIDE_SLICE, IN * OUT * Tp);
    for (let i = 0; i < IN; i++) {
      for (let t = 0; t < T; t++) {
        let sum = 0;
        for (let s = 0, o = i * Tp + t; s < slices; s++, o += part) sum += parts[o];
        dx[t * IN + i] += sum;
      }
    }
  }

  /**
   * The gated GELU's backward (ops/gelu.ts gatedGeluBackward) on every thread with the SIMD exp:
   * ADDS dL/dgate and dL/dup for n entries (within ~1e-6 relative of the float64 formula).
   */
  gatedGeluBackward(dgate: Float32Array, dup: Float32Array, dh: Float32Array, gate: Float32Array, up: Float32Array, n: number): void {
    const n4 = n - (n % 4);
    if (n4 > 0) {
      const { ptr, copyBack } = this.place([dgate, dup, dh, gate, up].map((a) => ({ a, n: n4, read: true })));
      this.pool.run('gelu_bwd', ptr, n4, 4);
      copyBack(0, 1);
    }
    if (n4 < n)
      gatedGeluBackwardScalar(
        dgate.subarray(n4, n),
        dup.subarray(n4, n),
        dh.subarray(n4, n),
        gate.subarray(n4, n),
        up.subarray(n4, n),
        n - n4,
      );
  }

  /**
   * Each row's log-sum-exp of z [P, V] (V % 4 == 0) on the pool's threads with the SIMD exp (relative
   * error < 2e-7 per term, partial sums added in float64): the cross-entropy's forward over 262,144
   * columns without a scalar exp per logit.
   */
  logSumExpRows(z: Float32Array, P: number, V: number, lse: Float64Array = new Float64Array(P)): Float64Array {
    if (V % 4 !== 0) throw new Error(`logSumExpRows: ${V} columns (not a multiple of 4)`);
    const nb = Math.ceil(V / CE_SUM_BLOCK);
    const heap = this.heap;
    const {
      ptr: [zP],
      extra: [mxP, partP],
    } = this.place([{ a: z, n: P * V, read: true }], [P * 4, P * nb * 4]);
    this.pool.run('ce_lse', [zP, V, mxP, partP], P, 1);
    const mx = heap.f32(mxP, P),
      part = heap.f32(partP, P * nb);
    for (let p = 0; p < P; p++) {
      let sum = 0;
      for (let b = 0; b < nb; b++) sum += part[p * nb + b];
      lse[p] = mx[p] + Math.log(sum);
    }
    return lse;
  }

  /**
   * The tied head's input gradient fused with the softmax cross-entropy's backward (no soft-cap):
   * dX [P, IN] += dZ·W with dZ[p, i] = w_p·(softmax(z_p)_i − [i = target_p]) written transposed
   * straight into the heap by the SIMD kernel (ce_grad_t) and multiplied on gemm_tn: the [P, V]
   * gradient is never formed in JS. lse from crossEntropyForward or logSumExpRows.
   */
  crossEntropyHeadInputGrad(
    w: LinearWeight,
    z: Float32Array,
    lse: Float64Array,
    targets: ArrayLike<number>,
    weights: ArrayLike<number>,
    P: number,
    dx: Float32Array,
  ): void {
    const wf = this.asF32(w);
    const { rows: V, cols: IN } = w;
    if (V % 4 !== 0 || IN % GEMM_COL_MULTIPLE !== 0) throw new Error(`crossEntropyHeadInputGrad: a [${V}, ${IN}] head`);
    const Pp = Math.ceil(P / GEMM_COL_MULTIPLE) * GEMM_COL_MULTIPLE;
    const heap = this.heap;
    const {
      ptr: [zP],
      extra: [coefP, dzTP, partsP],
    } = this.place([{ a: z, n: P * V, read: true }], [P * 8, V * Pp * 4, wideProductBytes(IN, V, Pp)]);
    const coef = heap.f32(coefP, 2 * P);
    for (let p = 0; p < P; p++) {
      coef[2 * p] = lse[p];
      coef[2 * p + 1] = weights[p];
    }
    const dzT = heap.f32(dzTP, V * Pp);
    if (Pp !== P) dzT.fill(0);
    this.pool.run('ce_grad_t', [zP, coefP, dzTP, V, Pp, P], V, 4);
    for (let p = 0; p < P; p++) dzT[targets[p] * Pp + p] -= weights[p];
    this.addWideProduct(wf.ptr, dzTP, partsP, P, Pp, IN, V, dx);
  }

  get weightBytes(): number {
    return this.heap.bytesUsed;
  }

  dispose(): void {
    this.pool.dispose();
  }
}

/**
 * Float arrays in the shared heap for one computation at a time (a training pack's activations and
 * gradients): the kernels read and write them in place, where other arrays are copied into scratch
 * and back, and they are never garbage. reset() takes them all back (their contents are then
 * undefined). The region is allocated once and grown at a reset when a computation needed more (that
 * one got plain arrays for the overflow): in place while nothing was allocated after it, else anew
 * (the heap never frees, so the old region then stays unused).
 */
export class HeapArena {
  private region = 0;
  private capacity = 0;
  private used = 0;
  private wanted = 0;

  constructor(private readonly engine: MatmulEngine) {}

  /**
   * n floats, valid until the next reset(): zeroed, or with whatever an earlier computation left
   * there when `zero` is false (for an output every value of which is written before it is read).
   */
  floats(n: number, zero = true): Float32Array {
    const size = Math.ceil(n / 16) * 16; // 64-byte aligned starts
    this.wanted += size;
    if (this.used + size > this.capacity) return new Float32Array(n);
    const v = this.engine.view(this.region + this.used * 4, n);
    this.used += size;
    if (zero) v.fill(0);
    return v;
  }

  /** Takes every array back; grows the region if the last computation overflowed it. */
  reset(): void {
    if (this.wanted > this.capacity) {
      const floats = Math.ceil((this.wanted * 1.25) / 16) * 16;
      this.region = this.engine.heap.grow(this.region, this.capacity * 4, floats * 4);
      this.capacity = floats;
    }
    this.used = 0;
    this.wanted = 0;
  }
}

export type { WeightFormat };
