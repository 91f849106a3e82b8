// jobs.*: long work (download, inspect, train, generate) runs as a job: an id, progress events, cancel.
// A job method is declared `method(input).job<Result>()` and answers `{ jobId }` at once; the id is a
// JobId<Result>, so the UI and tests read the final snapshot's result as Result with no cast
// (`snapshotOf(jobId, s)`). The UI follows `jobs.update` for progress and the feature's own event
// stream (keyed by jobId) for high-rate data. Core side: ../app/jobs.ts (and ../app/workerJob.ts).
import { z } from 'zod';
import { event, method, type JobId } from './define.ts';
import type { ApiErrorData } from './errors.ts';

export type { JobId, JobStarted } from './define.ts';

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobSnapshot<R = unknown> {
  jobId: JobId<R>;
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
  /** Set when state is 'done': the job's plain-data result (null before). */
  result: R | null;
}

/** Progress as a job reports it, and as a worker task emits it (`{ progress, message }` events). */
export interface JobProgress {
  /** 0..1, or null while the amount of work is unknown. */
  progress: number | null;
  message: string;
}

/** True for a well-formed progress event (events cross a process boundary, so they are checked, not cast). */
export function isJobProgress(e: unknown): e is JobProgress {
  if (typeof e !== 'object' || e === null) return false;
  const { progress, message } = e as Record<string, unknown>;
  return (progress === null || (typeof progress === 'number' && Number.isFinite(progress))) && typeof message === 'string';
}

/**
 * The snapshot `s` (from `jobs.get`, `jobs.cancel` or a `jobs.update` event) typed by the id that
 * started it. Throws if `s` is another job's snapshot, so a mix-up cannot hand out a wrongly typed result.
 */
export function snapshotOf<R>(jobId: JobId<R>, s: JobSnapshot): JobSnapshot<R> {
  if (s.jobId !== jobId) throw new Error(`snapshot of job ${s.jobId} read as job ${jobId}`);
  // The registry stored what the work typed R returned (see ../app/jobs.ts); the id is the proof.
  return s as JobSnapshot<R>;
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
