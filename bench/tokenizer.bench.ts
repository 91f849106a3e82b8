// Gemma 3's real vocabulary (issue 12): what it costs.
//  1. Tokenizing a ~100 KB document (test-support/tokenizer-corpus.ts) with our tokenizer vs llama.cpp's
//     (node-llama-cpp model.tokenize, the same GGUF vocabulary), best of REPS, as a ratio; the absolute
//     time is printed too, since "interactive" is the goal (well under 100 ms).
//  2. The small real-vocabulary model (rv-small: nano's 2 blocks, 262,144-token vocabulary) against nano
//     (same blocks, 512 tokens): load and a 64-token forward pass, in our engine and in llama.cpp, printed
//     as rv-small / nano ratios. The embedding matrix (262,144 × 64) is nearly all of its cost.
// Other work on the machine skews everything: the load average is printed beside the figures.
import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { getLlama, LlamaLogLevel, type Token } from 'node-llama-cpp';
import { loadGemma3 } from '../electron/core/engine/models/gemma3/index.ts';
import { openGguf } from '../electron/core/engine/gguf/index.ts';
import { Tokenizer } from '../electron/core/engine/models/gemma3/tokenizer.ts';
import { ensureRealVocabModel, ensureTestModels } from '../test-support/models.ts';
import { largeDocument } from '../test-support/tokenizer-corpus.ts';

const REPS = 5;
const T = 64;

function bestMs(fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const fmt = (ms: number) => `${ms.toFixed(1).padStart(8)} ms`;

export default async function main(): Promise<void> {
  const rvF32 = await ensureRealVocabModel('small', 'F32');
  const rvQ8 = await ensureRealVocabModel('small', 'Q8_0');
  const { nano } = await ensureTestModels();
  const llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error });
  console.log(`load average ${loadavg()[0].toFixed(1)}`);

  // 1. tokenizer
  const doc = largeDocument();
  const file = openGguf(rvF32);
  let t0 = performance.now();
  const ours = new Tokenizer(file.metadata);
  const ctorMs = performance.now() - t0;
  file.close();
  const vocabModel = await llama.loadModel({ modelPath: rvF32, vocabOnly: true });
  let n = 0;
  const oursMs = bestMs(() => (n = ours.encode(doc, { special: false }).length));
  const theirsMs = bestMs(() => void vocabModel.tokenize(doc, false));
  const ids = ours.encode(doc, { addBos: false });
  const decodeMs = bestMs(() => void ours.decode(ids));
  const theirsDecodeMs = bestMs(() => void vocabModel.detokenize(ids as Token[]));
  await vocabModel.dispose();
  console.log(
    `tokenize ${(doc.length / 1000).toFixed(0)} KB → ${n} tokens: ours ${fmt(oursMs)}, llama.cpp ${fmt(theirsMs)}  ours/llama.cpp ${(oursMs / theirsMs).toFixed(2)}×`,
  );
  console.log(
    `detokenize: ours ${fmt(decodeMs)}, llama.cpp ${fmt(theirsDecodeMs)}  ours/llama.cpp ${(decodeMs / theirsDecodeMs).toFixed(2)}×`,
  );
  console.log(`building our tokenizer from the GGUF vocabulary (262,144 tokens): ${fmt(ctorMs)}`);

  // 2. the small real-vocabulary model vs nano
  const prompt = ours.encode('The quick brown fox jumps over the lazy dog. '.repeat(8)).slice(0, T);
  const nanoPrompt = prompt.map((id) => id % 512);
  const rows: { name: string; mb: number; engLoad: number; engFwd: number; llLoad: number; llFwd: number }[] = [];
  for (const [name, path, p] of [
    ['nano F32', nano, nanoPrompt],
    ['rv-small F32', rvF32, prompt],
    ['rv-small Q8_0', rvQ8, prompt],
  ] as const) {
    t0 = performance.now();
    const model = await loadGemma3(path, { threads: 2 });
    const engLoad = performance.now() - t0;
    model.forward(p, { logitPositions: 'last' });
    const engFwd = bestMs(() => void model.forward(p, { logitPositions: 'last' }));
    model.dispose();
    t0 = performance.now();
    const lm = await llama.loadModel({ modelPath: path });
    const ctx = await lm.createContext({ contextSize: 256, threads: 2 });
    const llLoad = performance.now() - t0;
    const seq = ctx.getSequence();
    let llFwd = Infinity;
    for (let i = 0; i < REPS; i++) {
      await seq.clearHistory();
      t0 = performance.now();
      await seq.controlledEvaluate(
        p.map((id, k) => (k === p.length - 1 ? [id as Token, { generateNext: { token: true } }] : (id as Token))),
      );
      llFwd = Math.min(llFwd, performance.now() - t0);
    }
    await ctx.dispose();
    await lm.dispose();
    rows.push({ name, mb: statSync(path).size / 1e6, engLoad, engFwd, llLoad, llFwd });
  }
  await llama.dispose();
  const base = rows[0];
  console.log(`\nmodel            file MB | engine load, ${T}-token forward | llama.cpp load+context, ${T}-token eval`);
  for (const r of rows) {
    const ratio = (a: number, b: number) => (r === base ? '' : ` (${(a / b).toFixed(1)}×)`);
    console.log(
      `${r.name.padEnd(14)} ${r.mb.toFixed(1).padStart(8)} | ${fmt(r.engLoad)}${ratio(r.engLoad, base.engLoad)}, ${fmt(r.engFwd)}${ratio(r.engFwd, base.engFwd)} | ${fmt(r.llLoad)}${ratio(r.llLoad, base.llLoad)}, ${fmt(r.llFwd)}${ratio(r.llFwd, base.llFwd)}`,
    );
  }
  console.log(`load average ${loadavg()[0].toFixed(1)}`);
}
