// Splits each backward gemm's output rows across worker threads plus the calling thread, over the
// forward engine's shared WebAssembly memory (weights are read in place, never copied).
//
// Protocol over a shared Int32Array `ctrl` (same scheme as the forward's tensor/pool.ts):
//   ctrl[GEN]   job counter; bumping it (and notifying) starts a job
//   ctrl[DONE]  workers that finished the current job
//   ctrl[KERNEL] 1 = gemm_nn, 2 = gemm_tn, 0 = exit
//   ctrl[ARGS..ARGS+5]  A, B, C, M, K, N
//   ctrl[RANGES + 2w], ctrl[RANGES + 2w + 1]  worker w's rows [m0, m1)
// Waiting is synchronous: the engine runs in its own worker/process, never on a UI thread.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { gemmModule, GEMM_ROW_GRAIN, type GemmExports } from './gemm.ts';

const GEN = 0, DONE = 1, KERNEL = 2, ARGS = 4, RANGES = 16;
const SPIN = 20000;
export type GemmKernel = 'gemm_nn' | 'gemm_tn';

export class GemmPool {
  readonly kernels: GemmExports;
  private readonly workers: Worker[] = [];
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * (RANGES + 2 * 64)));
  private disposed = false;
  private failure: unknown;

  private constructor(readonly memory: WebAssembly.Memory, readonly threads: number) {
    this.kernels = new WebAssembly.Instance(gemmModule(), { env: { memory } }).exports as unknown as GemmExports;
  }

  /** `threads` counts the caller: 1 = no workers. Default: every core. */
  static async create(memory: WebAssembly.Memory, threads = availableParallelism()): Promise<GemmPool> {
    const pool = new GemmPool(memory, Math.max(1, Math.min(64, threads)));
    const url = new URL('./worker.mjs', import.meta.url);
    const ready: Promise<void>[] = [];
    for (let w = 1; w < pool.threads; w++) {
      const worker = new Worker(url, { workerData: { module: gemmModule(), memory, control: pool.ctrl.buffer, index: w } });
      worker.unref();
      pool.workers.push(worker);
      ready.push(new Promise((resolve, reject) => { worker.once('message', () => resolve()); worker.once('error', reject); }));
      // A worker that dies mid-job would leave run() waiting forever: fail loudly instead.
      worker.on('error', (err) => { pool.failure = err; Atomics.add(pool.ctrl, DONE, 1 << 20); Atomics.notify(pool.ctrl, DONE); });
    }
    await Promise.all(ready);
    return pool;
  }

  /** C[M, N] += A·B (nn: A [M, K]; tn: A stored [K, M]); pointers are byte offsets. */
  run(kernel: GemmKernel, A: number, B: number, C: number, M: number, K: number, N: number): void {
    if (this.disposed) throw new Error('gemm pool is disposed');
    const shares = this.threads;
    const per = Math.ceil(M / shares / GEMM_ROW_GRAIN) * GEMM_ROW_GRAIN;
    if (shares === 1 || M <= GEMM_ROW_GRAIN) {
      this.kernels[kernel](A, B, C, M, K, N, 0, M);
      return;
    }
    const c = this.ctrl;
    c[KERNEL] = kernel === 'gemm_nn' ? 1 : 2;
    c[ARGS] = A; c[ARGS + 1] = B; c[ARGS + 2] = C; c[ARGS + 3] = M; c[ARGS + 4] = K; c[ARGS + 5] = N;
    for (let w = 1; w < shares; w++) {
      c[RANGES + 2 * w] = Math.min(M, w * per);
      c[RANGES + 2 * w + 1] = Math.min(M, (w + 1) * per);
    }
    Atomics.store(c, DONE, 0);
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    this.kernels[kernel](A, B, C, M, K, N, 0, Math.min(M, per));
    const want = shares - 1;
    let spins = 0;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= want) break;
      if (this.failure) throw new Error(`gemm worker failed: ${String(this.failure)}`);
      if (spins++ < SPIN) continue;
      Atomics.wait(c, DONE, done, 1000);
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
