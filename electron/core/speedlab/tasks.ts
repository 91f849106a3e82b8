// The speed lab's measurements, as worker tasks: `speedLlama` in the model worker (llama.cpp on a given
// backend and thread count, its own Llama instance), `speedEngine` in the engine worker (our engine).
// Each loads the model, times a prefill at each prompt length (best of a few, after a warm-up pass),
// the time to the first generated token, and greedy decoding (median step), and reports the resident
// memory the measurement added. The same procedure as `npm run bench` (bench/engine.bench.ts).
import { loadGemma3, argmax } from '../engine/models/gemma3/index.ts';
import type { SpeedConfig, SpeedResult } from '../api/lab.ts';
import { withOwnModel } from '../llm/worker/own-model.ts';
import { defineTasks, TaskError } from '../workers/task.ts';
import { defaultConfigs, describeMachine } from './machine.ts';
import { benchPrompt, median } from './prompt.ts';

export interface SpeedInput {
  modelPath: string;
  config: SpeedConfig;
  promptLengths: number[];
  decodeTokens: number;
}

const REPS = 2;
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
const label = (c: SpeedConfig) =>
  `${c.engine === 'glassbox' ? 'Glassbox engine' : `llama.cpp ${c.backend.toUpperCase()}`} · ${c.threads} thread${c.threads === 1 ? '' : 's'}`;

async function speedLlama(input: SpeedInput, signal: AbortSignal, emit: (e: unknown) => void): Promise<SpeedResult> {
  const { config } = input;
  const before = rssMiB();
  return withOwnModel({ modelPath: input.modelPath, backend: config.backend, threads: config.threads }, async (model) => {
    const maxLen = Math.max(...input.promptLengths);
    const ctx = await model.createContext({ contextSize: maxLen + input.decodeTokens + 16, batchSize: maxLen, threads: config.threads });
    try {
      const seq = ctx.getSequence();
      const vocab = model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length ?? 262144;
      const prefill: SpeedResult['prefill'] = [];
      for (const n of input.promptLengths) {
        const prompt = benchPrompt(n, vocab, Number(model.tokens.bos ?? 2));
        let best = Infinity;
        for (let r = 0; r <= REPS; r++) {
          signal.throwIfAborted();
          await seq.clearHistory();
          const t = performance.now();
          await seq.evaluateWithoutGeneratingNewTokens(prompt as never);
          if (r > 0) best = Math.min(best, performance.now() - t); // r = 0 warms the mapped file
        }
        // Time to first token: a fresh prefill plus the first sampled token.
        await seq.clearHistory();
        const t0 = performance.now();
        for await (const _ of seq.evaluate(prompt as never, { temperature: 0 })) break;
        const ttft = performance.now() - t0;
        prefill.push({ promptTokens: n, tokensPerSecond: (n * 1000) / best, timeToFirstTokenMs: ttft });
        emit({ step: `prefill ${n}` });
      }
      await seq.clearHistory();
      const prompt = benchPrompt(input.promptLengths[0], vocab, Number(model.tokens.bos ?? 2));
      const steps: number[] = [];
      let last = performance.now();
      for await (const _ of seq.evaluate(prompt as never, { temperature: 0 })) {
        signal.throwIfAborted();
        const now = performance.now();
        steps.push(now - last);
        last = now;
        if (steps.length > input.decodeTokens) break;
      }
      emit({ step: 'decode' });
      return {
        ...config,
        label: label(config),
        prefill,
        decodeTokensPerSecond: 1000 / median(steps.slice(1)),
        memoryMiB: Math.max(0, rssMiB() - before),
      };
    } finally {
      await ctx.dispose();
    }
  });
}

async function speedEngine(input: SpeedInput, signal: AbortSignal, emit: (e: unknown) => void): Promise<SpeedResult> {
  const { config } = input;
  const before = rssMiB();
  const model = await loadGemma3(input.modelPath, { threads: config.threads });
  try {
    const vocab = model.config.vocab;
    const prefill: SpeedResult['prefill'] = [];
    for (const n of input.promptLengths) {
      const prompt = benchPrompt(n, vocab, model.tokenizer.bos);
      model.forward(prompt, { logitPositions: 'last' }); // warm-up
      let best = Infinity;
      let ttft = Infinity;
      for (let r = 0; r < REPS; r++) {
        signal.throwIfAborted();
        const t = performance.now();
        const { logits } = await model.forwardAsync(prompt, { kvCache: model.newCache(), logitPositions: 'last' });
        const prefillMs = performance.now() - t;
        argmax(logits);
        best = Math.min(best, prefillMs);
        ttft = Math.min(ttft, performance.now() - t);
      }
      prefill.push({ promptTokens: n, tokensPerSecond: (n * 1000) / best, timeToFirstTokenMs: ttft });
      emit({ step: `prefill ${n}` });
    }
    const cache = model.newCache();
    const prompt = benchPrompt(input.promptLengths[0], vocab, model.tokenizer.bos);
    let next = argmax(model.forward(prompt, { kvCache: cache, logitPositions: 'last' }).logits);
    const steps: number[] = [];
    for (let i = 0; i < input.decodeTokens; i++) {
      signal.throwIfAborted();
      const t = performance.now();
      next = argmax(model.forward([next], { kvCache: cache, logitPositions: 'last' }).logits);
      steps.push(performance.now() - t);
    }
    emit({ step: 'decode' });
    return {
      ...config,
      label: label(config),
      prefill,
      decodeTokensPerSecond: 1000 / median(steps),
      memoryMiB: Math.max(0, rssMiB() - before),
    };
  } finally {
    model.dispose();
  }
}

export const speedModelTasks = defineTasks({
  speedPlan: async (_input: Record<string, never>) => {
    const machine = await describeMachine();
    return { machine, configs: await defaultConfigs(machine.cores) };
  },
  speedLlama: (input: SpeedInput, { signal, emit }) => {
    if (input.config.engine !== 'llama.cpp') throw new TaskError('bad_input', 'speedLlama measures llama.cpp');
    return speedLlama(input, signal, emit);
  },
});

export const speedEngineTasks = defineTasks({
  speedEngine: (input: SpeedInput, { signal, emit }) => {
    if (input.config.engine !== 'glassbox') throw new TaskError('bad_input', 'speedEngine measures our engine');
    return speedEngine(input, signal, emit);
  },
});
