// The forward and the backward are generators that yield after each block; these drive them, either
// straight through or yielding to the event loop between blocks (cancellation, progress).

/** Runs a layer-by-layer computation to its end. */
export function runSteps<R>(run: Generator<number, R>): R {
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
  }
}

/** Runs it yielding to the event loop after each step: `signal` cancels between steps, `onStep` sees each one. */
export async function runStepsAsync<R>(run: Generator<number, R>, signal?: AbortSignal, onStep?: (layer: number) => void): Promise<R> {
  for (;;) {
    signal?.throwIfAborted();
    const r = run.next();
    if (r.done) return r.value;
    onStep?.(r.value);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
