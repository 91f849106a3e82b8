// Splits each matmul's output rows across worker threads plus the calling thread.
//
// Protocol over a shared Int32Array `ctrl`:
//   ctrl[GEN]     job counter; bumping it (and notifying) starts a job
//   ctrl[DONE]    workers that finished the current job
//   ctrl[KERNEL]  1 = mm_f32, 2 = mm_q8, 3 = gelu, 0 = exit
//   ctrl[ARGS..]  the kernel's arguments (byte offsets and sizes), minus the row range
//   ctrl[NEXT]    next unclaimed output row; ctrl[N_ROWS] rows in all; ctrl[CHUNK] rows per claim
// Every thread (the caller too) claims chunks of rows with an atomic add until none are left, so a
// thread that starts late or runs slow simply claims fewer. The caller then waits for DONE to
// reach the worker count.
// Synchronous waiting is fine here: the engine runs in its own worker/process, never on a UI thread.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { kernelModule, ROW_GRAIN, type KernelExports } from './wasm/kernels.ts';
import type { SharedHeap } from './heap.ts';

const GEN = 0, DONE = 1, KERNEL = 2, NEXT = 3, ARGS = 4, N_ROWS = 20, CHUNK = 21;
/** Claims per thread and job: enough to even out a late start, few enough to keep claims cheap. */
const CLAIMS_PER_THREAD = 8;
export type KernelName = 'mm_f32' | 'mm_q8' | 'gelu';
const KERNEL_ID: Record<KernelName, number> = { mm_f32: 1, mm_q8: 2, gelu: 3 };
const SPIN = 20000;

export class ThreadPool {
  readonly kernels: KernelExports;
  private readonly workers: Worker[] = [];
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * 32));
  private disposed = false;

  private constructor(
    readonly heap: SharedHeap,
    readonly threads: number,
  ) {
    this.kernels = new WebAssembly.Instance(kernelModule(), { env: { memory: heap.memory } }).exports as unknown as KernelExports;
  }

  /** `threads` counts the caller too: 1 means no workers. Default: every core. */
  static async create(heap: SharedHeap, threads = availableParallelism()): Promise<ThreadPool> {
    const pool = new ThreadPool(heap, Math.max(1, Math.min(64, threads)));
    const url = new URL('./worker.mjs', import.meta.url);
    const ready: Promise<void>[] = [];
    for (let w = 1; w < pool.threads; w++) {
      const worker = new Worker(url, {
        workerData: { module: kernelModule(), memory: heap.memory, control: pool.ctrl.buffer },
      });
      worker.unref();
      pool.workers.push(worker);
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
        }),
      );
    }
    await Promise.all(ready);
    return pool;
  }

  /** Runs `kernel(args..., n0, n1)` over rows [0, N), shared out among the threads. */
  run(kernel: KernelName, args: number[], N: number): void {
    if (this.disposed) throw new Error('thread pool is disposed');
    if (this.threads === 1 || N <= ROW_GRAIN) {
      this.call(kernel, args, 0, N);
      return;
    }
    const c = this.ctrl;
    // Chunks are whole kernel tiles so no claim splits a tile.
    const chunk = Math.max(ROW_GRAIN, Math.ceil(N / (this.threads * CLAIMS_PER_THREAD) / ROW_GRAIN) * ROW_GRAIN);
    c[KERNEL] = KERNEL_ID[kernel];
    for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i];
    c[N_ROWS] = N;
    c[CHUNK] = chunk;
    Atomics.store(c, NEXT, 0);
    Atomics.store(c, DONE, 0);
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    for (;;) {
      const n0 = Atomics.add(c, NEXT, chunk);
      if (n0 >= N) break;
      this.call(kernel, args, n0, Math.min(N, n0 + chunk));
    }
    const want = this.threads - 1;
    let spins = 0;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= want) break;
      if (spins++ < SPIN) continue;
      Atomics.wait(c, DONE, done, 1000);
    }
  }

  private call(kernel: KernelName, a: number[], n0: number, n1: number): void {
    if (kernel === 'mm_f32') this.kernels.mm_f32(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
    else if (kernel === 'mm_q8') this.kernels.mm_q8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], n0, n1);
    else this.kernels.gelu(a[0], n0, n1);
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
