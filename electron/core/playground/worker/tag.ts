// Batched tagging in the model worker. Every item's prompt is the same up to the item's text, so:
//   1. the shared prefix is evaluated once, on sequence 0;
//   2. its KV state is copied to the other sequences (saved and loaded as a sequence state file);
//   3. each sequence takes the next item: erases back to the prefix, evaluates the item's tokens and
//      generates the answer under a grammar that allows only the listed labels. The answer's fixed
//      start ({"labels": [") is part of the prompt: under a grammar every generated token costs a
//      pass over the whole vocabulary (262,144 tokens for Gemma), so only the labels are generated.
// All sequences live in one context, so node-llama-cpp decodes their tokens together in one batch.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlamaGrammarEvaluationState, type LlamaContextSequence, type LlamaGrammar, type LlamaModel, type Token } from 'node-llama-cpp';
import { StreamingDetokenizer } from '../../llm/worker/detokenizer.ts';
import type { TaskContext } from '../../workers/task.ts';
import { TaskError } from '../../workers/task.ts';
import { TAG_ANSWER_START, tagGrammar, tagPrompt } from '../prompts.ts';
import { chatPromptTokens, samplingOptions } from './generate.ts';
import { playgroundContext, playgroundModel } from './models.ts';
import type { TagBatchInput, TagBatchResult, TagEvent, TagItemResult } from './types.ts';

/** Longest common prefix of token arrays. */
export function commonPrefix(prompts: readonly Token[][]): number {
  if (prompts.length === 0) return 0;
  let n = prompts[0].length;
  for (const p of prompts) {
    let k = 0;
    while (k < n && k < p.length && p[k] === prompts[0][k]) k++;
    n = k;
  }
  return n;
}

/** Evaluates `prefix` once on the first sequence and copies its KV state into the others. */
export async function sharePrefix(seqs: readonly LlamaContextSequence[], prefix: Token[]): Promise<void> {
  await seqs[0].evaluateWithoutGeneratingNewTokens(prefix);
  if (seqs.length < 2) return;
  const file = join(tmpdir(), `glassbox-prefix-${process.pid}-${randomUUID()}.bin`);
  try {
    await seqs[0].saveStateToFile(file);
    // Same model, same process, a file we just wrote: the risk node-llama-cpp warns of does not apply.
    for (const s of seqs.slice(1)) await s.loadStateFromFile(file, { acceptRisk: true });
  } finally {
    await rm(file, { force: true });
  }
}

export async function runTagBatch(input: TagBatchInput, ctx: TaskContext): Promise<TagBatchResult> {
  const t0 = performance.now();
  const { llama, model } = await playgroundModel(input.backend, input.model);
  const grammar = await llama.createGrammar({ grammar: tagGrammar(input.labels, input.multiLabel) });
  const answerStart = model.tokenize(TAG_ANSWER_START);
  const prompts = input.items.map((it) => [
    ...chatPromptTokens(model, '', tagPrompt(input.labels, input.multiLabel, input.instruction, it.text)),
    ...answerStart,
  ]);
  // At least one token of each item stays to be evaluated (it yields the first answer token).
  const prefix = input.sharedPrefix ? Math.max(0, Math.min(commonPrefix(prompts), ...prompts.map((p) => p.length - 1))) : 0;
  ctx.emit({ type: 'prefix', tokens: prefix } satisfies TagEvent);
  const maxAnswer =
    24 +
    12 * (input.multiLabel ? input.labels.length : 1) +
    Math.max(...input.labels.map((l) => model.tokenize(l.name).length)) * (input.multiLabel ? input.labels.length : 1);
  const longest = Math.max(...prompts.map((p) => p.length));
  const contextSize = Math.min(model.trainContextSize, Math.ceil((longest + maxAnswer + 8) / 256) * 256);
  if (longest + maxAnswer > model.trainContextSize)
    throw new TaskError(
      'bad_input',
      `an item is too long: its prompt takes ${longest} tokens and the model's context holds ${model.trainContextSize}`,
    );
  const parallel = Math.max(1, Math.min(input.parallel, input.items.length));
  const context = await playgroundContext(model, input.backend, input.model, {
    contextSize,
    sequences: parallel,
    batchSize: Math.min(2048, Math.max(512, longest)),
    swaFullCache: true, // erasing back to the prefix needs every KV cell of the sliding-window layers
  });
  try {
    const seqs = Array.from({ length: parallel }, () => context.getSequence());
    if (prefix > 0) await sharePrefix(seqs, prompts[0].slice(0, prefix));
    let next = 0;
    await Promise.all(
      seqs.map(async (seq) => {
        while (next < input.items.length) {
          if (ctx.signal.aborted) throw new TaskError('cancelled', 'cancelled');
          const i = next++;
          const result = await tagOne(seq, model, grammar, prompts[i], prefix, input, maxAnswer, ctx.signal);
          ctx.emit({ type: 'item', ...result, index: input.items[i].index } satisfies TagEvent);
        }
      }),
    );
    return { prefixTokens: prefix, promptTokens: prompts.reduce((a, p) => a + p.length, 0), ms: performance.now() - t0 };
  } finally {
    await context.dispose();
  }
}

