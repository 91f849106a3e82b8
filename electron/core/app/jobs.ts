// Job registry: long work gets an id, progress, cancel and a final state, published as `jobs.update`.
//
//   const { jobId } = core.jobs.start({ kind: 'models.download', title: 'gemma-3-270m' }, async (job) => {
//     job.progress(0.5, 'halfway');        // throttled to ~10 updates/s
//     if (job.signal.aborted) ...           // cancel arrives as an abort
//     return { path };                      // plain data → snapshot.result
//   });
//
// `jobId` is a JobId<R>, R being what `run` returns: a job method's handler returns `{ jobId }` and
// TypeScript checks R against the result type the contract declares (`method(...).job<R>()`).
// Work that is a worker task goes through ./workerJob.ts, which uses this.
import { randomUUID } from 'node:crypto';
import { errorMessage, ServiceError, type ApiErrorData } from '../api/errors.ts';
import type { JobId, JobSnapshot } from '../api/jobs.ts';
import type { EventBus } from './events.ts';

export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  /** `fraction` in 0..1 or null when unknown. */
  progress(fraction: number | null, message?: string): void;
}

const KEEP_FINISHED = 200;

interface Entry {
  snapshot: JobSnapshot;
  controller: AbortController;
  lastPublish: number;
  /** a publish held back by the throttle, sent when the interval is up */
  trailing: ReturnType<typeof setTimeout> | null;
}
const PROGRESS_INTERVAL_MS = 100;

export class JobRegistry {
  private readonly jobs = new Map<string, Entry>();

  constructor(private readonly events: EventBus) {}

  start<R>(meta: { kind: string; title: string }, run: (job: JobContext) => Promise<R>): { jobId: JobId<R>; done: Promise<R> } {
    const jobId: JobId<R> = randomUUID();
    const controller = new AbortController();
    const snapshot: JobSnapshot = {
      jobId,
      kind: meta.kind,
      title: meta.title,
      state: 'running',
      progress: null,
      message: '',
      startedAt: Date.now(),
      finishedAt: null,
      error: null,
      result: null,
    };
    const entry: Entry = { snapshot, controller, lastPublish: 0, trailing: null };
    this.jobs.set(jobId, entry);
    this.publish(entry);

    const ctx: JobContext = {
      jobId,
      signal: controller.signal,
      progress: (fraction, message) => {
        if (entry.snapshot.state !== 'running') return;
        entry.snapshot = {
          ...entry.snapshot,
          progress: fraction === null ? null : Math.min(1, Math.max(0, fraction)),
          message: message ?? entry.snapshot.message,
        };
        const wait = entry.lastPublish + PROGRESS_INTERVAL_MS - Date.now();
        if (wait <= 0 || fraction === 1) this.publish(entry);
        // Throttled: the latest state still goes out when the interval is up, so a job that reports
        // once and then waits (queued, loading) is never shown with a stale message.
        else entry.trailing ??= setTimeout(() => entry.snapshot.state === 'running' && this.publish(entry), wait);
      },
    };

    const done = (async () => run(ctx))().then(
      (result) => {
        if (entry.snapshot.state === 'running') this.finish(entry, { state: 'done', progress: 1, result });
        return result;
      },
      (err: unknown) => {
        const error: ApiErrorData = err instanceof ServiceError ? err.toData() : { code: 'internal', message: errorMessage(err) };
        if (entry.snapshot.state === 'running') {
          this.finish(
            entry,
            controller.signal.aborted || error.code === 'cancelled'
              ? { state: 'cancelled', error: { code: 'cancelled', message: 'cancelled' } }
              : { state: 'failed', error },
          );
        }
        throw err;
      },
    );
    done.catch(() => {}); // the outcome lives in the snapshot; callers that await `done` still see the error
    return { jobId, done };
  }

  get(jobId: string): JobSnapshot {
    const entry = this.jobs.get(jobId);
    if (!entry)
      throw new ServiceError(
        'not_found',
        `job ${JSON.stringify(jobId)} does not exist (finished jobs are kept for a while, then forgotten)`,
      );
    return entry.snapshot;
  }

  list(): JobSnapshot[] {
    return [...this.jobs.values()].map((e) => e.snapshot);
  }

  /** Aborts the job's signal and marks it cancelled at once; the work itself stops at its next check. */
  cancel(jobId: string): JobSnapshot {
    const entry = this.jobs.get(jobId);
    if (!entry) return this.get(jobId);
    if (entry.snapshot.state === 'running') {
      entry.controller.abort();
      this.finish(entry, { state: 'cancelled', error: { code: 'cancelled', message: 'cancelled by the user' } });
    }
    return entry.snapshot;
  }

  cancelAll(): void {
    for (const id of this.jobs.keys()) this.cancel(id);
  }

  private finish(entry: Entry, patch: Partial<JobSnapshot>): void {
    entry.snapshot = { ...entry.snapshot, ...patch, finishedAt: Date.now() };
    this.publish(entry);
    this.prune();
  }

  private publish(entry: Entry): void {
    if (entry.trailing) clearTimeout(entry.trailing);
    entry.trailing = null;
    entry.lastPublish = Date.now();
    this.events.publish('jobs.update', entry.snapshot);
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((e) => e.snapshot.state !== 'running');
    for (const e of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(e.snapshot.jobId);
  }
}
