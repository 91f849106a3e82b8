// The thread pool's shared control words and how a thread claims rows (pool.ts and worker.mjs, the
// one worker file, both import this; plain JavaScript so the worker starts under any loader).
//
//   ctrl[GEN]      job counter; bumping it (and notifying) starts a job
//   ctrl[DONE]     workers that finished the current job
//   ctrl[KERNEL]   kernel id, 0 = exit
//   ctrl[ARGS..]   the kernel's arguments (byte offsets and sizes), minus the row range
//   ctrl[NEXT]     next unclaimed row; ctrl[N_ROWS] rows in all
//   ctrl[CHUNK]    the smallest claim; ctrl[GRAIN] claims are multiples of it; ctrl[THREADS] threads
//   ctrl[FAILED]   1 + index of a worker that died (0 = all alive)
//   ctrl[ASLEEP]   workers asleep on the futex (not spinning): waking one takes ~1–2 ms here
export const GEN = 0,
  DONE = 1,
  KERNEL = 2,
  NEXT = 3,
  ARGS = 4,
  N_ROWS = 20,
  CHUNK = 21,
  FAILED = 22,
  GRAIN = 23,
  THREADS = 24,
  ASLEEP = 25;
/** Words in the control array. */
export const CTRL_WORDS = 32;
/** Spins before a waiting thread sleeps on the futex. */
export const SPIN = 20000;

/**
 * Claims the next rows of the current job: returns the first, or −1 when none are left; the claim
 * ends at claimEnd(first). Guided scheduling: a claim takes a quarter of what is left per thread,
 * never less than CHUNK, so claims shrink towards the end of a job and the threads finish together
 * even when one started late or was slowed by other work.
 * @param {Int32Array} ctrl
 * @returns {number}
 */
export function claim(ctrl) {
  const N = ctrl[N_ROWS];
  for (;;) {
    const n0 = Atomics.load(ctrl, NEXT);
    if (n0 >= N) return -1;
    if (Atomics.compareExchange(ctrl, NEXT, n0, claimEnd(ctrl, n0)) === n0) return n0;
  }
}

/**
 * The end of the claim starting at n0 (the same on every thread: a function of n0 and the job).
 * @param {Int32Array} ctrl
 * @param {number} n0
 * @returns {number}
 */
export function claimEnd(ctrl, n0) {
  const N = ctrl[N_ROWS],
    grain = ctrl[GRAIN];
  const guided = Math.ceil((N - n0) / (4 * ctrl[THREADS]) / grain) * grain;
  return Math.min(N, n0 + Math.max(ctrl[CHUNK], guided));
}
