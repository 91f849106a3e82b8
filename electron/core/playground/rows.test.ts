// Chosen playground results become dataset rows through playground.toDataset: runs are written to the
// store as a finished run would leave them (no model needed), then chosen. Each row must hold the prompt
// the model saw (prompts.ts, computed here the same way) and its answer; a new dataset and its rows
// appear in one transaction or not at all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompareConfig, SummarizeConfig, TagConfig } from '../api/playground.ts';
import { defaultSampling } from '../api/chat.ts';
import { startTestCore, type TestCore } from '../llm/test-core.ts';
import { PlaygroundStore } from '../store/playground.ts';
import { chunkPrompt, reducePrompt, tagPrompt } from './prompts.ts';

let t: TestCore;
let store: PlaygroundStore;
before(async () => {
  t = await startTestCore();
  store = new PlaygroundStore(t.core.db);
});
after(() => t.close());

const LABELS = [{ name: 'positive' }, { name: 'negative', description: 'the writer dislikes it' }];
const tagConfig: TagConfig = {
  kind: 'tag',
  labels: LABELS,
  multiLabel: false,
  instruction: 'What is the sentiment?',
  modelId: 'm',
  modelName: 'model',
  parallel: 2,
  sampling: defaultSampling,
  adapter: null,
};

function tagRun() {
  const texts = ['I love it', 'Awful', 'Fine I guess'];
  const run = store.create({ kind: 'tag', title: 'tags', config: tagConfig, items: texts.map((input, index) => ({ index, input })) });
  store.setItem(run.id, 0, 0, {
    status: 'done',
    output: {
      kind: 'tag',
      labels: ['positive'],
      confidence: { positive: 0.9 },
      raw: '{"labels": ["positive"]}',
      generatedTokens: 6,
      ms: 5,
    },
  });
  store.setItem(run.id, 1, 0, { status: 'failed', error: 'the answer did not finish' });
  store.setItem(run.id, 2, 0, {
    status: 'done',
    output: { kind: 'tag', labels: ['negative'], confidence: { negative: 0.6 }, raw: '{"labels":["negative"]}', generatedTokens: 6, ms: 5 },
  });
  store.finish(run.id, 'complete', null, null);
  return { runId: run.id, texts };
}

test('chosen tagging results become rows of a new dataset: the tagging prompt and the labels as JSON', async () => {
  const { runId, texts } = tagRun();
  const changed = t.next('datasets.changed');
  const r = await t.call('playground.toDataset', { runId, items: [{ index: 2 }, { index: 0 }], newDataset: 'Sentiment' });
  assert.equal(r.added, 2);
  assert.equal(r.datasetName, 'Sentiment');
  assert.ok((await changed).datasets.some((d) => d.id === r.datasetId && d.rowCount === 2));
  const rows = await t.call('datasets.rows', { id: r.datasetId });
  assert.deepEqual(
    rows.map((row) => row.messages),
    [
      [
        { role: 'user', content: tagPrompt(LABELS, false, 'What is the sentiment?', texts[2]) },
        { role: 'assistant', content: JSON.stringify({ labels: ['negative'] }) },
      ],
      [
        { role: 'user', content: tagPrompt(LABELS, false, 'What is the sentiment?', texts[0]) },
        { role: 'assistant', content: JSON.stringify({ labels: ['positive'] }) },
      ],
    ],
  );
  assert.ok(rows.every((row) => row.source === `playground:tag:${runId}` && row.split === 'train'));
  // Into the same (existing) dataset again: appended after the rows already there.
  const again = await t.call('playground.toDataset', { runId, items: [{ index: 0 }], datasetId: r.datasetId });
  assert.equal(again.added, 1);
  assert.equal((await t.call('datasets.rows', { id: r.datasetId })).length, 3);
});

test('a result that cannot be a row is refused with its reason, and nothing is added or created', async () => {
  const { runId } = tagRun();
  const datasets = (await t.call('datasets.list', {})).length;
  const failed = await t.fail('playground.toDataset', { runId, items: [{ index: 0 }, { index: 1 }], newDataset: 'Nope' });
  assert.equal(failed.code, 'bad_input');
  assert.match(failed.message, /item 2 has no result to add \(failed\)/);
  assert.match(
    (await t.fail('playground.toDataset', { runId, items: [{ index: 7 }], newDataset: 'Nope' })).message,
    /item 8 is not in this run/,
  );
  assert.match((await t.fail('playground.toDataset', { runId, items: [], newDataset: 'Nope' })).message, /choose at least one result/);
  assert.match((await t.fail('playground.toDataset', { runId, items: [{ index: 0 }] })).message, /choose a dataset or name a new one/);
  assert.match(
    (await t.fail('playground.toDataset', { runId, items: [{ index: 0 }], datasetId: 'gone' })).message,
    /dataset "gone" does not exist/,
  );
  assert.match(
    (await t.fail('playground.toDataset', { runId, items: [{ index: 0 }], summary: true, newDataset: 'N' })).message,
    /no finished summary/,
  );

  // An answer that cannot train (the model ended at once): the new dataset is rolled back with the rows.
  const config: CompareConfig = {
    kind: 'compare',
    columns: [0, 1].map((k) => ({
      label: `c${k}`,
      modelId: 'm',
      modelName: 'model',
      systemPrompt: '',
      sampling: defaultSampling,
      adapter: null,
    })),
  };
  const run = store.create({ kind: 'compare', title: 'c', config, items: [0, 1].map((col) => ({ index: 0, col, input: 'Hi' })) });
  for (const col of [0, 1])
    store.setItem(run.id, 0, col, {
      status: 'done',
      output: { kind: 'cell', text: col ? '' : 'Hello', promptTokens: 3, generatedTokens: col, ms: 1, tokensPerSecond: null },
    });
  const empty = await t.fail('playground.toDataset', {
    runId: run.id,
    items: [
      { index: 0, col: 0 },
      { index: 0, col: 1 },
    ],
    newDataset: 'Half',
  });
  assert.match(empty.message, /row 2: the answer is empty/);
  assert.equal((await t.call('datasets.list', {})).length, datasets, 'no dataset was created');
});

