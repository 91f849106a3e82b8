// A matmul worker thread (plain JavaScript so it starts under any loader). It instantiates the
// kernel module over the shared memory, then waits on a shared control word for jobs: each job
// names a kernel, its arguments and this worker's share of output rows. Protocol in pool.ts.
import { parentPort, workerData } from 'node:worker_threads';

const { module, memory, control } = workerData;
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(control);
const GEN = 0, DONE = 1, KERNEL = 2, NEXT = 3, ARGS = 4, N_ROWS = 20, CHUNK = 21;
const SPIN = 20000;

// Read the job counter before saying ready: the first job may be posted the moment we do.
let seen = Atomics.load(ctrl, GEN);
parentPort.postMessage('ready');
for (;;) {
  // Spin briefly (decode issues many small matmuls back to back), then sleep on the futex.
  let spins = 0;
  while (Atomics.load(ctrl, GEN) === seen && spins++ < SPIN);
  if (Atomics.load(ctrl, GEN) === seen) Atomics.wait(ctrl, GEN, seen);
  seen = Atomics.load(ctrl, GEN);
  const kernel = ctrl[KERNEL];
  if (kernel === 0) break;
  const N = ctrl[N_ROWS];
  const chunk = ctrl[CHUNK];
  const a = ctrl.subarray(ARGS, ARGS + 12);
  for (;;) {
    const n0 = Atomics.add(ctrl, NEXT, chunk);
    if (n0 >= N) break;
    const n1 = Math.min(N, n0 + chunk);
    if (kernel === 1) kernels.mm_f32(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
    else if (kernel === 2) kernels.mm_q8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], n0, n1);
    else if (kernel === 3) kernels.gelu(a[0], n0, n1);
  }
  Atomics.add(ctrl, DONE, 1);
  Atomics.notify(ctrl, DONE);
}
