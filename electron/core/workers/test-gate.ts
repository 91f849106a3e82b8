// Test mode only: a gate that holds a worker's new tasks before they start, as a busy worker would.
// It lets a test cancel a job that is certainly still in the worker, instead of racing a fast one.
import { TaskError } from './task.ts';

/** Tasks that pass a held gate: the gate's own control, and the liveness check. */
export const GATE_EXEMPT = new Set(['holdForTest', 'ping']);

let held: { promise: Promise<void>; release: () => void } | null = null;

export function setHeld(hold: boolean): void {
  if (hold && !held) {
    let release = () => {};
    const promise = new Promise<void>((resolve) => (release = resolve));
    held = { promise, release };
  } else if (!hold && held) {
    held.release();
    held = null;
  }
}

/** Resolves at once when the gate is open, else when it opens; rejects 'cancelled' if `signal` aborts first. */
export function passGate(signal: AbortSignal): Promise<void> | void {
  if (!held) return;
  const gate = held.promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new TaskError('cancelled', 'cancelled'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void gate.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
