// Errors that cross the wire are data, never thrown objects: every call answers an ApiResult.
// Inside the core, services throw ServiceError (or a subclass) and the dispatcher turns it into data.

export type ApiErrorCode =
  | 'bad_input' // the input failed the method's schema; `issues` says where
  | 'unknown_method' // no such method in the contract
  | 'not_found' // the thing named does not exist (session id, job id, model …)
  | 'conflict' // the request clashes with current state (already running, name taken …)
  | 'unavailable' // the capability is off here (test-only method, desktop-only feature, shutting down)
  | 'worker_crashed' // the worker process died while running the request; it is being restarted
  | 'cancelled' // the caller (or the user) cancelled the job
  | 'transport' // the connection to the core is down (set by the client, never by the core)
  | 'internal'; // a bug: the message says what failed

export interface ApiIssue {
  /** Dotted path into the input, e.g. `title` or `messages.0.content`; empty for the whole input. */
  path: string;
  message: string;
}

export interface ApiErrorData {
  code: ApiErrorCode;
  message: string;
  issues?: ApiIssue[];
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

/** Thrown by core services; the dispatcher converts it to `{ ok: false, error }`. */
export class ServiceError extends Error {
  readonly code: ApiErrorCode;
  readonly issues?: ApiIssue[];
  constructor(code: ApiErrorCode, message: string, issues?: ApiIssue[]) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.issues = issues;
  }
  toData(): ApiErrorData {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}

export function notFound(what: string, id: string): ServiceError {
  return new ServiceError('not_found', `${what} ${JSON.stringify(id)} does not exist`);
}

/** What a caught value says, in one line: an Error's message, anything else as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
