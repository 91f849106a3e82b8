// Tasks of the "engine" worker: our TypeScript Gemma 3 (forward with hooks, backward, training).
// The engine adds its table here: `export const tasks = defineTasks({ ...builtinTasks, ...engineTasks })`.
import { defineTasks } from '../task.ts';
import { inspectTasks } from '../../engine/inspect/tasks.ts';
import { builtinTasks } from './builtin.ts';
import { finetuneTasks } from '../../finetune/tasks.ts';

export const tasks = defineTasks({ ...builtinTasks, ...inspectTasks, ...finetuneTasks });
export type EngineTasks = typeof tasks;
