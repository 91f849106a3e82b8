// Building blocks of the API contract. A service's contract file (sessions.ts, system.ts, …) lists its
// methods and events with these helpers; contract.ts merges the services. Both transports (Electron IPC
// and the headless host's WebSocket) carry exactly this contract, and the core validates every input
// against the method's zod schema where it enters (see ../app/dispatcher.ts).
// This folder is imported by the renderer too: it may import only `zod` and its own files.
import type { z } from 'zod';

/** A request/response method. `input` is checked at the core's door; the output type is a promise to the caller. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O = unknown> {
  readonly kind: 'method';
  readonly input: I;
  /** Type-only marker carrying the output type; never set at run time. */
  readonly __output?: O;
}

/**
 * The id of a job whose result has type R. At run time a plain string; the type travels with it, so
 * whoever holds the id (the UI, a test) reads the finished job's result as R without a cast. Only the
 * core's job registry mints one (see ../app/jobs.ts), typed by the work it runs.
 */
export type JobId<R = unknown> = string & { readonly __jobResult?: R };

/** What a job method answers at once; progress follows on `jobs.update`, the result in the final snapshot. */
export interface JobStarted<R> {
  jobId: JobId<R>;
}

/** A method that starts long work and answers `{ jobId }` at once; `job` marks it for the dispatcher and docs. */
export interface JobMethodSpec<I extends z.ZodType = z.ZodType, R = unknown> extends MethodSpec<I, JobStarted<R>> {
  readonly job: true;
}

/**
 * `method(z.object({...})).returns<Output>()` for a request/response method, or
 * `method(z.object({...})).job<Result>()` for long work: the method answers `{ jobId: JobId<Result> }`
 * and the job's final snapshot carries a Result. The handler cannot return another type.
 */
export function method<I extends z.ZodType>(input: I) {
  return {
    returns<O>(): MethodSpec<I, O> {
      return { kind: 'method', input };
    },
    job<R>(): JobMethodSpec<I, R> {
      return { kind: 'method', input, job: true };
    },
  };
}

/** An event stream the core pushes to every connected UI (progress, tokens, state snapshots). */
export interface EventSpec<P = unknown> {
  readonly kind: 'event';
  readonly __payload?: P;
}

export function event<P>(): EventSpec<P> {
  return { kind: 'event' };
}

export type ServiceMethods = Record<string, MethodSpec>;
export type ServiceEvents = Record<string, EventSpec>;
