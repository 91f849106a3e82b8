// The whole API: every service's methods and events, merged. To add a service, write `<service>.ts`
// beside this file (methods + events), add one line to each object below, and implement it in
// ../app/services.ts. Method names on the wire are "<service>.<method>", events "<service>.<event>".
import type { z } from 'zod';
import type { EventSpec, MethodSpec } from './define.ts';
import { backendEvents, backendMethods } from './backend.ts';
import { chatEvents, chatMethods } from './chat.ts';
import { documentsEvents, documentsMethods } from './documents.ts';
import { inspectEvents, inspectMethods } from './inspect.ts';
import { jobsEvents, jobsMethods } from './jobs.ts';
import { labEvents, labMethods } from './lab.ts';
import { modelsEvents, modelsMethods } from './models.ts';
import { playgroundEvents, playgroundMethods } from './playground.ts';
import { sessionsEvents, sessionsMethods } from './sessions.ts';
import { settingsEvents, settingsMethods } from './settings.ts';
import { systemEvents, systemMethods } from './system.ts';
import { workersEvents, workersMethods } from './workers.ts';
import { datasetsEvents, datasetsMethods } from './datasets.ts';
import { finetuneEvents, finetuneMethods } from './finetune.ts';

export const contract = {
  system: systemMethods,
  sessions: sessionsMethods,
  settings: settingsMethods,
  jobs: jobsMethods,
  workers: workersMethods,
  chat: chatMethods,
  models: modelsMethods,
  backend: backendMethods,
  inspect: inspectMethods,
  lab: labMethods,
  documents: documentsMethods,
  playground: playgroundMethods,
  datasets: datasetsMethods,
  finetune: finetuneMethods,
} as const;

export const contractEvents = {
  system: systemEvents,
  sessions: sessionsEvents,
  settings: settingsEvents,
  jobs: jobsEvents,
  workers: workersEvents,
  chat: chatEvents,
  models: modelsEvents,
  backend: backendEvents,
  inspect: inspectEvents,
  lab: labEvents,
  documents: documentsEvents,
  playground: playgroundEvents,
  datasets: datasetsEvents,
  finetune: finetuneEvents,
} as const;

export type Contract = typeof contract;
export type ContractEvents = typeof contractEvents;
export type ServiceName = keyof Contract;

type Join<S, K> = S extends string ? (K extends string ? `${S}.${K}` : never) : never;

/** "sessions.create", "system.status", … */
export type MethodName = { [S in keyof Contract]: Join<S, keyof Contract[S]> }[keyof Contract];
export type EventName = { [S in keyof ContractEvents]: Join<S, keyof ContractEvents[S]> }[keyof ContractEvents];

type SpecOf<M extends string, C> = M extends `${infer S}.${infer K}`
  ? S extends keyof C
    ? K extends keyof C[S]
      ? C[S][K]
      : never
    : never
  : never;

/** What the caller passes (before schema defaults are applied). */
export type MethodInput<M extends MethodName> = SpecOf<M, Contract> extends MethodSpec<infer I, unknown> ? z.input<I> : never;
/** What the service receives (after validation and defaults). */
export type MethodParsedInput<M extends MethodName> = SpecOf<M, Contract> extends MethodSpec<infer I, unknown> ? z.output<I> : never;
export type MethodOutput<M extends MethodName> = SpecOf<M, Contract> extends MethodSpec<z.ZodType, infer O> ? O : never;
export type EventPayload<E extends EventName> = SpecOf<E, ContractEvents> extends EventSpec<infer P> ? P : never;

/** One event on the wire. */
export type ApiEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

/** Looks a method up by its wire name; undefined for anything not in the contract (prototype keys included). */
export function findMethod(name: string): MethodSpec | undefined {
  const dot = name.indexOf('.');
  if (dot <= 0) return undefined;
  const service = name.slice(0, dot);
  const key = name.slice(dot + 1);
  if (!Object.hasOwn(contract, service)) return undefined;
  const methods = contract[service as ServiceName] as Record<string, MethodSpec>;
  return Object.hasOwn(methods, key) ? methods[key] : undefined;
}

export const methodNames: MethodName[] = Object.entries(contract).flatMap(([s, methods]) =>
  Object.keys(methods).map((k) => `${s}.${k}` as MethodName),
);
