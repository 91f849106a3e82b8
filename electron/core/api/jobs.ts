// jobs.*: long work (download, inspect, train, generate) runs as a job: an id, progress events, cancel.
// A service starts a job with the core's JobRegistry and returns `{ jobId }` at once; the UI follows
// `jobs.update` for progress and the feature's own event stream (keyed by jobId) for high-rate data.
import { z } from 'zod';
import { event, method } from './define.ts';
import type { ApiErrorData } from './errors.ts';

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobSnapshot {
  jobId: string;
  /** What kind of work, e.g. "models.download", "inspect.forward", "workers.sleep". */
  kind: string;
  title: string;
  state: JobState;
  /** 0..1, or null while the amount of work is unknown. */
  progress: number | null;
  /** Short human text for the progress bar, e.g. "layer 3 of 18". */
  message: string;
  startedAt: number;
  finishedAt: number | null;
  /** Set when state is 'failed' (or 'cancelled'). */
  error: ApiErrorData | null;
  /** Set when state is 'done': the job's plain-data result. */
  result: unknown;
}

export const jobId = z.string().min(1).max(100);

export const jobsMethods = {
  list: method(z.object({}).strict()).returns<JobSnapshot[]>(),
  get: method(z.object({ jobId }).strict()).returns<JobSnapshot>(),
  cancel: method(z.object({ jobId }).strict()).returns<JobSnapshot>(),
};

export const jobsEvents = {
  /** Every state or progress change of any job (progress updates are throttled by the registry). */
  update: event<JobSnapshot>(),
};
