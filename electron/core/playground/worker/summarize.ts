// Summarization in the model worker. A text that fits the context beside the prompt and the answer is
// summarized whole. A longer one goes map-reduce: chunks counted in the model's own tokens and cut
// at paragraph/sentence boundaries (../../docs/chunk.ts) are summarized one by one (map); the partial
// summaries are combined (reduce), in more than one level if they still do not fit; the final summary
// streams. Every chunk and partial summary is reported as it finishes, so the UI shows them.
import { chunkByTokens } from '../../docs/chunk.ts';
import type { ChunkOutput } from '../../api/playground.ts';
import type { TaskContext } from '../../workers/task.ts';
import { TaskError } from '../../workers/task.ts';
import { chunkPrompt, reducePrompt, SUMMARY_TOKENS, summaryPrompt } from '../prompts.ts';
import { chatPromptTokens, generateOn } from './generate.ts';
import { playgroundContext, playgroundModel } from './models.ts';
import type { SummarizeEvent, SummarizeInput, SummarizeResult } from './types.ts';

const DEFAULT_CONTEXT = 4096;
/** Most tokens a partial summary may take ("a few sentences"); fewer when many must fit one reduce. */
const CHUNK_SUMMARY_TOKENS = 160;
const MIN_PARTIAL_TOKENS = 48;
/** The blank line between partial summaries in the reduce prompt. */
const PARTIAL_JOIN_TOKENS = 2;
const MAX_LEVELS = 6;

export async function runSummarize(input: SummarizeInput, ctx: TaskContext): Promise<SummarizeResult> {
  const t0 = performance.now();
  const emit = (e: SummarizeEvent) => ctx.emit(e);
  const { model } = await playgroundModel(input.backend, input.model);
  const contextSize = Math.min(model.trainContextSize, input.contextSize ?? DEFAULT_CONTEXT);
  const context = await playgroundContext(model, input.backend, input.model, {
    contextSize,
    sequences: 1,
    swaFullCache: true,
  });
  try {
    const seq = context.getSequence();
    const count = (t: string) => model.tokenize(t).length;
    const overhead = (wrap: (t: string) => string) => chatPromptTokens(model, '', wrap('')).length;
    const answer = Math.min(SUMMARY_TOKENS[input.length], Math.floor(contextSize / 4));
    const documentTokens = count(input.text);
    const finalSampling = { ...input.sampling, maxTokens: Math.min(input.sampling.maxTokens, answer) };

    const streamFinal = async (prompt: string) => {
      emit({ type: 'finalStart' });
      const r = await generateOn(seq, chatPromptTokens(model, '', prompt), finalSampling, ctx.signal, (text) =>
        emit({ type: 'delta', target: 'final', index: 0, text }),
      );
      return r.text;
    };

    const wholeOverhead = overhead((t) => summaryPrompt(t, input.length, input.style));
    if (documentTokens + wholeOverhead + answer <= contextSize && input.chunkTokens === null) {
      emit({ type: 'plan', mode: 'whole', documentTokens, chunkTokens: documentTokens });
      const summary = await streamFinal(summaryPrompt(input.text, input.length, input.style));
      return { summary, mode: 'whole', chunks: 0, levels: 0, documentTokens, ms: performance.now() - t0 };
    }

    const mapOverhead = overhead((t) => chunkPrompt(t, 999, 999));
    const room = contextSize - mapOverhead - CHUNK_SUMMARY_TOKENS - 8;
    const chunkTokens = Math.min(input.chunkTokens ?? room, room);
    if (chunkTokens < 64)
      throw new TaskError(
        'bad_input',
        `the context (${contextSize} tokens) is too small to summarize in chunks; raise the context size in Settings`,
      );
    emit({ type: 'plan', mode: 'map-reduce', documentTokens, chunkTokens });

    let nextIndex = 0;
    const summarizeAll = async (
      texts: { text: string; tokens: number }[],
      level: number,
      prompt: (text: string, i: number, n: number) => string,
    ) => {
      const items = texts.map((t) => ({ index: nextIndex++, level, input: t.text, tokens: t.tokens }));
      emit({ type: 'items', items });
      const out: string[] = [];
      for (const [k, item] of items.entries()) {
        if (ctx.signal.aborted) throw new TaskError('cancelled', 'cancelled');
        emit({ type: 'itemStart', index: item.index });
        const r = await generateOn(
          seq,
          chatPromptTokens(model, '', prompt(item.input, k, items.length)),
          { ...input.sampling, maxTokens: Math.min(input.sampling.maxTokens, partialTokens(items.length)) },
          ctx.signal,
          (text) => emit({ type: 'delta', target: 'item', index: item.index, text }),
        );
        const output: ChunkOutput = {
          kind: 'chunk',
          level,
          inputTokens: item.tokens,
          summary: r.text,
          generatedTokens: r.generatedTokens,
          ms: r.ms,
        };
        emit({ type: 'itemDone', index: item.index, output });
        out.push(r.text || '(empty)');
      }
      return out;
    };

    const reduceOverhead = overhead((t) => reducePrompt(t, input.length, input.style, true));
    // A partial summary gets at most its share of what the final reduce can read, so that all of them
    // fit one reduce (an extra level costs a full pass over the partials), but never fewer than
    // MIN_PARTIAL_TOKENS (then a further level it is) nor more than CHUNK_SUMMARY_TOKENS.
    const partialTokens = (parts: number) =>
      Math.max(
        MIN_PARTIAL_TOKENS,
        Math.min(CHUNK_SUMMARY_TOKENS, Math.floor((contextSize - reduceOverhead - answer - 8) / parts) - PARTIAL_JOIN_TOKENS),
      );
    const chunks = chunkByTokens(input.text, chunkTokens, count);
    let partials = await summarizeAll(chunks, 0, (t, i, n) => chunkPrompt(t, i, n));
    let levels = 0;
    while (count(partials.join('\n\n')) + reduceOverhead + answer > contextSize) {
      if (++levels > MAX_LEVELS) throw new TaskError('internal', `the partial summaries did not shrink after ${MAX_LEVELS} levels`);
      const groups = chunkByTokens(
        partials.join('\n\n'),
        Math.min(chunkTokens, contextSize - reduceOverhead - CHUNK_SUMMARY_TOKENS - 8),
        count,
      );
      partials = await summarizeAll(groups, levels, (t) => reducePrompt(t, input.length, input.style, false));
    }
    const summary = await streamFinal(reducePrompt(partials.join('\n\n'), input.length, input.style, true));
    return { summary, mode: 'map-reduce', chunks: chunks.length, levels, documentTokens, ms: performance.now() - t0 };
  } finally {
    await context.dispose();
  }
}
