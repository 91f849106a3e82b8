// Tasks of the "engine" worker: our TypeScript Gemma 3 (forward with hooks, backward, training).
// The engine adds its table here: `export const tasks = defineTasks({ ...builtinTasks, ...engineTasks })`.
import { defineTasks } from '../task.ts';
import { inspectTasks } from '../../inspect/tasks.ts';
import { builtinTasks } from './builtin.ts';

export const tasks = defineTasks({ ...builtinTasks, ...inspectTasks });
export type EngineTasks = typeof tasks;
