// Embedding vectors, as worker tasks. `embedLlama` (model worker): llama.cpp's embedding context, the
// vectors llama.cpp would give any embedding client. `embedEngine` (engine worker): our engine's
// hidden state after a chosen block (or after the final norm, layer −1), pooled over the tokens.
// `nearestTokens` (engine worker): cosine neighbours of a token's row in the embedding matrix, read
// from the GGUF in chunks so a 262,144-row matrix never sits in memory whole.
import type { NearestTokens, Pooling } from '../api/lab.ts';
import { openGguf, readTensorRangeF32 } from '../engine/gguf/index.ts';
import { activationKey, loadGemma3, Tokenizer } from '../engine/models/gemma3/index.ts';
import { withOwnModel } from '../llm/worker/own-model.ts';
import { defineTasks, TaskError } from '../workers/task.ts';
import { dot } from './math.ts';

export interface EmbedInput {
  modelPath: string;
  texts: string[];
  threads: number;
}

async function embedLlama(input: EmbedInput, signal: AbortSignal): Promise<Float32Array[]> {
  return withOwnModel({ modelPath: input.modelPath, backend: 'cpu', threads: input.threads }, async (model) => {
    const longest = Math.max(...input.texts.map((t) => model.tokenize(t).length));
    const ctx = await model.createEmbeddingContext({
      contextSize: Math.min(model.trainContextSize, longest + 16),
      threads: input.threads,
    });
    try {
      const out: Float32Array[] = [];
      for (const text of input.texts) {
        signal.throwIfAborted();
        out.push(Float32Array.from((await ctx.getEmbeddingFor(text)).vector));
      }
      return out;
    } finally {
      await ctx.dispose();
    }
  });
}

async function embedEngine(input: EmbedInput & { layer: number; pooling: Pooling }, signal: AbortSignal): Promise<Float32Array[]> {
  const model = await loadGemma3(input.modelPath, { threads: input.threads });
  try {
    const { layers, hidden: D } = model.config;
    if (input.layer >= layers)
      throw new TaskError('bad_input', `this model has ${layers} layers (0–${layers - 1}); layer ${input.layer} does not exist`);
    const name = input.layer < 0 ? 'result_norm' : 'l_out';
    const key = activationKey(name, input.layer);
    const out: Float32Array[] = [];
    for (const text of input.texts) {
      signal.throwIfAborted();
      const ids = model.tokenize(text);
      const { activations } = await model.forwardAsync(ids, {
        capture: { names: [name], ...(input.layer >= 0 ? { layers: [input.layer] } : {}) },
        logitPositions: 'last',
      });
      const a = activations[key];
      if (!a) throw new TaskError('internal', `the forward pass did not capture ${key}`);
      const T = a.data.length / D;
      const v = new Float32Array(D);
      if (input.pooling === 'last') v.set(a.data.subarray((T - 1) * D, T * D));
      else for (let t = 0; t < T; t++) for (let k = 0; k < D; k++) v[k] += a.data[t * D + k] / T;
      out.push(v);
    }
    return out;
  } finally {
    model.dispose();
  }
}

function nearestTokens(input: { modelPath: string; token: string; k: number }): NearestTokens {
  const file = openGguf(input.modelPath);
  try {
    const tokenizer = new Tokenizer(file.metadata);
    const emb = file.tensor('token_embd.weight');
    if (!emb) throw new TaskError('bad_input', 'this model has no token_embd.weight');
    const [D, V] = emb.dims;
    // The token as typed, or the token its text encodes to (the first piece of a longer word).
    let id = tokenizer.tokens.indexOf(input.token);
    if (id < 0) id = tokenizer.tokens.indexOf(input.token.replace(/ /g, '▁'));
    if (id < 0) id = tokenizer.encode(input.token, { addBos: false })[0] ?? -1;
    if (id < 0 || id >= V) throw new TaskError('bad_input', `"${input.token}" is not a token of this model`);
    const query = readTensorRangeF32(file, 'token_embd.weight', id * D, D);
    const qn = Math.sqrt(dot(query, query)) || 1;
    const best: { id: number; similarity: number }[] = [];
    const CHUNK = 4096;
    for (let start = 0; start < V; start += CHUNK) {
      const rows = Math.min(CHUNK, V - start);
      const block = readTensorRangeF32(file, 'token_embd.weight', start * D, rows * D);
      for (let r = 0; r < rows; r++) {
        const t = start + r;
        if (t === id) continue;
        const row = block.subarray(r * D, (r + 1) * D);
        const sim = dot(query, row) / (qn * (Math.sqrt(dot(row, row)) || 1));
        if (best.length < input.k || sim > best[best.length - 1].similarity) {
          best.push({ id: t, similarity: sim });
          best.sort((a, b) => b.similarity - a.similarity);
          if (best.length > input.k) best.pop();
        }
      }
    }
    return { token: { id, text: tokenizer.tokens[id] }, neighbours: best.map((b) => ({ ...b, text: tokenizer.tokens[b.id] })) };
  } finally {
    file.close();
  }
}

export const embeddingModelTasks = defineTasks({
  embedLlama: async (input: EmbedInput, { signal }) => (await embedLlama(input, signal)).map((v) => Array.from(v)),
});

export const embeddingEngineTasks = defineTasks({
  embedEngine: async (input: EmbedInput & { layer: number; pooling: Pooling }, { signal }) =>
    (await embedEngine(input, signal)).map((v) => Array.from(v)),
  nearestTokens: (input: { modelPath: string; token: string; k: number }) => nearestTokens(input),
});
