// The one door into the core. Both transports call `dispatch(method, input)`: the method is looked up
// in the contract, the input validated by its schema, the handler run, and every outcome — including
// bugs — returned as an ApiResult. Nothing is thrown across the wire.
import { z } from 'zod';
import { findMethod, type MethodName, type MethodOutput, type MethodParsedInput } from '../api/contract.ts';
import { errorMessage, ServiceError, type ApiIssue, type ApiResult } from '../api/errors.ts';

/** What a service implements for each method of the contract. */
export type Handlers = {
  [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

export type Dispatch = (method: string, input: unknown) => Promise<ApiResult<unknown>>;

export function issuesOf(error: z.ZodError): ApiIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export function describeIssues(issues: ApiIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}

export function createDispatcher(handlers: Handlers, options: { log?: (message: string, err: unknown) => void } = {}): Dispatch {
  const log = options.log ?? ((message, err) => console.error(message, err));
  return async (method, input) => {
    const spec = typeof method === 'string' ? findMethod(method) : undefined;
    if (!spec) return { ok: false, error: { code: 'unknown_method', message: `unknown method ${JSON.stringify(method)}` } };
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      const issues = issuesOf(parsed.error);
      return { ok: false, error: { code: 'bad_input', message: `invalid input for ${method}: ${describeIssues(issues)}`, issues } };
    }
    try {
      const handler = handlers[method as MethodName] as (input: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      if (err instanceof ServiceError) return { ok: false, error: err.toData() };
      log(`${method} failed:`, err);
      return { ok: false, error: { code: 'internal', message: `${method} failed: ${errorMessage(err)}` } };
    }
  };
}
