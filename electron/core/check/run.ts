// "Check this model": our engine against llama.cpp on the same GGUF, prompt by prompt and position by
// position, with a verdict in plain words. llama.cpp runs on its CPU backend with flash attention off,
// the configuration our engine's 'llama' numerics reproduce, so the known bounds apply.
import type { Llama, LlamaModel } from 'node-llama-cpp';
import { loadGemma3, softmax, type Gemma3 } from '../engine/models/gemma3/index.ts';
import type { AgreementBound, ModelCheckResult, PromptCheck } from '../api/lab.ts';
import { boundFor } from './bounds.ts';
import { comparePosition } from './compare.ts';

export type { ModelCheckResult, PromptCheck } from '../api/lab.ts';

export const DEFAULT_CHECK_PROMPTS: readonly string[] = [
  'The quick brown fox jumps over the lazy dog, then it runs back home before the sun sets.',
  '<start_of_turn>user\nWrite a short poem about rivers and mountains.<end_of_turn>\n<start_of_turn>model\n',
  'Numbers 12345, symbols #@! and accents: café, naïve, Zürich.',
];

export interface ModelCheckOptions {
  llama: Llama;
  modelPath: string;
  quantization: string;
  /** load our engine from another file (tests: a deliberately perturbed copy) */
  enginePath?: string;
  prompts?: readonly string[];
  greedyTokens?: number;
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, what: string) => void;
}

async function llamaProbabilities(model: LlamaModel, ids: number[], V: number, threads: number): Promise<Float64Array[]> {
  const ctx = await model.createContext({ contextSize: Math.max(64, ids.length + 8), threads, flashAttention: false });
  try {
    const out = await ctx.getSequence().controlledEvaluate(ids.map((t) => [t, { generateNext: { probabilities: true } }] as never));
    return out.map((r, i) => {
      const map = (r as { next?: { probabilities?: Map<number, number> } } | undefined)?.next?.probabilities;
      if (!map) throw new Error(`llama.cpp returned no probabilities at position ${i}`);
      const p = new Float64Array(V);
      for (const [tok, pr] of map) p[Number(tok)] = pr;
      return p;
    });
  } finally {
    await ctx.dispose();
  }
}

async function llamaGreedy(model: LlamaModel, ids: number[], n: number, threads: number): Promise<number[]> {
  const ctx = await model.createContext({ contextSize: ids.length + n + 8, threads, flashAttention: false });
  try {
    const out: number[] = [];
    for await (const tok of ctx.getSequence().evaluate(ids as never, { temperature: 0 })) {
      out.push(Number(tok));
      if (out.length === n) break;
    }
    return out;
  } finally {
    await ctx.dispose();
  }
}

export async function runModelCheck(opts: ModelCheckOptions): Promise<ModelCheckResult> {
  const prompts = opts.prompts ?? DEFAULT_CHECK_PROMPTS;
  const threads = opts.threads ?? 2;
  const greedyTokens = opts.greedyTokens ?? 16;
  const { bound, measured } = boundFor(opts.quantization);
  const total = prompts.length * 2;
  let done = 0;
  const step = (what: string) => opts.onProgress?.(++done, total, what);

  const lm = await opts.llama.loadModel({ modelPath: opts.modelPath, gpuLayers: 0 });
  let ours: Gemma3 | undefined;
  try {
    ours = await loadGemma3(opts.enginePath ?? opts.modelPath, { threads, numerics: 'llama' });
    const V = ours.config.vocab;
    const checks: PromptCheck[] = [];
    for (const text of prompts) {
      opts.signal?.throwIfAborted();
      const ids = [Number(lm.tokens.bos), ...lm.tokenize(text, true).map(Number)];
      const tokenizerAgrees = JSON.stringify(ours.tokenize(text, { addBos: true, special: true })) === JSON.stringify(ids);
      const theirs = await llamaProbabilities(lm, ids, V, threads);
      const { logits } = await ours.forwardAsync(ids, { logitPositions: 'all' });
      const positions = ids.map((_, t) => comparePosition(t, softmax(logits, t * V, V), theirs[t]));
      step(`prompt ${checks.length + 1}: next-token probabilities`);
      opts.signal?.throwIfAborted();
      const theirsGreedy = await llamaGreedy(lm, ids, greedyTokens, threads);
      const oursGreedy = ours.generate(ids, { maxTokens: greedyTokens, stopTokens: [] }).tokens;
      let agreed = 0;
      while (agreed < greedyTokens && oursGreedy[agreed] === theirsGreedy[agreed]) agreed++;
      step(`prompt ${checks.length + 1}: greedy continuation`);
      let worst = positions[0];
      for (const p of positions) if (p.tv > worst.tv) worst = p;
      checks.push({
        text,
        tokenCount: ids.length,
        tokenizerAgrees,
        positions,
        worstTv: worst.tv,
        worstPosition: worst.position,
        argmaxMismatches: positions
          .filter((p) => p.oursTop !== p.theirsTop)
          .map((p) => ({
            position: p.position,
            ours: p.oursTop,
            theirs: p.theirsTop,
            margin: p.theirsMargin,
            tolerated: p.theirsMargin < bound.tieMargin,
          })),
        greedy: { tokens: greedyTokens, agreed, ours: oursGreedy, theirs: theirsGreedy },
      });
    }
    return {
      quantization: opts.quantization,
      bound,
      boundMeasured: measured,
      prompts: checks,
      verdict: verdictOf(checks, bound, measured, opts.quantization),
      limits: LIMITS,
    };
  } finally {
    ours?.dispose();
    await lm.dispose();
  }
}

