// Every generated model through the real engine: node-llama-cpp loads it, tokenizes and detokenizes
// text with control tokens, reads the same metadata we do, picks its Gemma chat wrapper, and generates
// from a distribution that is neither flat nor one-hot.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  getLlama,
  LlamaChatSession,
  LlamaLogLevel,
  readGgufFileInfo,
  type Llama,
  type LlamaContextSequence,
  type LlamaModel,
} from 'node-llama-cpp';
import { ensureKQuantTestModels, ensureRealVocabModel, ensureTestModels } from '../models.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GgmlType, dequantize, openGguf, writeGguf } from '../../electron/core/engine/gguf/index.ts';

const models: Record<string, string> = {
  ...(await ensureTestModels()),
  ...(await ensureKQuantTestModels()),
  rvSmallF32: await ensureRealVocabModel('small', 'F32'),
  rvSmallQ8: await ensureRealVocabModel('small', 'Q8_0'),
};
let llama: Llama;
const getL = async () => (llama ??= await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error }));
after(async () => {
  await llama?.dispose();
});

const PROMPT = 'Once upon a time the small cat sat on the mat and';

async function nextTokenProbs(seq: LlamaContextSequence, model: LlamaModel): Promise<Map<number, number>> {
  const prompt = [model.tokens.bos!, ...model.tokenize(PROMPT, false)];
  const res = await seq.controlledEvaluate(
    prompt.map((t, i) => (i === prompt.length - 1 ? [t, { generateNext: { probabilities: true } }] : t)),
  );
  return res[res.length - 1]!.next!.probabilities! as Map<number, number>;
}

/** node-llama-cpp nests metadata by dots; flatten back to GGUF keys. */
function flatten(obj: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out[key] = v;
  }
  return out;
}

for (const [label, path] of Object.entries(models)) {
  test(`${label}: node-llama-cpp's readGgufFileInfo equals our reading (every key, every tensor)`, async () => {
    const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
    const ours = openGguf(path);
    try {
      assert.equal(info.version, ours.version);
      const theirs = flatten(info.metadata as unknown as Record<string, unknown>);
      assert.deepEqual(Object.keys(theirs).sort(), Object.keys(ours.metadata).sort());
      for (const k of Object.keys(ours.metadata)) assert.deepEqual(theirs[k], ours.metadata[k], k);
      assert.equal(info.tensorInfo!.length, ours.tensors.length);
      for (const t of info.tensorInfo!) {
        const o = ours.tensor(t.name)!;
        assert.deepEqual(t.dimensions.map(Number), o.dims, t.name);
        assert.equal(t.ggmlType as number, o.type, t.name);
        assert.equal(Number(t.fileOffset), o.offset, t.name);
      }
    } finally {
      ours.close();
    }
  });

  test(`${label}: llama.cpp loads it, tokenizes control tokens, detokenizes, and generates`, async () => {
    const l = await getL();
    const model = await l.loadModel({ modelPath: path });
    try {
      assert.equal(model.fileInfo.metadata.general.architecture, 'gemma3');
      assert.equal(model.tokens.bos, 2);
      assert.equal(model.tokens.eos, 1);
      const text = '<start_of_turn>user\nhello world, the cat sat on the mat<end_of_turn>\n';
      const toks = model.tokenize(text, true);
      assert.equal(toks[0], 105, '<start_of_turn> is one token with id 105');
      assert.ok(toks.includes(106 as never), '<end_of_turn> is one token');
      assert.equal(model.detokenize(toks, true), text);
      assert.ok(model.isEogToken(106 as never), '<end_of_turn> ends generation');
      // without special parsing the same text is ordinary characters
      assert.ok(!model.tokenize(text, false).includes(105 as never));
      // non-ASCII text survives through byte-fallback tokens
      const uni = 'naïve café 🙂';
      assert.equal(model.detokenize(model.tokenize(uni, false)), uni);

      const ctx = await model.createContext({ contextSize: 256, threads: 2 });
      try {
        const seq = ctx.getSequence();
        const probs = await nextTokenProbs(seq, model);
        let entropy = 0;
        let top = 0;
        for (const p of probs.values()) {
          if (p > 0) entropy -= p * Math.log(p);
          top = Math.max(top, p);
        }
        const logV = Math.log(model.fileInfo.metadata.tokenizer.ggml.tokens.length);
        console.log(`${label}: next-token entropy ${entropy.toFixed(2)} nats (log V = ${logV.toFixed(2)}), top p ${top.toFixed(3)}`);
        assert.ok(entropy < 0.8 * logV, `entropy ${entropy} is close to flat (${logV})`);
        assert.ok(top > 0.05 && top < 0.95, `top probability ${top}`);
        await seq.clearHistory();

        const session = new LlamaChatSession({ contextSequence: seq });
        assert.equal(session.chatWrapper.wrapperName, 'Gemma');
        const answer = await session.prompt('hello there, tell me the story', { maxTokens: 24 });
        const gen = model.tokenize(answer, false);
        assert.ok(gen.length > 0, 'generated something');
        assert.ok(new Set(gen).size > 3, `greedy output is not one token repeated: ${JSON.stringify(answer)}`);
      } finally {
        await ctx.dispose();
      }
    } finally {
      await model.dispose();
    }
  });
}

