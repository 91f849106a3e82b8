// How a worker task is written. A task is a function of plain-data input; it may report events
// (progress, tokens) with `emit`, must stop when `signal` aborts, and returns plain data.
// Tasks of one worker kind are gathered in a table (see ./tasks/*.ts).

export interface TaskContext {
  signal: AbortSignal;
  emit(event: unknown): void;
}

export type TaskHandler<I = never, O = unknown> = (input: I, ctx: TaskContext) => Promise<O> | O;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaskTable = Record<string, TaskHandler<any, unknown>>;

export const defineTasks = <T extends TaskTable>(tasks: T): T => tasks;

export type TaskInput<T extends TaskTable, K extends keyof T> = Parameters<T[K]>[0];
export type TaskOutput<T extends TaskTable, K extends keyof T> = Awaited<ReturnType<T[K]>>;

/** Throw from a task to fail with a specific API error code (default: 'internal'). */
export class TaskError extends Error {
  constructor(
    readonly code: 'bad_input' | 'not_found' | 'conflict' | 'unavailable' | 'cancelled' | 'internal',
    message: string,
  ) {
    super(message);
    this.name = 'TaskError';
  }
}

/** Resolves after `ms`, or rejects with a 'cancelled' TaskError when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new TaskError('cancelled', 'cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new TaskError('cancelled', 'cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
