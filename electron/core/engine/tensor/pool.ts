// Splits each matmul's output rows across worker threads plus the calling thread.
//
// Protocol over a shared Int32Array `ctrl`:
//   ctrl[GEN]     job counter; bumping it (and notifying) starts a job
//   ctrl[DONE]    workers that finished the current job
//   ctrl[KERNEL]  1 = mm_f32, 2 = mm_q8, 0 = exit
//   ctrl[ARGS..]  the kernel's arguments (byte offsets and sizes), minus the row range
//   ctrl[RANGES + 2w], ctrl[RANGES + 2w + 1]   worker w's rows [n0, n1)
// The caller does its own share synchronously, then waits for DONE to reach the worker count.
// Synchronous waiting is fine here: the engine runs in its own worker/process, never on a UI thread.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { kernelModule, ROW_GRAIN, type KernelExports } from './wasm/kernels.ts';
import type { SharedHeap } from './heap.ts';

const GEN = 0, DONE = 1, KERNEL = 2, ARGS = 4, RANGES = 32;
export type KernelName = 'mm_f32' | 'mm_q8';
const KERNEL_ID: Record<KernelName, number> = { mm_f32: 1, mm_q8: 2 };
const SPIN = 20000;

export class ThreadPool {
  readonly kernels: KernelExports;
  private readonly workers: Worker[] = [];
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * (RANGES + 2 * 64)));
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
        workerData: { module: kernelModule(), memory: heap.memory, control: pool.ctrl.buffer, index: w },
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

  /** Runs `kernel(args..., n0, n1)` over rows [0, N), split into one share per thread. */
  run(kernel: KernelName, args: number[], N: number): void {
    if (this.disposed) throw new Error('thread pool is disposed');
    const shares = this.threads;
    // Rows per share rounded up to the kernels' tile width so no share splits a tile.
    const per = Math.ceil(N / shares / ROW_GRAIN) * ROW_GRAIN;
    if (shares === 1 || N <= ROW_GRAIN) {
      this.call(kernel, args, 0, N);
      return;
    }
    const c = this.ctrl;
    c[KERNEL] = KERNEL_ID[kernel];
    for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i];
    for (let w = 1; w < shares; w++) {
      c[RANGES + 2 * w] = Math.min(N, w * per);
      c[RANGES + 2 * w + 1] = Math.min(N, (w + 1) * per);
    }
    Atomics.store(c, DONE, 0);
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    this.call(kernel, args, 0, Math.min(N, per));
    const want = shares - 1;
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
    else this.kernels.mm_q8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], n0, n1);
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
