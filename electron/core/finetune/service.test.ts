// The datasets and finetune services through the core's one door, with the real engine worker:
// import (and a bad import that adds nothing), statistics with the model's tokenizer, a training run
// as a job with metrics stored per step, its adapter recorded; another tokenizer refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { ensureModel, ensureRealVocabModel, ensureTestModels } from '../../../test-support/models.ts';
import { snapshotOf, type JobStarted } from '../api/jobs.ts';
import { tokenStats } from '../datasets/prepare.ts';
import { modelTokenizer } from '../datasets/tokenizer.ts';
import { startTestCore, type TestCore } from '../llm/test-core.ts';

let t: TestCore;
before(async () => {
  t = await startTestCore();
});
after(async () => {
  await t.close();
});

/** Waits for a job the core started (it may have ended before we listened) and returns its result. */
async function jobResult<R>(started: JobStarted<R>): Promise<R> {
  const ended = t.next('jobs.update', (j) => j.jobId === started.jobId && j.state !== 'running');
  const now = await t.call('jobs.get', { jobId: started.jobId });
  const s = snapshotOf(started.jobId, now.state !== 'running' ? now : await ended);
  assert.equal(s.state, 'done', `${s.kind} ended ${s.state}: ${s.error?.message}`);
  return s.result!;
}

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
  const stats = await jobResult(await t.call('datasets.stats', { id: ds.id, modelPath: nano, maxLength: 64 }));
  assert.equal(stats.rows, 6);
  assert.equal(stats.overCount, 0);
  const { defaults } = await t.call('finetune.presets', {});
  const config = {
    ...defaults,
    rank: 2,
    alpha: 4,
    epochs: 2,
    batchSize: 1,
    gradAccum: 1,
    evalEvery: 2,
    checkpointEvery: 2,
    learningRate: 5e-3,
  };
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

test('token statistics of a large dataset run in the engine worker: the host answers while they run, with progress', async () => {
  const modelPath = await ensureRealVocabModel('small', 'F32'); // Gemma 3's 262,144-token tokenizer
  const N = 40_000;
  const content = Array.from({ length: N }, (_, i) =>
    JSON.stringify({
      prompt: `row ${i}: tell me everything you know about the water in the lake near the old mill, number ${i * 7}`,
      completion: `the water is ${i % 3 ? 'blue' : 'very cold and clear'} ${'and deep '.repeat(i % 5)}`,
    }),
  ).join('\n');
  const { dataset } = await t.call('datasets.import', { name: 'large', fileName: 'large.jsonl', content });
  assert.equal(dataset.rowCount, N);
  const started = await t.call('datasets.stats', { id: dataset.id, modelPath, maxLength: 40 });
  // the job reports progress part-way (or ends first, which the assertion below would catch)
  const seen = await t.next('jobs.update', (j) => j.jobId === started.jobId && (j.state !== 'running' || (j.progress ?? 0) > 0));
  assert.equal(seen.state, 'running', 'progress arrives while the statistics run');
  assert.match(seen.message, /^\d+ of 40000 rows$/);
  // the host answers requests meanwhile: the job is still running after they return
  const list = await t.call('datasets.list', {});
  assert.ok(list.some((d) => d.id === dataset.id));
  assert.equal((await t.call('jobs.get', { jobId: started.jobId })).state, 'running', 'the host answered before the statistics were done');

  const stats = await jobResult(started);
  assert.equal(stats.rows, N);
  assert.equal(stats.lengths.length, N);
  // the worker's numbers are the in-process computation's
  const rows = await t.call('datasets.rows', { id: dataset.id });
  const local = tokenStats(rows.slice(0, 500), modelTokenizer(modelPath).tokenize, 40);
  assert.deepEqual(stats.lengths.slice(0, 500), local.lengths);
  assert.ok(stats.overCount > 0 && stats.overCount < N, `${stats.overCount} rows over 40 tokens`);
  const after = (await t.call('datasets.list', {})).find((d) => d.id === dataset.id)!;
  assert.equal(after.tokenizer?.model, 'glassbox-rv-small-f32-s1234-g3.gguf', 'the dataset remembers which tokenizer measured it');

  // cancelled part-way: the job ends cancelled, the worker stays usable
  const again = await t.call('datasets.stats', { id: dataset.id, modelPath, maxLength: 40 });
  const running = await t.next('jobs.update', (j) => j.jobId === again.jobId && (j.state !== 'running' || (j.progress ?? 0) > 0));
  assert.equal(running.state, 'running');
  await t.call('jobs.cancel', { jobId: again.jobId });
  const ended = t.next('jobs.update', (j) => j.jobId === again.jobId && j.state !== 'running');
  const now = await t.call('jobs.get', { jobId: again.jobId });
  assert.equal((now.state !== 'running' ? now : await ended).state, 'cancelled');
  const small = await t.call('datasets.import', { name: 'small', fileName: 'small.jsonl', content: jsonl(3) });
  assert.equal((await jobResult(await t.call('datasets.stats', { id: small.dataset.id, modelPath, maxLength: 64 }))).rows, 3);
});

test('statistics with a file that is not a model fail as a job with a clear message', async () => {
  const [ds] = await t.call('datasets.list', {});
  const started = await t.call('datasets.stats', { id: ds.id, modelPath: '/nonexistent/model.gguf', maxLength: 64 });
  const ended = t.next('jobs.update', (j) => j.jobId === started.jobId && j.state !== 'running');
  const now = await t.call('jobs.get', { jobId: started.jobId });
  const s = now.state !== 'running' ? now : await ended;
  assert.equal(s.state, 'failed');
  assert.match(s.error!.message, /cannot read the model's tokenizer/);
  const missing = await t.fail('datasets.stats', { id: 'no-such-dataset', modelPath: '/x.gguf', maxLength: 64 });
  assert.equal(missing.code, 'not_found');
});
