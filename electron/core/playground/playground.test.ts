// The playground through the core's dispatcher on a real llama.cpp model worker (tiny random-weight
// Gemma 3: answers are gibberish, so these tests check structure — valid labels, chunk counts, stored
// rows, metrics that match the stored items — never content).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureRealVocabModel, ensureTestModels } from '../../../test-support/models.ts';
import type { RunView } from '../api/playground.ts';
import { docx, sentences } from '../docs/fixtures.ts';
import { FinetuneStore } from '../finetune/store.ts';
import { startTestCore, type TestCore } from '../llm/test-core.ts';
import { writeRandomAdapter } from './adapter-fixture.ts';
import type { TagEvent } from './worker/types.ts';

let t: TestCore;
const LABELS = [{ name: 'positive', description: 'the writer likes it' }, { name: 'negative' }, { name: 'neutral' }];
const ITEMS = [
  { text: 'I love this phone, the battery lasts for days.', gold: ['positive'] },
  { text: 'Terrible service, I will never come back.', gold: ['negative'] },
  { text: 'The package arrived on Tuesday.', gold: ['neutral'] },
  { text: 'Best concert of my life!', gold: ['positive'] },
  { text: 'The screen cracked after one week.', gold: ['negative'] },
  { text: 'It is a blue box.', gold: ['neutral'] },
];

before(async () => {
  t = await startTestCore();
  const model = await t.call('models.import', { path: await ensureRealVocabModel('small', 'F32') });
  await t.call('models.setActive', { id: model.id });
});
after(() => t.close());

async function finished(runId: string): Promise<RunView> {
  const done = (s: string) => s !== 'running';
  const now = await t.call('playground.get', { runId });
  if (!done(now.run.status)) await t.next('playground.run', (p) => p.run.id === runId && done(p.run.status));
  return t.call('playground.get', { runId });
}

/** A multi-label tagging batch straight on the model worker (shared prefix on), with its events. */
async function tagInWorker(
  labels: { name: string }[],
  items: string[],
  sampling: { temperature: number; seed: number },
): Promise<{ prefix: number; items: Extract<TagEvent, { type: 'item' }>[] }> {
  const model = (await t.call('models.list', {})).find((m) => m.active)!;
  let prefix = -1;
  const results: Extract<TagEvent, { type: 'item' }>[] = [];
  await t.core.workers.model.request(
    'playgroundTag',
    {
      backend: { gpu: 'cpu', threads: 2 },
      model: { id: model.id, name: model.name, path: model.path, gpuLayers: 0, contextSize: null },
      labels,
      multiLabel: true,
      instruction: 'Which apply?',
      items: items.map((text, index) => ({ index, text })),
      parallel: items.length,
      sharedPrefix: true,
      sampling: { ...sampling, topK: 0, topP: 1, minP: 0, repeatPenalty: 1, maxTokens: 64 },
    },
    { onEvent: (e) => ((e as TagEvent).type === 'prefix' ? (prefix = (e as { tokens: number }).tokens) : results.push(e as never)) },
  );
  return { prefix, items: results };
}

test('a tagging batch returns only valid labels with confidences, and metrics that match the items', async () => {
  const started = await t.call('playground.tag', { labels: LABELS, instruction: 'What is the sentiment?', items: ITEMS, parallel: 3 });
  const view = await finished(started.runId);
  assert.equal(view.run.status, 'complete', view.run.error ?? '');
  assert.equal(view.items.length, ITEMS.length);
  const names = LABELS.map((l) => l.name);
  for (const it of view.items) {
    assert.equal(it.status, 'done', it.error ?? '');
    assert.ok(it.output?.kind === 'tag');
    assert.equal(it.output.labels.length, 1, 'single-label: exactly one');
    assert.ok(names.includes(it.output.labels[0]), `"${it.output.labels[0]}" is a listed label`);
    const c = it.output.confidence[it.output.labels[0]];
    assert.ok(c > 0 && c <= 1, `confidence ${c} in (0, 1]`);
    assert.deepEqual(JSON.parse(it.output.raw).labels, it.output.labels);
  }
  const m = view.result;
  assert.ok(m?.kind === 'tag');
  const correct = view.items.filter((it) => it.output?.kind === 'tag' && it.output.labels[0] === it.gold![0]).length;
  assert.equal(m.evaluated, ITEMS.length);
  assert.equal(m.accuracy, correct / ITEMS.length);
  assert.deepEqual(m.confusion!.labels, names);
  assert.equal(
    m.confusion!.counts.flat().reduce((a, b) => a + b, 0),
    ITEMS.length,
  );
  assert.equal(
    m.confusion!.counts.reduce((a, row, k) => a + row[k], 0),
    correct,
    'the diagonal counts the correct items',
  );
  for (const [k, l] of m.perLabel.entries())
    assert.equal(
      l.support,
      m.confusion!.counts[k].reduce((a, b) => a + b, 0),
      `support of ${l.label}`,
    );
  assert.ok(m.itemsPerSecond! > 0);
});

