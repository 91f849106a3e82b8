// Free-text generation on a sequence the playground owns (chunk summaries, the final summary,
// compare cells): stream text as it comes, stop on end of turn, max tokens, context end or cancel.
import { type ChatWrapper, type LlamaContextSequence, type LlamaModel, type SequenceEvaluateOptions, type Token } from 'node-llama-cpp';
import type { Sampling } from '../../api/chat.ts';
import { StreamingDetokenizer } from '../../llm/worker/detokenizer.ts';
import { chatWrapperFor, promptTokens } from '../../llm/worker/prompt.ts';
import { TaskError } from '../../workers/task.ts';

const EMIT_INTERVAL_MS = 30;

// The same chat format as the Chat screen (the model's own template). Built once per model, not once
// per chunk or tagged item: resolving node-llama-cpp's guess took 2–3 s per call (measured under load).
const wrappers = new WeakMap<LlamaModel, ChatWrapper>();

export function chatWrapperOf(model: LlamaModel): ChatWrapper {
  let w = wrappers.get(model);
  if (!w) wrappers.set(model, (w = chatWrapperFor(model)));
  return w;
}

export function chatPromptTokens(model: LlamaModel, systemPrompt: string, user: string): Token[] {
  return promptTokens(model, chatWrapperOf(model), systemPrompt, [{ role: 'user', content: user }]);
}

/** llama.cpp's default window of recent tokens the repeat penalty looks at. */
const REPEAT_PENALTY_WINDOW = 64;

export function samplingOptions(s: Sampling & { seed: number }, recent: () => Token[] = () => []): SequenceEvaluateOptions {
  const o: SequenceEvaluateOptions = {
    temperature: s.temperature,
    topK: s.topK,
    topP: s.topP,
    minP: s.minP,
    seed: s.seed,
    yieldEogToken: true,
  };
  if (s.repeatPenalty !== 1) o.repeatPenalty = { penalty: s.repeatPenalty, punishTokens: () => recent().slice(-REPEAT_PENALTY_WINDOW) };
  return o;
}

export interface Generated {
  text: string;
  promptTokens: number;
  generatedTokens: number;
  ms: number;
  tokensPerSecond: number | null;
}

export async function generateOn(
  seq: LlamaContextSequence,
  prompt: Token[],
  sampling: Sampling & { seed: number },
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<Generated> {
  if (prompt.length + 1 >= seq.contextSize)
    throw new TaskError('bad_input', `the prompt takes ${prompt.length} tokens and the context holds ${seq.contextSize}`);
  await seq.clearHistory();
  const t0 = performance.now();
  const detok = new StreamingDetokenizer(seq.model);
  let text = '';
  let pending = '';
  let lastEmit = 0;
  let generated = 0;
  const tokens: Token[] = [];
  let tFirst: number | null = null;
  const steps = seq.evaluate(
    prompt,
    samplingOptions(sampling, () => [...prompt.slice(-REPEAT_PENALTY_WINDOW), ...tokens]),
  );
  try {
    for await (const token of steps) {
      if (signal.aborted) throw new TaskError('cancelled', 'cancelled');
      tFirst ??= performance.now();
      if (seq.model.isEogToken(token)) break;
      generated++;
      tokens.push(token);
      const piece = detok.push(token);
      text += piece;
      pending += piece;
      const now = performance.now();
      if (pending && now - lastEmit >= EMIT_INTERVAL_MS) {
        onText(pending);
        pending = '';
        lastEmit = now;
      }
      if (generated >= sampling.maxTokens || prompt.length + generated >= seq.contextSize - 1) break;
    }
  } finally {
    await steps.return();
  }
  const tail = detok.flush();
  text += tail;
  pending += tail;
  if (pending) onText(pending);
  const tEnd = performance.now();
  return {
    text: text.trim(),
    promptTokens: prompt.length,
    generatedTokens: generated,
    ms: tEnd - t0,
    tokensPerSecond: tFirst !== null && generated >= 2 && tEnd > tFirst ? (generated - 1) / ((tEnd - tFirst) / 1000) : null,
  };
}