test('compare cells keep their column system prompt; map-reduce chunks and the final summary keep the prompts the model saw', async () => {
  const config: CompareConfig = {
    kind: 'compare',
    columns: [
      { label: 'plain', modelId: 'm', modelName: 'model', systemPrompt: '', sampling: defaultSampling, adapter: null },
      {
        label: 'pirate',
        modelId: 'm',
        modelName: 'model',
        systemPrompt: 'Answer like a pirate.',
        sampling: defaultSampling,
        adapter: null,
      },
    ],
  };
  const cmp = store.create({
    kind: 'compare',
    title: 'c',
    config,
    items: [0, 1].map((col) => ({ index: 0, col, input: 'Name a colour.' })),
  });
  for (const col of [0, 1])
    store.setItem(cmp.id, 0, col, {
      status: 'done',
      output: { kind: 'cell', text: col ? 'Arr, red' : 'Red', promptTokens: 5, generatedTokens: 2, ms: 1, tokensPerSecond: null },
    });
  const d = await t.call('playground.toDataset', {
    runId: cmp.id,
    items: [
      { index: 0, col: 0 },
      { index: 0, col: 1 },
    ],
    newDataset: 'Mixed',
  });
  assert.deepEqual(
    (await t.call('datasets.rows', { id: d.datasetId })).map((r) => r.messages),
    [
      [
        { role: 'user', content: 'Name a colour.' },
        { role: 'assistant', content: 'Red' },
      ],
      [
        { role: 'system', content: 'Answer like a pirate.' },
        { role: 'user', content: 'Name a colour.' },
        { role: 'assistant', content: 'Arr, red' },
      ],
    ],
  );

  // Map-reduce: 2 chunks, one reduce level of 1 part, then the final summary over that level.
  const sum: SummarizeConfig = {
    kind: 'summarize',
    length: 'short',
    style: 'bullets',
    modelId: 'm',
    modelName: 'model',
    documentId: null,
    documentName: null,
    chunkTokens: 0,
    adapter: null,
  };
  const run = store.create({ kind: 'summarize', title: 's', config: sum, items: [] });
  store.addItems(run.id, [
    { index: 0, input: 'First part.' },
    { index: 1, input: 'Second part.' },
    { index: 2, input: 'p0\n\np1' },
  ]);
  const chunk = (level: number, summary: string) => ({ kind: 'chunk' as const, level, inputTokens: 3, summary, generatedTokens: 2, ms: 1 });
  store.setItem(run.id, 0, 0, { status: 'done', output: chunk(0, 'p0') });
  store.setItem(run.id, 1, 0, { status: 'done', output: chunk(0, 'p1') });
  store.setItem(run.id, 2, 0, { status: 'done', output: chunk(1, 'both') });
  store.finish(
    run.id,
    'complete',
    { kind: 'summarize', summary: 'All of it.', mode: 'map-reduce', chunks: 2, levels: 1, documentTokens: 9, ms: 3 },
    null,
  );
  const s = await t.call('playground.toDataset', {
    runId: run.id,
    items: [{ index: 1 }, { index: 2 }],
    summary: true,
    datasetId: d.datasetId,
  });
  assert.equal(s.added, 3);
  assert.deepEqual(
    (await t.call('datasets.rows', { id: d.datasetId })).slice(2).map((r) => r.messages),
    [
      [
        { role: 'user', content: chunkPrompt('Second part.', 1, 2) },
        { role: 'assistant', content: 'p1' },
      ],
      [
        { role: 'user', content: reducePrompt('p0\n\np1', 'short', 'bullets', false) },
        { role: 'assistant', content: 'both' },
      ],
      [
        { role: 'user', content: reducePrompt('both', 'short', 'bullets', true) },
        { role: 'assistant', content: 'All of it.' },
      ],
    ],
  );
});
