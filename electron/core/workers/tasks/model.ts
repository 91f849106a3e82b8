// Tasks of the "model" worker: llama.cpp via node-llama-cpp (chat, playground, model loading).
// The llm service adds its table here: `export const tasks = defineTasks({ ...builtinTasks, ...llmTasks })`.
import { defineTasks } from '../task.ts';
import { llmTasks } from '../../llm/worker/tasks.ts';
import { playgroundTasks } from '../../playground/tasks.ts';
import { builtinTasks } from './builtin.ts';

export const tasks = defineTasks({ ...builtinTasks, ...llmTasks, ...playgroundTasks });
export type ModelTasks = typeof tasks;
