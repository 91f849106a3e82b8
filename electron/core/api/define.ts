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

/** `method(z.object({...})).returns<Output>()` */
export function method<I extends z.ZodType>(input: I) {
  return {
    returns<O>(): MethodSpec<I, O> {
      return { kind: 'method', input };
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
