// Playground throughput, measured in-process on the worker code (the same functions the model worker
// runs; CPU, 2 threads):
//   tagging: items/s of a batch with several sequences in one context and the shared instruction
//            prefix evaluated once, against one item at a time from scratch, alternating in the same
//            run (the middle rows split the gain between the two ideas). Goal (issue 13): ≥ 2×.
//   map-reduce: wall time to summarize a generated 20-page PDF (extraction, chunking, map, reduce),
//            with where it went: per chunk its prompt tokens, generated tokens and time.
// Models: the mini test model for tagging; the small real-vocabulary model for map-reduce (Gemma 3's
// tokenizer, so chunk counts are what a real Gemma 3 file gives); GLASSBOX_BENCH_270M=1 adds the
// Gemma 3 270M-shape model (random weights, Q8_0) to both. Env: GLASSBOX_BENCH_TAG_ITEMS (default
// 24), GLASSBOX_BENCH_REPS (default 2), GLASSBOX_BENCH_PAGES (default 20), GLASSBOX_BENCH_STEP_TOKENS
// (default 48), GLASSBOX_BENCH_THREADS (default 2), GLASSBOX_BENCH_PARTS (tag,mapreduce).
import { loadavg } from 'node:os';
import { ensureModel270m, ensureRealVocabModel, ensureTestModels } from '../test-support/models.ts';
import { extractBytes } from '../electron/core/docs/extract.ts';
import { prosePdf, sentences } from '../electron/core/docs/fixtures.ts';
import { runSummarize } from '../electron/core/playground/worker/summarize.ts';
import { runTagBatch } from '../electron/core/playground/worker/tag.ts';
import type { ModelSpec } from '../electron/core/llm/worker/types.ts';
import type { ChunkOutput } from '../electron/core/api/playground.ts';
import type { SummarizeEvent } from '../electron/core/playground/worker/types.ts';

const ITEMS = Number(process.env.GLASSBOX_BENCH_TAG_ITEMS ?? 24);
const REPS = Number(process.env.GLASSBOX_BENCH_REPS ?? 2);
const PAGES = Number(process.env.GLASSBOX_BENCH_PAGES ?? 20);
// Random-weight models never end an answer: every partial summary would run to its cap, so the cap
// (not the model) would set the time. 48 tokens is about what a real model writes per chunk summary.
const STEP_TOKENS = Number(process.env.GLASSBOX_BENCH_STEP_TOKENS ?? 48);
const PARTS = (process.env.GLASSBOX_BENCH_PARTS ?? 'tag,mapreduce').split(',');
const backend = { gpu: 'cpu' as const, threads: Number(process.env.GLASSBOX_BENCH_THREADS ?? 2) };
const ctx = { signal: new AbortController().signal, emit: () => {} };
const LABELS = [
  { name: 'sports', description: 'games, athletes, matches' },
  { name: 'politics', description: 'governments, elections, laws' },
  { name: 'science', description: 'research, discoveries, nature' },
  { name: 'business', description: 'companies, markets, money' },
];
const INSTRUCTION =
  'You are a careful news editor. Read the headline and the first paragraph, and decide which section of the newspaper the story belongs in.';

async function tagBench(name: string, spec: ModelSpec) {
  const items = Array.from({ length: ITEMS }, (_, index) => ({ index, text: sentences(2, index + 1) }));
  const variants = [
    { label: 'one at a time, from scratch (baseline)', parallel: 1, sharedPrefix: false },
    { label: 'one at a time, shared prefix', parallel: 1, sharedPrefix: true },
    { label: '4 sequences, each from scratch', parallel: 4, sharedPrefix: false },
    { label: '4 sequences + shared prefix (the app)', parallel: 4, sharedPrefix: true },
  ];
  const best = variants.map(() => Infinity);
  let prefixTokens = 0;
  let promptTokens = 0;
  for (let rep = 0; rep < REPS; rep++) {
    for (const [k, v] of variants.entries()) {
      const t0 = performance.now();
      const r = await runTagBatch(
        {
          backend,
          model: spec,
          labels: LABELS,
          multiLabel: false,
          instruction: INSTRUCTION,
          items,
          parallel: v.parallel,
          sharedPrefix: v.sharedPrefix,
          sampling: { temperature: 0, topK: 0, topP: 1, minP: 0, repeatPenalty: 1, seed: 1, maxTokens: 64 },
        },
        ctx,
      );
      best[k] = Math.min(best[k], performance.now() - t0);
      if (v.sharedPrefix) prefixTokens = r.prefixTokens;
      promptTokens = r.promptTokens;
    }
  }
  console.log(
    `\n${name}: tagging ${ITEMS} items, 4 labels; prompts ${Math.round(promptTokens / ITEMS)} tokens each, ${prefixTokens} shared (best of ${REPS}, load ${loadavg()[0].toFixed(1)})`,
  );
  for (const [k, v] of variants.entries()) {
    const ips = ITEMS / (best[k] / 1000);
    console.log(`  ${v.label.padEnd(42)} ${ips.toFixed(2).padStart(7)} items/s   ×${(best[0] / best[k]).toFixed(2)}`);
  }
}

