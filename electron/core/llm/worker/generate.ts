// One chat reply, generated token by token on the loaded model's sequence, with each token's
// probability and the top alternatives taken from the same sampling step that picked it (no second
// pass). Text and tokens stream out as batched events; stop keeps what was generated.
import type { LlamaModel, SequenceEvaluateOptions, Token } from 'node-llama-cpp';
import type { StopReason, TokenAlternative, TokenProb } from '../../api/chat.ts';
import type { TaskContext } from '../../workers/task.ts';
import { StreamingDetokenizer } from './detokenizer.ts';
import { answerReserve, fitPrompt } from './prompt.ts';
import { ensureModel, type Loaded } from './runtime.ts';
import type { GenerateEvent, GenerateInput, GenerateResult } from './types.ts';

const TOP_ALTERNATIVES = 5;
/** Events carry a batch of tokens at most this often (the first token goes out at once). */
const EVENT_INTERVAL_MS = 16;
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
  // A continued reply: its tokens so far follow the prompt (the open model turn) and count against the context.
  const before = (input.continueTokens ?? []) as Token[];
  const fitted = fitPrompt(
    l.model,
    l.wrapper,
    input.systemPrompt,
    input.history,
    contextSize,
    answerReserve(sampling.maxTokens) + before.length,
    input.contextPolicy,
  );
  const { droppedTurns, systemDropped } = fitted;
  const basePrompt = fitted.tokens;
  const prompt = before.length ? [...basePrompt, ...before] : basePrompt;
  ctx.emit({ type: 'start', promptTokens: basePrompt.length, contextSize, droppedTurns, systemDropped } satisfies GenerateEvent);

  let toEvaluate: Token[];
  if (input.reproducible) {
    await l.sequence.clearHistory();
    toEvaluate = prompt;
  } else toEvaluate = await reusePrefix(l, prompt);
  const generated: Token[] = [];
  // Greedy (temperature 0) through llama.cpp's greedy sampler would return probabilities over the
  // whole vocabulary for every token (262k entries for Gemma: far slower than generating). Top-k 1 at
  // temperature 1 takes the same most likely token with a one-entry distribution; the model's own
  // probabilities come afterwards from modelProbabilities().
  const greedy = sampling.temperature <= 0;
  const options: SequenceEvaluateOptions = greedy
    ? { temperature: 1, topK: 1, topP: 1, minP: 0, seed: sampling.seed, yieldEogToken: true }
    : {
        temperature: sampling.temperature,
        topK: sampling.topK,
        topP: sampling.topP,
        minP: sampling.minP,
        seed: sampling.seed,
        yieldEogToken: true,
      };
  if (sampling.repeatPenalty !== 1) {
    options.repeatPenalty = {
      penalty: sampling.repeatPenalty,
      punishTokens: () => [...prompt, ...generated].slice(-REPEAT_PENALTY_WINDOW),
    };
  }

  const detok = new StreamingDetokenizer(l.model, before);
  const texts = new TokenTexts(l.model);
  const all: TokenProb[] = [];
  let text = '';
  let batch: TokenProb[] = [];
  let batchText = '';
  let lastEmit = 0;
  const flush = () => {
    if (batch.length === 0) return;
    ctx.emit({
      type: 'tokens',
      index: all.length - batch.length,
      text: batchText,
      tokens: batch,
      contextUsed: prompt.length + generated.length,
    } satisfies GenerateEvent);
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
      const token: Token = step.token;
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
    else
      ctx.emit({
        type: 'tokens',
        index: all.length,
        text: tail,
        tokens: [],
        contextUsed: prompt.length + generated.length,
      } satisfies GenerateEvent);
  }
  flush();
  // Everything generated is on screen now; the exact pass can take a while on a large vocabulary
  // (the whole distribution per token), so say it runs.
  const scored = before.length + generated.length;
  if (scored > 0) ctx.emit({ type: 'scoring', tokens: scored } satisfies GenerateEvent);
  // A Stop that ended the generation still gets the pass; a Stop pressed during the pass cuts it short.
  stop.stopRequested = false;
  const modelStart = performance.now();
  const exact = await modelProbabilities(
    l,
    basePrompt,
    before.length ? [...before, ...generated] : generated,
    texts,
    () => ctx.signal.aborted || stop.stopRequested,
  );
  const modelPassMs = performance.now() - modelStart;
  const tEnd = performance.now() - modelPassMs; // the speed figures are the generation's own
  return {
    stopReason,
    text,
    promptTokens: basePrompt.length,
    generatedTokens: generated.length,
    timeToFirstTokenMs: tFirst === null ? null : tFirst - t0,
    tokensPerSecond: tFirst !== null && generated.length >= 2 && tEnd > tFirst ? (generated.length - 1) / ((tEnd - tFirst) / 1000) : null,
    durationMs: tEnd - t0,
    contextSize,
    contextUsed: prompt.length + generated.length,
    droppedTurns,
    systemDropped,
    modelPassMs,
    modelProbs: exact,
  };
}

/** Tokens per batched pass of modelProbabilities: bounds the full-vocabulary maps alive at once. */
const MODEL_PASS_CHUNK = 16;

/**
 * The model's own distribution at each generated token (softmax of the raw logits over the whole
 * vocabulary, temperature 1, no penalties): the positions that produced the reply are evaluated again
 * in batches. Leaves the sequence holding the prompt and the reply but its last token, as generation
 * does. Returns fewer entries than `generated` when aborted.
 */
async function modelProbabilities(
  l: Loaded,
  prompt: Token[],
  generated: Token[],
  texts: TokenTexts,
  /** Stop (or a cancelled task) cuts the pass short: the tokens not reached keep only the sampler's probability. */
  cutShort: () => boolean,
): Promise<{ prob: number; top: TokenAlternative[] }[]> {
  const out: { prob: number; top: TokenAlternative[] }[] = [];
  if (generated.length === 0) return out;
  const seq = l.sequence;
  // Everything before the last prompt token stays; from there the reply is evaluated again.
  const keep = prompt.length - 1;
  const have = seq.contextTokens;
  let same = 0;
  while (same < keep && same < have.length && have[same] === prompt[same]) same++;
  if (same < seq.nextTokenIndex) await seq.eraseContextTokenRanges([{ start: same, end: seq.nextTokenIndex }]);
  if (same < keep) await seq.evaluateWithoutGeneratingNewTokens(prompt.slice(same, keep));
  const inputs = [prompt[keep], ...generated.slice(0, -1)];
  const next = { probabilities: true, options: { temperature: 1, topK: 0, topP: 1, minP: 0 } } as const;
  for (let start = 0; start < inputs.length && !cutShort(); start += MODEL_PASS_CHUNK) {
    const chunk = inputs.slice(start, start + MODEL_PASS_CHUNK);
    const results = await seq.controlledEvaluate(chunk.map((tok) => [tok, { generateNext: next }]));
    results.forEach((r, j) => {
      const probs = r?.next.probabilities;
      if (!probs) throw new Error(`llama.cpp returned no probabilities at reply token ${start + j}`);
      const top: TokenAlternative[] = [];
      for (const [id, prob] of probs) {
        if (top.length === TOP_ALTERNATIVES) break;
        top.push({ text: texts.of(id), prob });
      }
      out.push({ prob: probs.get(generated[start + j]) ?? 0, top });
    });
  }
  return out;
}
