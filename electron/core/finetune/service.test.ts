// The datasets and finetune services through the core's one door, with the real engine worker:
// import (and a bad import that adds nothing), statistics with the model's tokenizer, a training run
// as a job with metrics stored per step, its adapter recorded; another tokenizer refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { ensureModel, ensureTestModels } from '../../../test-support/models.ts';
import { startTestCore, type TestCore } from '../llm/test-core.ts';

let t: TestCore;
before(async () => {
  t = await startTestCore();
});
after(async () => {
  await t.close();
});

const jsonl = (n: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ prompt: `what about the water ${i}`, completion: 'the water is blue' })).join('\n');

test('a bad import reports lines and adds nothing; a good one adds every row', async () => {
  const bad = await t.fail('datasets.import', {
    name: 'bad',
    fileName: 'bad.jsonl',
    content: `${jsonl(2)}\n{"prompt": "x"\n{"prompt":"y","completion":""}`,
  });
  assert.equal(bad.code, 'bad_input');
  assert.match(bad.message, /line 3: not valid JSON.*line 4: the answer is empty/);
  assert.deepEqual(await t.call('datasets.list', {}), []);
  const { dataset, imported } = await t.call('datasets.import', { name: 'water', fileName: 'water.jsonl', content: jsonl(6) });
  assert.equal(imported, 6);
  assert.equal(dataset.rowCount, 6);
  const split = await t.call('datasets.split', { id: dataset.id, fraction: 0.2, seed: 1 });
  assert.equal(split.validationCount, 1);
  const csv = await t.call('datasets.export', { id: dataset.id, format: 'csv' });
  assert.match(csv.content, /^system,prompt,completion,split\n/);
});

test('training runs as a job: metrics per step, an adapter on disk; another tokenizer is refused', async () => {
  const { nano } = await ensureTestModels();
  const [ds] = await t.call('datasets.list', {});
  const stats = await t.call('datasets.stats', { id: ds.id, modelPath: nano, maxLength: 64 });
  assert.equal(stats.rows, 6);
  assert.equal(stats.overCount, 0);
  const { defaults } = await t.call('finetune.presets', {});
  const config = { ...defaults, rank: 2, alpha: 4, epochs: 2, gradAccum: 1, evalEvery: 2, checkpointEvery: 2, learningRate: 5e-3 };
  const other = ensureModel({ preset: 'nano', weightType: 'F32', seed: 1234, config: { vocab: 640 } });
  const refused = await t.fail('finetune.start', { datasetId: ds.id, modelPath: other, config });
  assert.equal(refused.code, 'conflict');
  assert.match(refused.message, /prepared for another tokenizer/);

  const { runId } = await t.call('finetune.start', { datasetId: ds.id, modelPath: nano, config });
  const done = await t.next('finetune.runChanged', (p) => p.run.id === runId && p.run.status !== 'running' && p.run.status !== 'queued');
  assert.equal(done.run.status, 'completed', done.run.error ?? '');
  const { steps, evals, run } = await t.call('finetune.run', { runId });
  assert.equal(steps.length, 10); // 5 training rows × 2 epochs, one row per step
  assert.deepEqual(
    steps.map((s) => s.step),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  assert.ok(evals.length >= 5);
  assert.ok(steps.at(-1)!.loss < steps[0].loss);
  assert.ok(run.adapter && existsSync(run.adapter.ggufPath) && existsSync(`${run.adapter.peftPath}/adapter_config.json`));
  assert.deepEqual(run.config, config, 'the run keeps its full configuration');
});

test('rows from chosen chat replies: the conversation up to each reply, the reply as the answer', async () => {
  const { ChatStore } = await import('../store/chat.ts');
  const session = await t.call('sessions.create', { title: 'source' });
  const chat = new ChatStore(t.core.db);
  const u1 = chat.add({ sessionId: session.id, parentId: null, role: 'user', content: 'hi' });
  const a1 = chat.add({ sessionId: session.id, parentId: u1.id, role: 'assistant', content: 'hello' });
  const u2 = chat.add({ sessionId: session.id, parentId: a1.id, role: 'user', content: 'and now?' });
  const a2 = chat.add({ sessionId: session.id, parentId: u2.id, role: 'assistant', content: 'now this' });
  const ds = await t.call('datasets.create', { name: 'from chat' });
  const wrong = await t.fail('datasets.fromChat', { id: ds.id, sessionId: session.id, messageIds: [u2.id] });
  assert.equal(wrong.code, 'bad_input');
  assert.deepEqual(await t.call('datasets.fromChat', { id: ds.id, sessionId: session.id, messageIds: [a1.id, a2.id] }), { added: 2 });
  const rows = await t.call('datasets.rows', { id: ds.id });
  assert.deepEqual(
    rows.map((r) => r.messages.map((m) => m.content)),
    [
      ['hi', 'hello'],
      ['hi', 'hello', 'and now?', 'now this'],
    ],
  );
});
