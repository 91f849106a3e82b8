// The playground's tasks in the model worker (spread into ../workers/tasks/model.ts).
import { defineTasks } from '../workers/task.ts';
import { chatPromptTokens, generateOn } from './worker/generate.ts';
import { playgroundContext, playgroundModel } from './worker/models.ts';
import { runSummarize } from './worker/summarize.ts';
import { runTagBatch } from './worker/tag.ts';
import type { GenerateTextEvent, GenerateTextInput, GenerateTextResult, SummarizeInput, TagBatchInput } from './worker/types.ts';

const COMPARE_CONTEXT = 4096;

export const playgroundTasks = defineTasks({
  /** Emits TagEvent per item; resolves with TagBatchResult. */
  playgroundTag: (input: TagBatchInput, ctx) => runTagBatch(input, ctx),
  /** Emits SummarizeEvent; resolves with SummarizeResult. */
  playgroundSummarize: (input: SummarizeInput, ctx) => runSummarize(input, ctx),
  /** One compare cell: the prompt as a user turn under the column's system prompt and sampling. */
  playgroundGenerate: async (input: GenerateTextInput, ctx): Promise<GenerateTextResult> => {
    const { model } = await playgroundModel(input.backend, input.model);
    const context = await playgroundContext(model, input.backend, input.model, {
      contextSize: Math.min(model.trainContextSize, input.model.contextSize ?? COMPARE_CONTEXT),
      sequences: 1,
    });
    try {
      const prompt = chatPromptTokens(model, input.systemPrompt, input.prompt);
      return await generateOn(context.getSequence(), prompt, input.sampling, ctx.signal, (text) =>
        ctx.emit({ type: 'delta', text } satisfies GenerateTextEvent),
      );
    } finally {
      await context.dispose();
    }
  },
  /** Tokens of `text` in a model's own vocabulary (for the UI: will it fit, how many chunks). */
  playgroundCountTokens: async (input: { backend: TagBatchInput['backend']; model: TagBatchInput['model']; text: string }) => {
    const { model } = await playgroundModel(input.backend, input.model);
    return { tokens: model.tokenize(input.text).length, trainContextSize: model.trainContextSize };
  },
});
