// Worker kinds and their task tables. Loaded lazily so a worker imports only its own kind's code.
import type { TaskTable } from '../task.ts';

export const workerKinds = {
  model: () => import('./model.ts').then((m) => m.tasks as TaskTable),
  engine: () => import('./engine.ts').then((m) => m.tasks as TaskTable),
  docs: () => import('../../docs/tasks.ts').then((m) => m.tasks as TaskTable),
} as const;

export type WorkerKind = keyof typeof workerKinds;
export type { ModelTasks } from './model.ts';
export type { EngineTasks } from './engine.ts';
export type BuiltinTasks = typeof import('./builtin.ts').builtinTasks;
