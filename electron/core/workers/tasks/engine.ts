// Tasks of the "engine" worker: our TypeScript Gemma 3 (forward with hooks, backward, training).
// The engine adds its table here: `export const tasks = defineTasks({ ...builtinTasks, ...engineTasks })`.
import { defineTasks } from '../task.ts';
import { inspectTasks } from '../../inspect/tasks.ts';
import { builtinTasks } from './builtin.ts';
import { checkTasks } from '../../check/tasks.ts';
import { embeddingEngineTasks } from '../../embeddings/tasks.ts';
import { finetuneTasks } from '../../finetune/tasks.ts';
import { datasetTasks } from '../../datasets/tasks.ts';
import { speedEngineTasks } from '../../speedlab/tasks.ts';

export const tasks = defineTasks({
  ...builtinTasks,
  ...inspectTasks,
  ...checkTasks,
  ...speedEngineTasks,
  ...embeddingEngineTasks,
  ...finetuneTasks,
  ...datasetTasks,
});
export type EngineTasks = typeof tasks;