test('a batch with a shared prefix tags every item with valid, distinct labels (multi-label)', async () => {
  const { prefix, items } = await tagInWorker(
    LABELS,
    ITEMS.slice(0, 4).map((it) => it.text),
    { temperature: 0, seed: 1 },
  );
  const labels = Object.fromEntries(items.map((it) => [it.index, it.labels]));
  assert.ok(prefix > 20, `the instruction and label list are shared (${prefix} tokens)`);
  assert.deepEqual(Object.keys(labels).map(Number).sort(), [0, 1, 2, 3]);
  for (const l of Object.values(labels))
    assert.ok(
      l.length >= 1 && new Set(l).size === l.length && l.every((x) => ['positive', 'negative', 'neutral'].includes(x)),
      JSON.stringify(l),
    );
});

test('labels with quotes, backslashes and non-ASCII letters: the grammar holds them as JSON strings, and the answers parse to listed labels', async () => {
  const names = ['say "yes"', 'back\\slash', 'naïve', 'tab\there'];
  const { items: results } = await tagInWorker(
    names.map((name) => ({ name })),
    ITEMS.slice(0, 3).map((it) => it.text),
    { temperature: 1, seed: 3 },
  );
  assert.equal(results.length, 3);
  for (const r of results) {
    assert.equal(r.error, null, r.raw);
    assert.ok(r.labels.length >= 1 && r.labels.every((l) => names.includes(l)), JSON.stringify(r.labels));
    assert.deepEqual([...new Set(JSON.parse(r.raw).labels)], r.labels, 'the stored answer is JSON holding the labels');
  }
});

test('bad tagging input is refused with a clear message and stores nothing', async () => {
  const before = (await t.call('playground.runs', {})).length;
  assert.match((await t.fail('playground.tag', { labels: [], items: ITEMS })).message, /add at least one label/);
  const dup = await t.fail('playground.tag', { labels: [{ name: 'spam' }, { name: ' Spam ' }], items: ITEMS });
  assert.match(dup.message, /label "Spam" is listed twice/);
  assert.match(
    (await t.fail('playground.tag', { labels: LABELS, items: [{ text: 'x', gold: ['happy'] }] })).message,
    /gold label "happy" of item 1 is not one of the labels/,
  );
  assert.match((await t.fail('playground.tag', { labels: LABELS, items: [] })).message, /nothing to tag/);
  assert.equal((await t.call('playground.runs', {})).length, before);

  const csv = 'text,label\n"good, really",positive\nmissing a column\n"multi\nline ok",neutral\na,b,c\n';
  const parsed = await t.call('playground.parseItems', { format: 'csv', content: csv });
  assert.deepEqual(parsed.items, [
    { text: 'good, really', gold: ['positive'] },
    { text: 'multi\nline ok', gold: ['neutral'] },
  ]);
  assert.deepEqual(
    parsed.errors.map((e) => e.line),
    [3, 6],
    JSON.stringify(parsed.errors),
  );
  const jsonl = await t.call('playground.parseItems', {
    format: 'jsonl',
    content: '{"text":"a","label":"positive"}\n{oops\n\n[1]\n{"text":"b","labels":["neutral","negative"]}\n',
  });
  assert.deepEqual(
    jsonl.errors.map((e) => e.line),
    [2, 4],
  );
  assert.deepEqual(jsonl.items[1], { text: 'b', gold: ['neutral', 'negative'] });
});

test('a short text is summarized whole; the summary streams and is stored with its document', async () => {
  const text = sentences(8, 42);
  const deltas: string[] = [];
  const off = t.core.events.subscribe((e) => e.name === 'playground.delta' && e.payload.target === 'final' && deltas.push(e.payload.text));
  const { runId } = await t.call('playground.summarize', { text, length: 'short', sampling: { maxTokens: 16 } });
  const view = await finished(runId);
  off();
  assert.equal(view.run.status, 'complete', view.run.error ?? '');
  assert.ok(view.result?.kind === 'summarize');
  assert.equal(view.result.mode, 'whole');
  assert.equal(view.items.length, 0);
  assert.equal(deltas.join('').trim(), view.result.summary, 'the streamed text is the stored summary');
  assert.equal(view.partial, view.result.summary);
  const doc = await t.call('documents.get', { id: view.run.documentId! });
  assert.equal(doc.text, text);
  assert.equal(doc.latestSummary?.runId, runId);
});