async function tagOne(
  seq: LlamaContextSequence,
  model: LlamaModel,
  grammar: LlamaGrammar,
  prompt: Token[],
  prefix: number,
  input: TagBatchInput,
  maxAnswer: number,
  signal: AbortSignal,
): Promise<Omit<TagItemResult, 'index'>> {
  const t0 = performance.now();
  if (seq.nextTokenIndex > prefix) await seq.eraseContextTokenRanges([{ start: prefix, end: seq.nextTokenIndex }]);
  const grammarEvaluationState = new LlamaGrammarEvaluationState({ model, grammar });
  const detok = new StreamingDetokenizer(model);
  const pieces: { start: number; end: number; confidence: number }[] = [];
  let text = TAG_ANSWER_START; // already in the prompt; the pieces are what the model adds
  let done = false;
  const steps = seq.evaluateWithMetadata(
    prompt.slice(prefix),
    { confidence: true },
    { ...samplingOptions(input.sampling), grammarEvaluationState },
  );
  try {
    for (;;) {
      const next = await steps.next();
      if (next.done) break;
      if (signal.aborted) throw new TaskError('cancelled', 'cancelled');
      const { token, confidence } = next.value;
      if (model.isEogToken(token)) break;
      const piece = detok.push(token);
      pieces.push({ start: text.length, end: text.length + piece.length, confidence: confidence ?? 1 });
      text += piece;
      if (text.trimEnd().endsWith('}') && isJson(text)) {
        done = true;
        break;
      }
      if (pieces.length >= maxAnswer) break;
    }
  } finally {
    await steps.return();
  }
  const ms = performance.now() - t0;
  if (!done && !isJson(text))
    return {
      labels: [],
      confidence: {},
      raw: text,
      generatedTokens: pieces.length,
      ms,
      error: `the answer did not finish within ${maxAnswer} tokens`,
    };
  const names = new Set(input.labels.map((l) => l.name));
  const parsed = JSON.parse(text) as { labels?: unknown };
  // The grammar allows only listed labels; dedupe (a grammar cannot say distinct) and check anyway.
  const labels = [...new Set(Array.isArray(parsed.labels) ? parsed.labels.filter((l): l is string => typeof l === 'string') : [])];
  const invalid = labels.filter((l) => !names.has(l));
  if (invalid.length > 0 || labels.length === 0)
    return { labels: [], confidence: {}, raw: text, generatedTokens: pieces.length, ms, error: `the answer holds no valid label: ${text}` };
  return { labels, confidence: labelConfidence(text, labels, pieces), raw: text, generatedTokens: pieces.length, ms, error: null };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A label's confidence: the product of the probabilities of the tokens that wrote it (from its opening
 * quote to its closing one), under the grammar-constrained distribution the tokens were picked from.
 */
export function labelConfidence(
  text: string,
  labels: readonly string[],
  pieces: readonly { start: number; end: number; confidence: number }[],
): Record<string, number> {
  const out: Record<string, number> = {};
  let from = text.indexOf('[');
  for (const label of labels) {
    const quoted = JSON.stringify(label);
    const at = text.indexOf(quoted, from);
    if (at < 0) continue;
    const end = at + quoted.length;
    from = end;
    let p = 1;
    for (const piece of pieces) if (piece.end > at && piece.start < end && piece.end > piece.start) p *= piece.confidence;
    out[label] = p;
  }
  return out;
}
