// The engine's kernel worker thread (plain JavaScript so it starts under any loader; the only worker
// file of the engine). It instantiates the kernel module over the shared memory, then waits on a
// shared control word for jobs: each names a kernel, its arguments, and rows to claim in chunks.
// Protocol in pool-protocol.mjs.
import { parentPort, workerData } from 'node:worker_threads';
import { ARGS, ASLEEP, DONE, FAILED, GEN, KERNEL, SPIN, claim, claimEnd } from './pool-protocol.mjs';

const { module, memory, control, failText, index } = workerData;
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(control);
let lastError = '';

// However this thread ends (an exception, process.exit), tell a caller blocked on DONE, so it
// throws instead of waiting forever. A normal exit (kernel 0) is not a failure.
let exiting = false;
process.on('exit', () => {
  if (exiting) return;
  new Uint8Array(failText).set(new TextEncoder().encode(lastError || 'the worker thread exited').subarray(0, failText.byteLength));
  Atomics.store(ctrl, FAILED, index + 1);
  Atomics.add(ctrl, DONE, 1);
  Atomics.notify(ctrl, DONE);
});

function job(kernel, a, n0, n1) {
  if (kernel === 1) kernels.mm_f32(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
  else if (kernel === 2) kernels.mm_q8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], n0, n1);
  else if (kernel === 3) kernels.gelu(a[0], n0, n1);
  else if (kernel === 4) kernels.gemm_nn(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
  else if (kernel === 5) kernels.gemm_tn(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
  else if (kernel === 6) kernels.gemm_nn_cols(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
  else if (kernel === 7) kernels.ce_lse(a[0], a[1], a[2], a[3], n0, n1);
  else if (kernel === 8) kernels.ce_grad_t(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
  else if (kernel === 9) kernels.gelu_bwd(a[0], a[1], a[2], a[3], a[4], n0, n1);
  else if (kernel === 10) kernels.gemm_tn_k(a[0], a[1], a[2], a[3], a[4], a[5], n0, n1);
  else if (kernel === 99) throw new Error('simulated kernel failure (test)');
  else throw new Error(`unknown kernel id ${kernel}`);
}

// Read the job counter before saying ready: the first job may be posted the moment we do.
let seen = Atomics.load(ctrl, GEN);
parentPort.postMessage('ready');
for (;;) {
  // Spin briefly (decode issues many small matmuls back to back), then sleep on the futex.
  let spins = 0;
  while (Atomics.load(ctrl, GEN) === seen && spins++ < SPIN);
  if (Atomics.load(ctrl, GEN) === seen) {
    Atomics.add(ctrl, ASLEEP, 1);
    Atomics.wait(ctrl, GEN, seen);
    Atomics.sub(ctrl, ASLEEP, 1);
  }
  seen = Atomics.load(ctrl, GEN);
  const kernel = ctrl[KERNEL];
  if (kernel === 0) {
    exiting = true;
    break;
  }
  const a = ctrl.slice(ARGS, ARGS + 12);
  try {
    for (;;) {
      const n0 = claim(ctrl);
      if (n0 < 0) break;
      job(kernel, a, n0, claimEnd(ctrl, n0));
    }
  } catch (err) {
    lastError = `${kernel === 99 ? '' : `kernel ${kernel}: `}${err instanceof Error ? err.message : String(err)}`;
    throw err;
  }
  Atomics.add(ctrl, DONE, 1);
  Atomics.notify(ctrl, DONE);
}
