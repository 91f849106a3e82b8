// Our Gemma 3 against llama.cpp (node-llama-cpp) on the generated mini models: next-token
// probabilities at every position of prompts longer than the sliding window, argmax, and greedy
// continuations. Prints the worst figures.
//
// llama.cpp runs with flash attention off (its non-flash CPU path, whose rounding our 'llama'
// numerics reproduce: f16 K/V cache, f16 Q and probabilities in the attention products, f16 GELU
// table). With flash attention on, the F32 figure rises to ~3e-3 TV because its online softmax
// rounds differently again.
//
// Bounds:
//   F32  ≤ 2e-3 TV, twice: our 'llama' numerics vs llama.cpp's default f16 KV cache, and our exact
//        f32 numerics vs llama.cpp with an f32 KV cache (the floor the issue names, removed).
//   F16  ≤ 1e-2 TV: the f16 weights are identical, but llama.cpp rounds every matmul input to f16.
//   Q8_0 ≤ 0.1 TV: both quantize each matmul input to 8 bits; the rounding is discontinuous, so
//        the f16 differences upstream flip individual int8 roundings and the two runs drift apart
//        by about as much as quantized vs unquantized inputs differ (measured 5e-2 either way on
//        this deliberately sharp random model). Argmax may differ only where llama.cpp's own top
//        two tokens are within 0.05 of each other (a perturbation of the measured size can swap
//        them; seen: 2 of 163 positions, margins 6e-3 and 1.4e-2), and greedy runs must agree up
//        to such a near-tie.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { getLlama, type Llama, type LlamaModel } from 'node-llama-cpp';
import { ensureTestModels, type TestModels } from '../../../../../test-support/models.ts';
import { loadGemma3, softmax, type Gemma3 } from './index.ts';

const PROMPTS = [
  'The quick brown fox jumps over the lazy dog, then it runs back home before the sun sets.',
  '<start_of_turn>user\nWrite a short poem about rivers and mountains, please.<end_of_turn>\n<start_of_turn>model\n',
  'Numbers 12345 and symbols #@! mixed with ümlauts, emoji 🙂 and CJK 漢字 make a tokenizer sweat.',
];

let models: TestModels;
let llama: Llama;
const loaded: LlamaModel[] = [];
const ours: Gemma3[] = [];

before(async () => {
  models = await ensureTestModels();
  llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: 'error' as never });
});
after(async () => {
  for (const m of ours) m.dispose();
  for (const m of loaded) await m.dispose();
});

interface Reference {
  ids: number[];
  probs: Float64Array[]; // per position, full vocabulary
}

