// The model worker's llama.cpp tasks (spread into ../../workers/tasks/model.ts).
import { defineTasks, TaskError } from '../../workers/task.ts';
import { generate, type StopHandle } from './generate.ts';
import { answerReserve, fitPrompt, promptTokens, type ContextPolicy } from './prompt.ts';
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
  /** With the policy applied as sending would: what the next reply's prompt will really hold. */
  chatCountTokens: async (input: {
    backend: BackendSpec;
    model: ModelSpec;
    systemPrompt: string;
    history: Turn[];
    draft: string;
    maxTokens: number;
    policy: ContextPolicy;
  }) => {
    const l = await ensureModel(input.backend, input.model);
    const contextSize = l.context.contextSize;
    const reserveTokens = answerReserve(input.maxTokens);
    const turns = input.draft ? [...input.history, { role: 'user' as const, content: input.draft }] : input.history;
    const base = { contextSize, reserveTokens, policy: input.policy };
    if (turns.length === 0 && !input.systemPrompt.trim())
      return { ...base, usedTokens: 0, fullTokens: 0, droppedTurns: 0, systemPromptDropped: false, refused: false };
    try {
      const f = fitPrompt(l.model, l.wrapper, input.systemPrompt, turns, contextSize, reserveTokens, input.policy);
      return {
        ...base,
        usedTokens: f.tokens.length,
        fullTokens: f.fullTokens,
        droppedTurns: f.droppedTurns,
        systemPromptDropped: f.systemDropped,
        refused: false,
      };
    } catch (err) {
      if (!(err instanceof TaskError) || err.code !== 'bad_input') throw err;
      // Refused (policy) or the last message alone too long: the meter shows the whole thread, over.
      const full = promptTokens(l.model, l.wrapper, input.systemPrompt, turns).length;
      return { ...base, usedTokens: full, fullTokens: full, droppedTurns: 0, systemPromptDropped: false, refused: true };
    }
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