test('a long document goes map-reduce: chunk count, per-chunk summaries, a final summary; then export', async () => {
  const path = join(t.dir, 'long.docx');
  writeFileSync(
    path,
    await docx(
      'Long report',
      Array.from({ length: 12 }, (_, i) => sentences(5, i + 7)),
    ),
  );
  const { document: doc } = await t.call('documents.add', { path });
  const { runId } = await t.call('playground.summarize', { documentId: doc.id, chunkTokens: 400, sampling: { maxTokens: 8 } });
  const view = await finished(runId);
  assert.equal(view.run.status, 'complete', view.run.error ?? '');
  const r = view.result;
  assert.ok(r?.kind === 'summarize');
  assert.equal(r.mode, 'map-reduce');
  const level0 = view.items.filter((it) => it.output?.kind === 'chunk' && it.output.level === 0);
  assert.equal(level0.length, r.chunks);
  assert.ok(r.chunks >= Math.ceil(r.documentTokens / 400), `${r.chunks} chunks for ${r.documentTokens} tokens`);
  for (const it of view.items) {
    assert.equal(it.status, 'done');
    assert.ok(it.output?.kind === 'chunk' && it.output.inputTokens <= 400);
  }
  const words = (s: string) => s.split(/\s+/).filter(Boolean);
  assert.deepEqual(
    words(level0.map((it) => it.input).join(' ')),
    words((await t.call('documents.get', { id: doc.id })).text),
    'the chunks hold the whole document, in order',
  );

  const csv = await t.call('playground.export', { runId, format: 'csv' });
  assert.equal(csv.mimeType, 'text/csv');
  assert.equal(csv.content.trim().split('\r\n').length, 1 + view.items.length + 1, 'header, one row per chunk, the final summary');
  const jsonl = await t.call('playground.export', { runId, format: 'jsonl' });
  const lines = jsonl.content
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines[0].type, 'run');
  assert.equal(lines[0].result.chunks, r.chunks);
  assert.equal(lines.length, 1 + view.items.length);
});

test('cancelling a summary stops it and keeps it as cancelled', async () => {
  const long = Array.from({ length: 60 }, (_, i) => sentences(6, i + 100)).join('\n\n');
  const { runId, jobId } = await t.call('playground.summarize', { text: long, chunkTokens: 200, sampling: { maxTokens: 8 } });
  await t.next('playground.item', (p) => p.runId === runId && p.item.status === 'done');
  await t.call('jobs.cancel', { jobId });
  const view = await finished(runId);
  assert.equal(view.run.status, 'cancelled');
  assert.ok(view.items.some((it) => it.status === 'done') && view.items.some((it) => it.status !== 'done'));
});

test('compare runs the same inputs through two configurations side by side', async () => {
  const { runId } = await t.call('playground.compare', {
    inputs: ['Write a haiku about rivers.', 'Name three colours.'],
    columns: [
      { label: 'greedy', sampling: { temperature: 0, maxTokens: 12 } },
      { label: 'hot', systemPrompt: 'Answer like a pirate.', sampling: { temperature: 1.2, maxTokens: 12, seed: 3 } },
    ],
  });
  const view = await finished(runId);
  assert.equal(view.run.status, 'complete', view.run.error ?? '');
  assert.equal(view.items.length, 4);
  assert.deepEqual(
    view.items.map((it) => [it.index, it.col]),
    [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ],
  );
  for (const it of view.items) {
    assert.ok(it.output?.kind === 'cell');
    assert.ok(it.output.generatedTokens >= 0 && it.output.generatedTokens <= 12 && it.output.promptTokens > 0);
  }
  assert.ok(view.config.kind === 'compare' && view.config.columns[1].systemPrompt === 'Answer like a pirate.');
  assert.ok(view.result?.kind === 'compare' && view.result.columns.length === 2);
  assert.match((await t.fail('playground.compare', { inputs: ['x'], columns: [{}] })).message, /at least two configurations/);
});

test('documents: the same file is stored once; a bad file stores nothing', async () => {
  const path = join(t.dir, 'same.md');
  writeFileSync(path, '# Notes\n\nSome words here.');
  const a = await t.call('documents.add', { path });
  const b = await t.call('documents.add', { path, name: 'copy.md' });
  assert.equal(a.duplicate, false);
  assert.equal(b.duplicate, true);
  assert.equal(b.document.id, a.document.id);
  const count = (await t.call('documents.list', {})).length;
  const bad = join(t.dir, 'bad.bin');
  writeFileSync(bad, Buffer.from([0, 1, 2, 3, 0, 0, 9]));
  assert.match((await t.fail('documents.add', { path: bad })).message, /binary file/);
  assert.equal((await t.call('documents.list', {})).length, count);
  assert.deepEqual(
    (await t.call('documents.search', { query: 'word' })).map((h) => h.id),
    [a.document.id],
  );
});

