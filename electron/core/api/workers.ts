// workers.*: the supervised model-work processes (llama.cpp host, our engine). Mostly diagnostics:
// the status bar and Settings show their state; a crash is surfaced here and the worker restarts.
import { z } from 'zod';
import { event, method } from './define.ts';

export const workerNames = ['model', 'engine'] as const;
export type WorkerName = (typeof workerNames)[number];

export type WorkerState =
  | 'idle' // not started yet (workers start on first use)
  | 'starting'
  | 'ready'
  | 'crashed' // died unexpectedly; a restart is scheduled
  | 'stopped'; // shut down with the app

export interface WorkerStatus {
  name: WorkerName;
  state: WorkerState;
  pid: number | null;
  /** How many times the supervisor restarted it after a crash. */
  restarts: number;
  /** The last crash, in words: "exited with signal SIGKILL while running 'crash'". */
  lastError: string | null;
  lastCrashAt: number | null;
}

const workerName = z.enum(workerNames);

export const workersMethods = {
  list: method(z.object({}).strict()).returns<WorkerStatus[]>(),
  ping: method(z.object({ worker: workerName.default('model'), text: z.string().max(1000).default('ping') }).strict()).returns<{
    pong: string;
    pid: number;
    roundTripMs: number;
  }>(),
  /** A cancellable job in the worker that reports progress; shows the job pattern end to end. */
  sleep: method(
    z
      .object({
        worker: workerName.default('model'),
        ms: z.number().int().min(0).max(600_000),
        steps: z.number().int().min(1).max(1000).default(10),
      })
      .strict(),
  ).job<{ slept: number }>(),
  /** Kills the worker process hard. Only when the core runs in test mode (GLASSBOX_TEST=1). */
  crashForTest: method(z.object({ worker: workerName.default('model') }).strict()).returns<{ crashed: true }>(),
  /** Holds the worker's new tasks before they start (hold: false lets them go). Test mode only. */
  holdForTest: method(z.object({ worker: workerName, hold: z.boolean() }).strict()).returns<{ held: boolean }>(),
};

export const workersEvents = {
  state: event<WorkerStatus>(),
};