/**
 * llama.cpp decodes our K-quant blocks as we do: a K-quant model and its F32 twin holding our
 * dequantized weights give nearly the same distribution. (Not identical: llama.cpp quantizes the
 * activations to Q8_K for these matmuls; mini Q8_0 vs its twin shows the same noise floor.) A twin
 * decoded with the nibbles of each byte swapped — a plausible layout bug — must land far away.
 */
test('K-quant models (our encoders) run in llama.cpp as our decoder reads them', async () => {
  const l = await getL();
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-kq-'));
  const probsOf = async (path: string) => {
    const model = await l.loadModel({ modelPath: path });
    const ctx = await model.createContext({ contextSize: 256, threads: 2 });
    try {
      return await nextTokenProbs(ctx.getSequence(), model);
    } finally {
      await ctx.dispose();
      await model.dispose();
    }
  };
  const twin = (path: string, out: string, swapNibbles: boolean) => {
    const f = openGguf(path);
    try {
      writeGguf(out, {
        metadata: f.typedMetadata,
        tensors: f.tensors.map((t) => ({
          name: t.name,
          dims: t.dims,
          type: GgmlType.F32,
          produce: () => {
            if (!swapNibbles || t.type !== GgmlType.Q4_K) return f.readTensorF32(t.name);
            const b = Uint8Array.from(f.readTensorBytes(t.name));
            for (let o = 0; o < b.length; o += 144) for (let i = o + 16; i < o + 144; i++) b[i] = (b[i] >> 4) | ((b[i] & 15) << 4);
            return dequantize(t.type, b, t.elementCount);
          },
        })),
      });
    } finally {
      f.close();
    }
    return out;
  };
  const tv = (p: Map<number, number>, q: Map<number, number>) => {
    let d = 0;
    for (const k of new Set([...p.keys(), ...q.keys()])) d += Math.abs((p.get(k) ?? 0) - (q.get(k) ?? 0));
    return d / 2;
  };
  try {
    const floor = tv(await probsOf(models.miniQ8), await probsOf(twin(models.miniQ8, join(dir, 'q8.gguf'), false)));
    for (const label of ['miniKQ5_K', 'miniKQ4_K_M'] as const) {
      const p = await probsOf(models[label]);
      const d = tv(p, await probsOf(twin(models[label], join(dir, `${label}.gguf`), false)));
      console.log(`${label}: total variation to its dequantized F32 twin ${d.toFixed(4)} (Q8_0 noise floor ${floor.toFixed(4)})`);
      assert.ok(d < 0.15, `${label}: llama.cpp and our decoder disagree (TV ${d})`);
      if (label === 'miniKQ4_K_M') {
        const wrong = tv(p, await probsOf(twin(models[label], join(dir, 'wrong.gguf'), true)));
        console.log(`${label}: with nibbles swapped (a layout bug) the TV would be ${wrong.toFixed(4)}`);
        assert.ok(wrong > 2 * d && wrong > 0.2, `the check cannot tell a layout bug (TV ${wrong})`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rv-small (real vocabulary): our engine tokenizes and greedy-decodes as llama.cpp does', async () => {
  const { loadGemma3 } = await import('../../electron/core/engine/models/gemma3/index.ts');
  for (const label of ['rvSmallF32', 'rvSmallQ8'] as const) {
    const ours = await loadGemma3(models[label], { threads: 2, numerics: 'llama' });
    const l = await getL();
    const model = await l.loadModel({ modelPath: models[label] });
    const ctx = await model.createContext({ contextSize: 256, threads: 2 });
    try {
      const prompt = 'The quick brown fox jumps over the lazy dog, and then';
      const ids = ours.tokenize(prompt);
      assert.deepEqual(ids, [2, ...model.tokenize(prompt, true).map(Number)], `${label}: prompt ids`);
      const theirs: number[] = [];
      for await (const t of ctx.getSequence().evaluate(ids as never, { temperature: 0 })) {
        theirs.push(Number(t));
        if (theirs.length >= 8) break;
      }
      assert.deepEqual(ours.generate(ids, { maxTokens: 8 }).tokens, theirs, `${label}: greedy tokens`);
    } finally {
      ours.dispose();
      await ctx.dispose();
      await model.dispose();
    }
  }
});
