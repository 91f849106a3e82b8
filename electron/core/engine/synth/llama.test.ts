// Every generated model through the real engine: node-llama-cpp loads it, tokenizes and detokenizes
// text with control tokens, reads the same metadata we do, picks its Gemma chat wrapper, and generates
// from a distribution that is neither flat nor one-hot.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { getLlama, LlamaChatSession, LlamaLogLevel, readGgufFileInfo, type Llama } from 'node-llama-cpp';
import { ensureTestModels } from '../../../../test-support/models.ts';
import { openGguf } from '../gguf/index.ts';
import { PRESETS } from './presets.ts';

const models = await ensureTestModels();
let llama: Llama;
const getL = async () => (llama ??= await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error }));
after(async () => {
  await llama?.dispose();
});

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
        const prompt = [model.tokens.bos!, ...model.tokenize('Once upon a time the small cat sat on the mat and', false)];
        const res = await seq.controlledEvaluate(
          prompt.map((t, i) => (i === prompt.length - 1 ? [t, { generateNext: { probabilities: true } }] : t)),
        );
        const probs = res[res.length - 1]!.next!.probabilities!;
        let entropy = 0;
        let top = 0;
        for (const p of probs.values()) {
          if (p > 0) entropy -= p * Math.log(p);
          top = Math.max(top, p);
        }
        const logV = Math.log(label === 'nano' ? PRESETS.nano.vocab : PRESETS.mini.vocab);
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
