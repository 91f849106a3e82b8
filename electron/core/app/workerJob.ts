// The one way a worker task runs as a job: the task's `{ progress, message }` events move the job's
// progress bar, cancelling the job aborts the task in the worker, and the job's result is the task's
// output — or what `finish` makes of it (e.g. the output after storing it) — typed end to end:
//
//   'inspect.run': (input) => ({ jobId: startWorkerJob(ctx.jobs, meta, ctx.workers.engine, 'inspectRun', input).jobId })
//
// The handler's `{ jobId }` is a JobId<TaskOutput>, which TypeScript checks against the contract's
// `method(...).job<Result>()`. Events that are not progress (tokens, rows) go to `onEvent` untouched.
import { isJobProgress, type JobId } from '../api/jobs.ts';
import type { RequestOptions, WorkerSupervisor } from '../workers/supervisor.ts';
import type { TaskInput, TaskOutput, TaskTable } from '../workers/task.ts';
import type { JobContext, JobRegistry } from './jobs.ts';

export interface WorkerJobOptions<O, R> {
  /** Runs first, inside the job (its time counts, a cancel stops it), e.g. to load what the task needs. */
  prepare?: (job: JobContext) => Promise<void>;
  /** Turns the task's output into the job's result (runs in the core, before the job is marked done). */
  finish?: (output: O, job: JobContext) => R | Promise<R>;
  /** Every event of the task that is not a progress report. */
  onEvent?: (event: unknown) => void;
}

export function startWorkerJob<T extends TaskTable, K extends keyof T & string>(
  jobs: JobRegistry,
  meta: { kind: string; title: string },
  worker: WorkerSupervisor<T>,
  task: K,
  input: TaskInput<T, K>,
  options?: WorkerJobOptions<TaskOutput<T, K>, never> & { finish?: undefined },
): { jobId: JobId<TaskOutput<T, K>>; done: Promise<TaskOutput<T, K>> };
export function startWorkerJob<T extends TaskTable, K extends keyof T & string, R>(
  jobs: JobRegistry,
  meta: { kind: string; title: string },
  worker: WorkerSupervisor<T>,
  task: K,
  input: TaskInput<T, K>,
  options: WorkerJobOptions<TaskOutput<T, K>, R> & { finish: (output: TaskOutput<T, K>, job: JobContext) => R | Promise<R> },
): { jobId: JobId<R>; done: Promise<R> };
export function startWorkerJob<T extends TaskTable, K extends keyof T & string, R>(
  jobs: JobRegistry,
  meta: { kind: string; title: string },
  worker: WorkerSupervisor<T>,
  task: K,
  input: TaskInput<T, K>,
  options: WorkerJobOptions<TaskOutput<T, K>, R> = {},
): { jobId: JobId<unknown>; done: Promise<unknown> } {
  return jobs.start(meta, async (job) => {
    await options.prepare?.(job);
    job.signal.throwIfAborted();
    const request: RequestOptions = {
      signal: job.signal,
      onEvent: (e) => {
        if (isJobProgress(e)) job.progress(e.progress, e.message);
        else options.onEvent?.(e);
      },
    };
    const output = await worker.request(task, input, request);
    return options.finish ? options.finish(output, job) : output;
  });
}
