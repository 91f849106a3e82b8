// The engine's one thread pool: every kernel (forward matmuls, GELU, the backward's gemms) splits
// its output rows across worker threads plus the calling thread.
//
// Protocol over a shared Int32Array `ctrl`: pool-protocol.mjs. Every thread (the caller too)
// claims rows (guided claims that shrink towards the end) until none are left, so a thread that
// starts late or runs slow simply claims fewer. The caller then waits for DONE to reach the worker
// count. A worker that dies (an exception in a kernel, process.exit) marks FAILED
// from its 'exit' handler and bumps DONE, so the waiting call throws a PoolError naming it instead
// of waiting forever; the pool is unusable from then on.
// Synchronous waiting is fine here: the engine runs in its own worker/process, never on a UI thread.
// Packaging: the worker is `./worker.mjs` beside this file (a bundler must copy it beside the bundle).
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { hasRelaxedSimd, kernelModule, ROW_GRAIN, type KernelExports } from './wasm/kernels.ts';
import type { SharedHeap } from './heap.ts';
import {
  ARGS,
  ASLEEP,
  CHUNK,
  CTRL_WORDS,
  DONE,
  FAILED,
  GEN,
  GRAIN,
  KERNEL,
  NEXT,
  N_ROWS,
  SPIN,
  THREADS,
  claim,
  claimEnd,
} from './pool-protocol.mjs';

/**
 * The smallest claim is 1/(threads·CLAIMS_PER_THREAD) of a job: claims start at a quarter of what is
 * left per thread and shrink to that (guided scheduling), so the threads finish together even when
 * one starts late or is slowed by other work, at a few dozen claims per job.
 */
const CLAIMS_PER_THREAD = 32;
export type KernelName =
  'mm_f32' | 'mm_q8' | 'gelu' | 'gemm_nn' | 'gemm_tn' | 'gemm_nn_cols' | 'ce_lse' | 'ce_grad_t' | 'gelu_bwd' | 'gemm_tn_k';
/** Ids shared with worker.mjs. TEST_DIE makes a worker throw (the failure-detection test). */
const KERNEL_ID: Record<KernelName | 'test_die', number> = {
  mm_f32: 1,
  mm_q8: 2,
  gelu: 3,
  gemm_nn: 4,
  gemm_tn: 5,
  gemm_nn_cols: 6,
  ce_lse: 7,
  ce_grad_t: 8,
  gelu_bwd: 9,
  gemm_tn_k: 10,
  test_die: 99,
};
const FAIL_TEXT_BYTES = 1024;

export class PoolError extends Error {
  override name = 'PoolError';
}

export interface PoolOptions {
  /** threads including the caller (1 = no workers; default every core) */
  threads?: number;
  /** fused multiply-add kernels (default: when V8 has relaxed SIMD); false forces mul + add */
  fma?: boolean;
  /**
   * Jobs whose work (multiply-adds, or elements) is below this run on the calling thread alone
   * (default SERIAL_WORK; 0 splits every job, as the kernel tests do to exercise the split).
   */
  serialWork?: number;
}

/**
 * Below this much work a job is not worth waking a worker: a LoRA factor product (64 × 640 × 8 ≈
 * 0.3M multiply-adds) takes ~30 µs on one thread, a wake-up and join tens of µs on a quiet machine
 * and up to a scheduler slice on a busy one. A training step issued ~1,500 jobs, ~1,000 of them this small.
 */
export const SERIAL_WORK = 1 << 21;
/** Below this much work (≈ 2 ms on one thread) a job does not wake a sleeping worker (≈ 1–2 ms to wake here). */
export const WAKE_WORK = 32 << 20;