const LIMITS = [
  'llama.cpp does not expose per-layer activations through node-llama-cpp, so agreement is checked on the output distribution only.',
  'llama.cpp runs on its CPU backend here; a GPU backend rounds differently again.',
];

const pct = (x: number) => `${(x * 100).toFixed(x < 0.001 ? 3 : 2)}%`;

export function verdictOf(
  checks: PromptCheck[],
  bound: AgreementBound,
  measured: boolean,
  quantization: string,
): ModelCheckResult['verdict'] {
  const details: string[] = [];
  let firstFailure: ModelCheckResult['verdict']['firstFailure'];
  const fail = (prompt: number, position: number, reason: string) => {
    details.push(reason);
    firstFailure ??= { prompt, position, reason };
  };
  checks.forEach((c, i) => {
    const over = c.positions.find((p) => p.tv > bound.tv);
    if (over)
      fail(
        i,
        over.position,
        `prompt ${i + 1}, position ${over.position}: the two next-token distributions differ by ${pct(over.tv)} (total variation), over the ${pct(bound.tv)} that ${bound.measuredFor} rounding explains`,
      );
    const hard = c.argmaxMismatches.find((m) => !m.tolerated);
    if (hard)
      fail(
        i,
        hard.position,
        `prompt ${i + 1}, position ${hard.position}: our engine's most likely next token is ${hard.ours}, llama.cpp's is ${hard.theirs} (its top two are ${pct(hard.margin)} apart: not a near-tie)`,
      );
    if (c.greedy.agreed < c.greedy.tokens) {
      const at = c.tokenCount + c.greedy.agreed;
      const nearTie = c.argmaxMismatches.length > 0 && c.argmaxMismatches.every((m) => m.tolerated);
      const msg = `prompt ${i + 1}: greedy continuations agree for ${c.greedy.agreed} of ${c.greedy.tokens} tokens`;
      if (bound.tieMargin > 0 && (nearTie || c.greedy.agreed > 0)) details.push(`${msg} (allowed for ${quantization}: near-ties can swap)`);
      else fail(i, at, msg);
    }
    if (!c.tokenizerAgrees)
      details.push(`prompt ${i + 1}: our tokenizer splits the text differently from llama.cpp (the comparison used llama.cpp's tokens)`);
  });
  const worst = Math.max(...checks.map((c) => c.worstTv));
  const positions = checks.reduce((s, c) => s + c.positions.length, 0);
  const ok = firstFailure === undefined;
  const borrowed = measured ? '' : ` (no bound was measured for ${quantization}; the Q8_0 bound is used)`;
  const headline = ok
    ? `Our engine agrees with llama.cpp on this model: ${positions} positions over ${checks.length} prompts, worst difference ${pct(worst)} (bound ${pct(bound.tv)}${borrowed}). The inspectors' numbers are the ones llama.cpp computes.`
    : `Our engine DISAGREES with llama.cpp on this model, first at prompt ${firstFailure!.prompt + 1}, position ${firstFailure!.position}. Treat the inspectors' numbers for this model as unreliable until this is fixed.`;
  return { ok, headline, details, ...(firstFailure ? { firstFailure } : {}) };
}
