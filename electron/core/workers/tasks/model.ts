// Tasks of the "model" worker: llama.cpp via node-llama-cpp (chat, playground, model loading).
// The llm service adds its table here: `export const tasks = defineTasks({ ...builtinTasks, ...llmTasks })`.
import { defineTasks } from '../task.ts';
import { llmTasks } from '../../llm/worker/tasks.ts';
import { playgroundTasks } from '../../playground/tasks.ts';
import { builtinTasks } from './builtin.ts';
import { embeddingModelTasks } from '../../embeddings/tasks.ts';
import { speedModelTasks } from '../../speedlab/tasks.ts';

export const tasks = defineTasks({ ...builtinTasks, ...llmTasks, ...speedModelTasks, ...embeddingModelTasks, ...playgroundTasks });
export type ModelTasks = typeof tasks;
