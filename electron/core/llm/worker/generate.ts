// One chat reply, generated token by token on the loaded model's sequence, with each token's
// probability and the top alternatives taken from the same sampling step that picked it (no second
// pass). Text and tokens stream out as batched events; stop keeps what was generated.
import type { LlamaModel, SequenceEvaluateOptions, Token } from 'node-llama-cpp';
import type { StopReason, TokenProb } from '../../api/chat.ts';
import type { TaskContext } from '../../workers/task.ts';
import { StreamingDetokenizer } from './detokenizer.ts';
import { fitPrompt } from './prompt.ts';
import { ensureModel, type Loaded } from './runtime.ts';
import type { GenerateEvent, GenerateInput, GenerateResult } from './types.ts';

const TOP_ALTERNATIVES = 5;
/** Candidates kept at temperature 0 (see `greedy` below). */
const GREEDY_CANDIDATES = 64;
/** Events carry a batch of tokens at most this often (the first token goes out at once). */
const EVENT_INTERVAL_MS = 16;
/** Tokens kept free for the answer when an old conversation must be shortened to fit. */
const ANSWER_RESERVE = 128;
/** llama.cpp's default window of recent tokens the repeat penalty looks at. */
const REPEAT_PENALTY_WINDOW = 64;

export interface StopHandle {
  stopRequested: boolean;
}

class TokenTexts {
  private readonly cache = new Map<Token, string>();
  constructor(private readonly model: LlamaModel) {}
  /** A candidate's own text, special tokens spelled out (an alternative may be "<end_of_turn>"). */
  of(token: Token): string {
    let t = this.cache.get(token);
    if (t === undefined) {
      t = this.model.detokenize([token], true);
      this.cache.set(token, t);
    }
    return t;
  }
}

/** Reuses the evaluated prefix the sequence shares with `tokens`; returns the tokens still to evaluate. */
async function reusePrefix(l: Loaded, tokens: Token[]): Promise<Token[]> {
  const seq = l.sequence;
  const have = seq.contextTokens;
  let common = 0;
  while (common < have.length && common < tokens.length && have[common] === tokens[common]) common++;
  if (common === tokens.length) common--; // at least one token must be evaluated to get the next-token distribution
  if (common < seq.nextTokenIndex) {
    try {
      await seq.eraseContextTokenRanges([{ start: common, end: seq.nextTokenIndex }]);
    } catch {
      await seq.clearHistory();
      return tokens;
    }
  }
  return tokens.slice(common);
}

export async function generate(input: GenerateInput, ctx: TaskContext, stop: StopHandle): Promise<GenerateResult> {
  const l = await ensureModel(input.backend, input.model);
  const t0 = performance.now();
  const contextSize = l.context.contextSize;
  const { sampling } = input;
  const { tokens: prompt, droppedTurns } = fitPrompt(l.model, l.wrapper, input.systemPrompt, input.history, contextSize, Math.min(sampling.maxTokens, ANSWER_RESERVE));
  ctx.emit({ type: 'start', promptTokens: prompt.length, contextSize, droppedTurns } satisfies GenerateEvent);

  const toEvaluate = await reusePrefix(l, prompt);
  const generated: Token[] = [];
  // Greedy (temperature 0) would make llama.cpp return probabilities over the whole vocabulary for
  // every token (262k entries for Gemma: far slower than generating). Instead the sampler keeps the
  // GREEDY_CANDIDATES most likely tokens at temperature 1 (their probabilities renormalised: exact up
  // to the tail mass) and we feed back the most likely one ourselves, which is what greedy picks.
  const greedy = sampling.temperature <= 0;
  const options: SequenceEvaluateOptions = greedy
    ? { temperature: 1, topK: GREEDY_CANDIDATES, topP: 1, minP: 0, seed: sampling.seed, yieldEogToken: true }
    : { temperature: sampling.temperature, topK: sampling.topK, topP: sampling.topP, minP: sampling.minP, seed: sampling.seed, yieldEogToken: true };
  if (sampling.repeatPenalty !== 1) {
    options.repeatPenalty = { penalty: sampling.repeatPenalty, punishTokens: () => [...prompt, ...generated].slice(-REPEAT_PENALTY_WINDOW) };
  }

  const detok = new StreamingDetokenizer(l.model);
  const texts = new TokenTexts(l.model);
  const all: TokenProb[] = [];
  let text = '';
  let batch: TokenProb[] = [];
  let batchText = '';
  let lastEmit = 0;
  const flush = () => {
    if (batch.length === 0) return;
    ctx.emit({ type: 'tokens', index: all.length - batch.length, text: batchText, tokens: batch, contextUsed: prompt.length + generated.length } satisfies GenerateEvent);
    batch = [];
    batchText = '';
    lastEmit = performance.now();
  };

  let stopReason: StopReason = 'eos';
  let tFirst: number | null = null;
  const maxTokens = sampling.maxTokens;
  const steps = l.sequence.evaluateWithMetadata(toEvaluate, { probabilities: true }, options);
  let feed: Token | undefined;
  try {
    for (;;) {
      const next = await steps.next(feed);
      if (next.done) break;
      const step = next.value;
      if (stop.stopRequested || ctx.signal.aborted) {
        stopReason = 'stopped';
        break;
      }
      const now = performance.now();
      tFirst ??= now;
      const token: Token = greedy ? (step.probabilities.keys().next().value ?? step.token) : step.token;
      // End of turn is decided on the token we keep (EOG tokens are yielded so greedy can see them).
      if (l.model.isEogToken(token)) break;
      feed = token;
      generated.push(token);
      const top: { text: string; prob: number }[] = [];
      for (const [id, prob] of step.probabilities) {
        if (top.length === TOP_ALTERNATIVES) break;
        top.push({ text: texts.of(id), prob });
      }
      const piece = detok.push(token);
      const entry: TokenProb = { id: token, text: piece, prob: step.probabilities.get(token) ?? 0, top };
      all.push(entry);
      batch.push(entry);
      batchText += piece;
      text += piece;
      if (all.length === 1 || now - lastEmit >= EVENT_INTERVAL_MS) flush();
      if (generated.length >= maxTokens) {
        stopReason = 'maxTokens';
        break;
      }
      if (prompt.length + generated.length >= contextSize) {
        stopReason = 'contextFull';
        break;
      }
    }
  } finally {
    await steps.return();
  }
  const tail = detok.flush();
  if (tail && all.length > 0) {
    all[all.length - 1].text += tail; // the same object is still in `batch` if not sent yet
    text += tail;
    if (batch.length > 0) batchText += tail;
    else ctx.emit({ type: 'tokens', index: all.length, text: tail, tokens: [], contextUsed: prompt.length + generated.length } satisfies GenerateEvent);
  }
  flush();
  const tEnd = performance.now();
  return {
    stopReason,
    text,
    promptTokens: prompt.length,
    generatedTokens: generated.length,
    timeToFirstTokenMs: tFirst === null ? null : tFirst - t0,
    tokensPerSecond: tFirst !== null && generated.length >= 2 && tEnd > tFirst ? (generated.length - 1) / ((tEnd - tFirst) / 1000) : null,
    durationMs: tEnd - t0,
    contextSize,
    contextUsed: prompt.length + generated.length,
    droppedTurns,
  };
}