async function mapReduceBench(name: string, spec: ModelSpec) {
  const t0 = performance.now();
  const doc = await extractBytes(await prosePdf(PAGES), 'report.pdf');
  const tExtract = performance.now() - t0;
  let chunks = 0;
  const done: ChunkOutput[] = [];
  let tFinal = 0;
  const r = await runSummarize(
    {
      backend,
      model: spec,
      text: doc.text,
      length: 'medium',
      style: 'paragraph',
      chunkTokens: null,
      contextSize: 2048,
      sampling: { temperature: 0, topK: 0, topP: 1, minP: 0, repeatPenalty: 1.1, seed: 1, maxTokens: STEP_TOKENS },
    },
    {
      signal: ctx.signal,
      emit: (e: unknown) => {
        const ev = e as SummarizeEvent;
        if (ev.type === 'items') chunks += ev.items.length;
        if (ev.type === 'itemDone') done.push(ev.output);
        if (ev.type === 'finalStart') tFinal = performance.now();
      },
    },
  );
  const total = performance.now() - t0;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const map = done.filter((c) => c.level === 0);
  const mapMs = sum(map.map((c) => c.ms));
  console.log(
    `\n${name}: ${PAGES}-page PDF (${doc.text.length.toLocaleString()} chars, ${r.documentTokens.toLocaleString()} tokens), context min(2048, the model's), ${backend.threads} threads: ` +
      `${r.mode}, ${r.chunks} chunks + ${chunks - r.chunks} reduce parts, ${r.levels} extra levels; extraction ${(tExtract / 1000).toFixed(1)} s, total ${(total / 1000).toFixed(1)} s (load ${loadavg()[0].toFixed(1)})`,
  );
  if (map.length > 0)
    console.log(
      `  map: ${map.length} chunks of ${Math.round(sum(map.map((c) => c.inputTokens)) / map.length)} tokens on average (max ${Math.max(...map.map((c) => c.inputTokens))}), ` +
        `${(sum(map.map((c) => c.generatedTokens)) / map.length).toFixed(1)} generated per chunk, ${(mapMs / map.length / 1000).toFixed(2)} s per chunk, ${(mapMs / 1000).toFixed(1)} s in all\n` +
        `  reduce levels: ${(sum(done.filter((c) => c.level > 0).map((c) => c.ms)) / 1000).toFixed(1)} s; final summary ${((t0 + total - tFinal) / 1000).toFixed(1)} s; ` +
        `setup (model, context, planning) ${((total - tExtract - sum(done.map((c) => c.ms)) - (t0 + total - tFinal)) / 1000).toFixed(1)} s`,
    );
}

export default async function main() {
  const m = await ensureTestModels();
  const spec = (id: string, path: string): ModelSpec => ({ id, name: id, path, gpuLayers: 0, contextSize: null });
  const big: [string, ModelSpec][] =
    process.env.GLASSBOX_BENCH_270M === '1' ? [['270M-shape (Q8_0)', spec('270m', await ensureModel270m('Q8_0'))]] : [];
  if (PARTS.includes('tag')) for (const [name, s] of [['mini (Q8_0)', spec('mini', m.miniQ8)] as const, ...big]) await tagBench(name, s);
  if (PARTS.includes('mapreduce'))
    for (const [name, s] of [
      ['rv-small, real vocabulary (F32)', spec('rv-small', await ensureRealVocabModel('small', 'F32'))] as const,
      ...big,
    ])
      await mapReduceBench(name, s);
}