test('compare: base and tuned side by side (same model, with and without an adapter) give different outputs; each column records its adapter', async () => {
  const model = (await t.call('models.list', {})).find((m) => m.active)!;
  const path = join(t.dir, 'random-adapter.gguf');
  const { rank, alpha } = writeRandomAdapter(model.path, path);
  const store = new FinetuneStore(t.core.db);
  const adapter = store.addAdapter({ runId: null, name: 'random', modelPath: model.path, ggufPath: path, peftPath: null, rank, alpha });
  const inputs = ['Write a haiku about rivers.', 'Name three colours.'];
  const { runId } = await t.call('playground.compare', {
    inputs,
    columns: [
      { label: 'base', sampling: { temperature: 0, maxTokens: 12 } },
      { label: 'tuned', adapter: { adapterId: adapter.id, scale: 1 }, sampling: { temperature: 0, maxTokens: 12 } },
    ],
  });
  const view = await finished(runId);
  assert.equal(view.run.status, 'complete', view.run.error ?? '');
  assert.ok(view.config.kind === 'compare');
  assert.equal(view.config.columns[0].adapter, null);
  assert.deepEqual(view.config.columns[1].adapter, { adapterId: adapter.id, name: 'random', scale: 1 });
  const cell = (index: number, col: number) => {
    const it = view.items.find((x) => x.index === index && x.col === col)!;
    assert.equal(it.status, 'done', it.error ?? '');
    assert.ok(it.output?.kind === 'cell');
    return it.output;
  };
  for (const index of inputs.keys()) {
    const [base, tuned] = [cell(index, 0), cell(index, 1)];
    assert.equal(base.promptTokens, tuned.promptTokens, 'the same prompt');
    assert.ok(base.generatedTokens > 0 && tuned.generatedTokens > 0);
    assert.notEqual(tuned.text, base.text, `input ${index + 1}: the adapter changes the greedy answer`);
  }

  // Scale 0 is the base model: the same greedy answer, which shows the difference above is the adapter's.
  const zero = await finished(
    (
      await t.call('playground.compare', {
        inputs: [inputs[0]],
        columns: [
          { sampling: { temperature: 0, maxTokens: 12 } },
          { adapter: { adapterId: adapter.id, scale: 0 }, sampling: { temperature: 0, maxTokens: 12 } },
        ],
      })
    ).runId,
  );
  const texts = zero.items.map((it) => (it.output?.kind === 'cell' ? it.output.text : null));
  assert.equal(texts[1], texts[0]);
  assert.equal(texts[0], cell(0, 0).text);
});

test('an adapter for another model is refused with a clear message, and nothing is stored', async () => {
  const model = (await t.call('models.list', {})).find((m) => m.active)!;
  const mini = (await ensureTestModels()).miniF32;
  const path = join(t.dir, 'mini-adapter.gguf');
  const { rank, alpha } = writeRandomAdapter(mini, path);
  const store = new FinetuneStore(t.core.db);
  const other = store.addAdapter({ runId: null, name: 'for mini', modelPath: mini, ggufPath: path, peftPath: null, rank, alpha });
  // Registered against this model's file but shaped for another (a copy, a renamed file): the tensors say so.
  const misfiled = store.addAdapter({ runId: null, name: 'misfiled', modelPath: model.path, ggufPath: path, peftPath: null, rank, alpha });
  const before = (await t.call('playground.runs', {})).length;
  const column = (adapterId: string) => [{}, { adapter: { adapterId } }];
  const a = await t.fail('playground.compare', { inputs: ['x'], columns: column(other.id) });
  assert.equal(a.code, 'bad_input');
  assert.match(a.message, /adapter "for mini" was trained on another model \(glassbox-mini-f32[^)]*\), not /);
  const b = await t.fail('playground.tag', { labels: LABELS, items: ITEMS, adapter: { adapterId: misfiled.id } });
  assert.match(
    b.message,
    /adapter "misfiled" cannot be used with .*: the adapter's blk\.0\.attn_q\.weight is \[in 128, out 256\] but the model's is \[in 64, out 128\]/,
  );
  assert.match((await t.fail('playground.summarize', { text: 'x', adapter: { adapterId: 'nope' } })).message, /adapter/);
  assert.equal((await t.call('playground.runs', {})).length, before);
});