export class ThreadPool {
  readonly kernels: KernelExports;
  readonly fma: boolean;
  readonly serialWork: number;
  private readonly workers: Worker[] = [];
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL_WORDS));
  private readonly failText = new Uint8Array(new SharedArrayBuffer(FAIL_TEXT_BYTES));
  private disposed = false;
  private broken: PoolError | null = null;

  private constructor(
    readonly heap: SharedHeap,
    readonly threads: number,
    module: WebAssembly.Module,
    fma: boolean,
    serialWork: number,
  ) {
    this.fma = fma;
    this.serialWork = serialWork;
    this.kernels = new WebAssembly.Instance(module, { env: { memory: heap.memory } }).exports as unknown as KernelExports;
  }

  static async create(heap: SharedHeap, opts: PoolOptions = {}): Promise<ThreadPool> {
    const fma = opts.fma ?? hasRelaxedSimd();
    const module = kernelModule(fma);
    const threads = Math.max(1, Math.min(64, opts.threads ?? availableParallelism()));
    const pool = new ThreadPool(heap, threads, module, fma, opts.serialWork ?? SERIAL_WORK);
    const url = new URL('./worker.mjs', import.meta.url);
    const ready: Promise<void>[] = [];
    for (let w = 1; w < pool.threads; w++) {
      const worker = new Worker(url, {
        workerData: { module, memory: heap.memory, control: pool.ctrl.buffer, failText: pool.failText.buffer, index: w },
      });
      worker.unref();
      pool.workers.push(worker);
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        }),
      );
      // Reported later on the event loop; the pool has already marked itself broken through ctrl.
      worker.on('error', () => {});
    }
    await Promise.all(ready);
    return pool;
  }

  /**
   * Runs `kernel(args..., r0, r1)` over rows [0, N), shared out among the threads in multiples of
   * `grain`; `work` (multiply-adds or elements, default: a lot) below serialWork runs on this thread
   * alone. Every output row is computed the same way however the rows are shared out.
   */
  run(kernel: KernelName, args: number[], N: number, grain = ROW_GRAIN, work = Infinity): void {
    this.check();
    // a small job with a worker asleep: waking it takes longer than the job (the caller would wait for
    // it to wake just to find nothing left), so the caller runs it alone
    const asleep = work < WAKE_WORK && Atomics.load(this.ctrl, ASLEEP) > 0;
    if (this.threads === 1 || N <= grain || work < this.serialWork || asleep) {
      this.call(kernel, args, 0, N);
      return;
    }
    // Claims are whole kernel tiles (multiples of grain) so no claim splits a tile.
    const minChunk = Math.max(grain, Math.ceil(N / (this.threads * CLAIMS_PER_THREAD) / grain) * grain);
    this.start(KERNEL_ID[kernel], args, N, minChunk, grain);
    const c = this.ctrl;
    for (;;) {
      const n0 = claim(c);
      if (n0 < 0) break;
      this.call(kernel, args, n0, claimEnd(c, n0));
    }
    this.finish();
  }

  /** Test seam: makes one worker throw inside a job, as a crashing kernel would. */
  simulateWorkerFailure(): void {
    this.check();
    if (this.threads === 1) throw new PoolError('a one-thread pool has no workers');
    this.start(KERNEL_ID.test_die, [], 1, 1);
    this.finish();
  }

  private check(): void {
    if (this.disposed) throw new PoolError('thread pool is disposed');
    if (!this.broken && Atomics.load(this.ctrl, FAILED) !== 0) this.broken = this.failure(); // died while idle
    if (this.broken) throw this.broken;
  }

  private failure(): PoolError {
    const failed = Atomics.load(this.ctrl, FAILED);
    const text = new TextDecoder().decode(this.failText.slice()).replace(/\0+$/, '');
    return new PoolError(
      `kernel worker ${failed - 1} died${text ? `: ${text}` : ''}; the engine's thread pool is unusable (reload the model)`,
    );
  }

  private start(kernel: number, args: number[], N: number, minChunk: number, grain = minChunk): void {
    const c = this.ctrl;
    c[KERNEL] = kernel;
    for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i];
    c[N_ROWS] = N;
    c[CHUNK] = minChunk;
    c[GRAIN] = grain;
    c[THREADS] = this.threads;
    Atomics.store(c, NEXT, 0);
    Atomics.store(c, DONE, 0);
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
  }

  private finish(): void {
    const c = this.ctrl;
    const want = this.threads - 1;
    let spins = 0;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= want || Atomics.load(c, FAILED) !== 0) break;
      if (spins++ < SPIN) continue;
      Atomics.wait(c, DONE, done, 1000);
    }
    if (Atomics.load(c, FAILED) !== 0) throw (this.broken = this.failure());
  }

  private call(kernel: KernelName, a: number[], n0: number, n1: number): void {
    const k = this.kernels;
    switch (kernel) {
      case 'mm_f32':
        return k.mm_f32(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
      case 'mm_q8':
        return k.mm_q8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], n0, n1);
      case 'gelu':
        return k.gelu(a[0], n0, n1);
      case 'gemm_nn':
        return k.gemm_nn(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
      case 'gemm_tn':
        return k.gemm_tn(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
      case 'gemm_nn_cols':
        return k.gemm_nn_cols(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
      case 'ce_lse':
        return k.ce_lse(a[0], a[1], a[2], a[3], n0, n1);
      case 'ce_grad_t':
        return k.ce_grad_t(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
      case 'gelu_bwd':
        return k.gelu_bwd(a[0], a[1], a[2], a[3], a[4], n0, n1);
      case 'gemm_tn_k':
        return k.gemm_tn_k(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ctrl[KERNEL] = 0;
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
    for (const w of this.workers) void w.terminate();
  }
}