async function llamaReference(model: LlamaModel, text: string | number[], kvF32: boolean, V: number): Promise<Reference> {
  const ctx = await model.createContext({
    contextSize: 256,
    threads: 2,
    flashAttention: false,
    ...(kvF32 ? { experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' } : {}),
  });
  try {
    const ids = typeof text === 'string' ? [model.tokens.bos!, ...model.tokenize(text, true)].map(Number) : text;
    const out = await ctx
      .getSequence()
      .controlledEvaluate(ids.map((t) => [t, { generateNext: { probabilities: true } }] as [number, object]) as never);
    const probs = out.map((r, i) => {
      const map = r?.next.probabilities;
      assert.ok(map, `llama.cpp returned no probabilities at position ${i}`);
      const p = new Float64Array(V);
      for (const [tok, pr] of map) p[Number(tok)] = pr;
      return p;
    });
    return { ids, probs };
  } finally {
    await ctx.dispose();
  }
}

interface Comparison {
  worstTv: number;
  worstAt: string;
  argmaxMismatches: string[];
  /** llama.cpp's top-two margins where a differing argmax was tolerated as a near-tie */
  tolerated: number[];
}

function compare(engine: Gemma3, ref: Reference, label: string, tieMargin: number): Comparison {
  const V = engine.config.vocab;
  const { logits } = engine.forward(ref.ids, { logitPositions: 'all' });
  let worstTv = 0;
  let worstAt = '';
  const argmaxMismatches: string[] = [];
  const tolerated: number[] = [];
  for (let t = 0; t < ref.ids.length; t++) {
    const p = softmax(logits, t * V, V);
    const q = ref.probs[t];
    let tv = 0;
    let a = 0,
      b = 0;
    for (let i = 0; i < V; i++) {
      tv += Math.abs(p[i] - q[i]);
      if (p[i] > p[a]) a = i;
      if (q[i] > q[b]) b = i;
    }
    tv /= 2;
    if (tv > worstTv) {
      worstTv = tv;
      worstAt = `${label} position ${t}`;
    }
    if (a !== b) {
      const sorted = [...q].sort((x, y) => y - x);
      const margin = sorted[0] - sorted[1];
      if (margin < tieMargin) tolerated.push(margin);
      else argmaxMismatches.push(`${label} position ${t}: ours ${a}, llama.cpp ${b} (llama.cpp margin ${margin.toExponential(2)})`);
    }
  }
  return { worstTv, worstAt, argmaxMismatches, tolerated };
}

async function checkModel(kind: 'F32' | 'F16' | 'Q8_0', path: string, bound: number, tieMargin: number): Promise<void> {
  const lm = await llama.loadModel({ modelPath: path });
  loaded.push(lm);
  const llamaNumerics = await loadGemma3(path, { threads: 2, numerics: 'llama' });
  const exact = await loadGemma3(path, { threads: 2, numerics: 'exact' });
  ours.push(llamaNumerics, exact);
  const V = exact.config.vocab;
  let worst: Comparison = { worstTv: 0, worstAt: '', argmaxMismatches: [], tolerated: [] };
  let worstExact: Comparison = { worstTv: 0, worstAt: '', argmaxMismatches: [], tolerated: [] };
  let positions = 0;
  for (const [i, text] of PROMPTS.entries()) {
    const ref = await llamaReference(lm, text, false, V);
    assert.ok(ref.ids.length > llamaNumerics.config.window + 8, `prompt ${i} (${ref.ids.length} tokens) must exceed the window`);
    assert.deepEqual(llamaNumerics.tokenize(text), ref.ids, `tokenization of prompt ${i}`);
    const c = compare(llamaNumerics, ref, `prompt ${i}`, tieMargin);
    positions += ref.ids.length;
    if (c.worstTv > worst.worstTv) worst = { ...c, argmaxMismatches: worst.argmaxMismatches, tolerated: worst.tolerated };
    worst.argmaxMismatches.push(...c.argmaxMismatches);
    worst.tolerated.push(...c.tolerated);
    if (kind === 'F32') {
      const refF32 = await llamaReference(lm, text, true, V);
      const e = compare(exact, refF32, `prompt ${i} (f32 KV)`, 0);
      if (e.worstTv > worstExact.worstTv) worstExact = { ...e, argmaxMismatches: worstExact.argmaxMismatches, tolerated: [] };
      worstExact.argmaxMismatches.push(...e.argmaxMismatches);
    }
  }
  console.log(
    `# ${kind}: worst TV ${worst.worstTv.toExponential(3)} at ${worst.worstAt} (ours 'llama' numerics vs llama.cpp f16 KV; bound ${bound})`,
  );
  if (tieMargin > 0) {
    console.log(
      `# ${kind}: argmax equal at ${positions - worst.tolerated.length}/${positions} positions; differs at ${worst.tolerated.length} near-ties (llama.cpp top-two margins ${worst.tolerated.map((m) => m.toExponential(1)).join(', ') || '-'})`,
    );
  }
  if (kind === 'F32')
    console.log(
      `# F32: worst TV ${worstExact.worstTv.toExponential(3)} at ${worstExact.worstAt} (ours exact vs llama.cpp f32 KV; bound ${bound})`,
    );
  assert.deepEqual(worst.argmaxMismatches, [], 'argmax differs from llama.cpp');
  assert.ok(worst.worstTv <= bound, `${kind}: total variation ${worst.worstTv} > ${bound} at ${worst.worstAt}`);
  if (kind === 'F32') {
    assert.deepEqual(worstExact.argmaxMismatches, [], 'argmax (exact numerics) differs from llama.cpp');
    assert.ok(worstExact.worstTv <= bound, `F32 exact: total variation ${worstExact.worstTv} > ${bound} at ${worstExact.worstAt}`);
  }

  // Greedy continuations: 32 tokens from llama.cpp's greedy sampler vs ours.
  const ctx = await lm.createContext({ contextSize: 256, threads: 2, flashAttention: false });
  try {
    for (const [i, text] of PROMPTS.entries()) {
      const prompt = llamaNumerics.tokenize(text);
      const seq = ctx.getSequence();
      const theirs: number[] = [];
      for await (const tok of seq.evaluate(prompt as never, { temperature: 0 })) {
        theirs.push(Number(tok));
        if (theirs.length === 32) break;
      }
      await seq.clearHistory();
      seq.dispose();
      const mine = llamaNumerics.generate(prompt, { maxTokens: 32, stopTokens: [] }).tokens;
      let agree = 0;
      while (agree < 32 && mine[agree] === theirs[agree]) agree++;
      if (agree < 32 && tieMargin > 0) {
        // Allowed only at a near-tie of llama.cpp's own distribution at the first difference.
        const ref = (await llamaReference(lm, [...prompt, ...theirs.slice(0, agree)], false, V)).probs.at(-1)!;
        const sorted = [...ref].sort((x, y) => y - x);
        console.log(
          `# ${kind}: greedy run ${i} agrees for ${agree}/32 tokens, then a near-tie (llama.cpp margin ${(sorted[0] - sorted[1]).toExponential(2)})`,
        );
        assert.ok(sorted[0] - sorted[1] < tieMargin, `greedy run ${i} diverges at token ${agree} without a near-tie`);
      } else {
        assert.deepEqual(mine, theirs, `greedy continuation of prompt ${i}`);
      }
    }
  } finally {
    await ctx.dispose();
  }
}

test('F32 mini model agrees with llama.cpp (TV ≤ 2e-3, argmax, greedy 32 tokens)', async () => {
  await checkModel('F32', models.miniF32, 2e-3, 0);
});

test('F16 mini model agrees with llama.cpp (TV ≤ 1e-2, argmax, greedy 32 tokens)', async () => {
  await checkModel('F16', models.miniF16, 1e-2, 0);
});

test('Q8_0 mini model agrees with llama.cpp (TV ≤ 0.1, argmax except near-ties, greedy up to a near-tie)', async () => {
  await checkModel('Q8_0', models.miniQ8, 0.1, 0.05);
});
