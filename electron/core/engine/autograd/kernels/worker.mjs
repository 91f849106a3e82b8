// A backward-kernel worker thread (plain JavaScript so it starts under any loader). Instantiates the
// gemm module over the engine's shared memory and waits on a shared control word for jobs.
// Protocol: see pool.ts.
import { parentPort, workerData } from 'node:worker_threads';

const { module, memory, control, index } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(control);
const GEN = 0, DONE = 1, KERNEL = 2, ARGS = 4, RANGES = 16;
const SPIN = 20000;

// Read the job counter BEFORE announcing readiness: the pool may start a job the moment it hears
// 'ready', and a worker that read GEN afterwards would take that job for an old one and hang it.
let seen = Atomics.load(ctrl, GEN);
parentPort.postMessage('ready');
for (;;) {
  let spins = 0;
  while (Atomics.load(ctrl, GEN) === seen && spins++ < SPIN);
  if (Atomics.load(ctrl, GEN) === seen) Atomics.wait(ctrl, GEN, seen);
  seen = Atomics.load(ctrl, GEN);
  const kernel = ctrl[KERNEL];
  if (kernel === 0) break;
  const m0 = ctrl[RANGES + 2 * index], m1 = ctrl[RANGES + 2 * index + 1];
  if (m1 > m0) {
    const fn = kernel === 1 ? k.gemm_nn : k.gemm_tn;
    fn(ctrl[ARGS], ctrl[ARGS + 1], ctrl[ARGS + 2], ctrl[ARGS + 3], ctrl[ARGS + 4], ctrl[ARGS + 5], m0, m1);
  }
  Atomics.add(ctrl, DONE, 1);
  Atomics.notify(ctrl, DONE);
}
