// The typed API client the UI (and Node tests) use over either transport:
//
//   const session = await client.api.sessions.create({ title: 'Notes' });   // throws ApiCallError
//   const result  = await client.request('sessions.list', {});              // ApiResult, never throws
//   const off     = client.on('jobs.update', (job) => …);
import type {
  Contract,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  ServiceName,
} from '../../../electron/core/api/contract.ts';
import type { ApiErrorCode, ApiIssue, ApiResult } from '../../../electron/core/api/errors.ts';
import type { ConnectionState, Transport } from './transport.ts';

export class ApiCallError extends Error {
  readonly code: ApiErrorCode;
  readonly issues?: ApiIssue[];
  constructor(
    readonly method: string,
    error: { code: ApiErrorCode; message: string; issues?: ApiIssue[] },
  ) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.issues = error.issues;
  }
}

// `{}` on purpose: the question is whether an empty input satisfies the method (then it may be omitted).
type MethodFn<M extends MethodName> =
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  {} extends MethodInput<M> ? (input?: MethodInput<M>) => Promise<MethodOutput<M>> : (input: MethodInput<M>) => Promise<MethodOutput<M>>;

export type Api = {
  [S in ServiceName]: { [K in keyof Contract[S] & string]: MethodFn<`${S}.${K}` & MethodName> };
};

export interface ApiClient {
  /** api.<service>.<method>(input): resolves with the output or throws ApiCallError. */
  api: Api;
  request<M extends MethodName>(method: M, input: MethodInput<M>): Promise<ApiResult<MethodOutput<M>>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  readonly connection: ConnectionState;
  readonly transport: Transport;
  close(): void;
}

export function createApiClient(transport: Transport): ApiClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  transport.onEvent((event) => {
    for (const l of listeners.get(event.name) ?? []) l(event.payload);
  });

  const request = (method: string, input: unknown) => transport.call(method, input ?? {});

  const api = new Proxy({} as Api, {
    get(_, service: string) {
      return new Proxy(
        {},
        {
          get(__, name: string) {
            return async (input?: unknown) => {
              const method = `${service}.${name}`;
              const result = await request(method, input);
              if (!result.ok) throw new ApiCallError(method, result.error);
              return result.value;
            };
          },
        },
      );
    },
  });

  return {
    api,
    request: request as ApiClient['request'],
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
    onConnection: (l) => transport.onConnection(l),
    get connection() {
      return transport.connection;
    },
    transport,
    close: () => transport.close(),
  };
}
