// The model worker's llama.cpp tasks (spread into ../../workers/tasks/model.ts).
import { defineTasks, TaskError } from '../../workers/task.ts';
import { generate, type StopHandle } from './generate.ts';
import { promptTokens } from './prompt.ts';
import { backendState, ensureModel, unloadModel } from './runtime.ts';
import type { BackendSpec, GenerateInput, ModelSpec, Turn } from './types.ts';

const running = new Map<string, StopHandle>();

export const llmTasks = defineTasks({
  /** Streams GenerateEvent events; resolves with GenerateResult (also when stopped). */
  chatGenerate: async (input: GenerateInput, ctx) => {
    if (running.size > 0) throw new TaskError('conflict', 'the model is already generating a reply');
    const handle: StopHandle = { stopRequested: false };
    running.set(input.genId, handle);
    try {
      return await generate(input, ctx, handle);
    } finally {
      running.delete(input.genId);
    }
  },

  /** Asks a running generation to stop after the current token; it then resolves normally with stopReason 'stopped'. */
  chatStop: (input: { genId: string }) => {
    const handle = running.get(input.genId);
    if (handle) handle.stopRequested = true;
    return { stopping: handle !== undefined };
  },

  /** Prompt size of a thread (+ draft as a new user turn) in the model's context. */
  chatCountTokens: async (input: { backend: BackendSpec; model: ModelSpec; systemPrompt: string; history: Turn[]; draft: string }) => {
    const l = await ensureModel(input.backend, input.model);
    const turns = input.draft ? [...input.history, { role: 'user' as const, content: input.draft }] : input.history;
    const usedTokens = turns.length === 0 && !input.systemPrompt.trim() ? 0 : promptTokens(l.model, l.wrapper, input.systemPrompt, turns).length;
    return { usedTokens, contextSize: l.context.contextSize };
  },

  llmState: (input: { backend: BackendSpec }) => backendState(input.backend),

  llmLoad: async (input: { backend: BackendSpec; model: ModelSpec }) => {
    await ensureModel(input.backend, input.model);
    return backendState(input.backend);
  },

  llmUnload: async (input: { backend: BackendSpec }) => {
    await unloadModel();
    return backendState(input.backend);
  },
});
