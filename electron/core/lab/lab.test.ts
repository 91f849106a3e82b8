// The lab through the real core: llama.cpp and our engine in their workers, results in SQLite.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSnapshot } from '../api/jobs.ts';
import type { SpeedRun, StoredCheck } from '../api/lab.ts';
import { ensureTestModels, type TestModels } from '../../../test-support/models.ts';
import { openGguf, readTensorRangeF32 } from '../engine/gguf/index.ts';
import { startTestCore, type TestCore } from '../llm/test-core.ts';

let t: TestCore;
let models: TestModels;

before(async () => {
  models = await ensureTestModels();
  t = await startTestCore();
  const m = await t.call('models.import', { path: models.miniF32 });
  await t.call('models.setActive', { id: m.id });
});
after(() => t.close());

async function jobResult<R>(jobId: string): Promise<{ result: R; updates: JobSnapshot[] }> {
  const updates = () => t.events.filter((e) => e.name === 'jobs.update' && e.payload.jobId === jobId).map((e) => e.payload as JobSnapshot);
  const final =
    updates().find((s) => s.state !== 'running') ?? (await t.next('jobs.update', (s) => s.jobId === jobId && s.state !== 'running'));
  assert.equal(final.state, 'done', `job ${final.title}: ${final.error?.message}`);
  return { result: final.result as R, updates: updates() };
}

test('speed lab: llama.cpp on the CPU at two thread counts and our engine, stored, exported and imported', async () => {
  const { jobId } = await t.call('lab.speedRun', {
    configs: [
      { engine: 'llama.cpp', backend: 'cpu', threads: 1 },
      { engine: 'llama.cpp', backend: 'cpu', threads: 2 },
      { engine: 'glassbox', backend: 'cpu', threads: 2 },
    ],
    promptLengths: [16, 48],
    decodeTokens: 8,
  });
  const { result: run } = await jobResult<SpeedRun>(jobId);
  assert.deepEqual(
    run.results.map((r) => [r.engine, r.threads, r.error ?? null]),
    [
      ['llama.cpp', 1, null],
      ['llama.cpp', 2, null],
      ['glassbox', 2, null],
    ],
  );
  for (const r of run.results) {
    assert.deepEqual(
      r.prefill.map((p) => p.promptTokens),
      [16, 48],
    );
    for (const p of r.prefill)
      assert.ok(p.tokensPerSecond > 0 && Number.isFinite(p.tokensPerSecond) && p.timeToFirstTokenMs > 0, JSON.stringify(p));
    assert.ok(r.decodeTokensPerSecond > 0 && Number.isFinite(r.decodeTokensPerSecond));
  }
  assert.ok(run.machine.cores >= 1 && run.machine.cpu.length > 0 && /llama\.cpp/.test(run.machine.backendBuild));
  assert.deepEqual(
    (await t.call('lab.speedRuns', {})).map((r) => r.id),
    [run.id],
  );

  const exported = await t.call('lab.speedExport', { id: run.id });
  assert.match(exported.fileName, /^speed-.+\.json$/);
  const imported = await t.call('lab.speedImport', { json: exported.json });
  assert.equal(imported.imported, true);
  assert.deepEqual(imported.results, run.results);
  assert.deepEqual(imported.machine, run.machine);

  const notJson = await t.fail('lab.speedImport', { json: '{"format":' });
  assert.match(notJson.message, /not a speed-lab export: the file is not JSON/);
  const wrong = await t.fail('lab.speedImport', {
    json: JSON.stringify({ format: 'glassbox.speed-run', version: 1, run: { ...JSON.parse(exported.json).run, results: [] } }),
  });
  assert.match(wrong.message, /run\.results/);
  assert.equal((await t.call('lab.speedRuns', {})).length, 2, 'nothing stored from a bad import');
});

test('speed lab queues behind a streaming chat reply and says so', async () => {
  // Greedy with a high token limit: on this random model the reply never ends its turn early, so it
  // is still streaming until we stop it.
  const session = await t.call('sessions.create', { title: 'Busy chat' });
  await t.call('chat.setConfig', { sessionId: session.id, sampling: { temperature: 0, maxTokens: 5000 } });
  const started = await t.call('chat.send', { sessionId: session.id, content: 'Tell me a long story about rivers.' });
  const streaming = (e: (typeof t.events)[number]) =>
    e.name === 'chat.message' && e.payload.message.id === started.assistantMessage.id && e.payload.message.status === 'streaming';
  if (!t.events.some(streaming))
    await t.next('chat.message', (p) => p.message.id === started.assistantMessage.id && p.message.status === 'streaming');
  const { jobId } = await t.call('lab.speedRun', {
    configs: [{ engine: 'llama.cpp', backend: 'cpu', threads: 1 }],
    promptLengths: [8],
    decodeTokens: 4,
  });
  const isQueued = (s: JobSnapshot) => s.jobId === jobId && /Queued: waiting for the chat reply/.test(s.message);
  if (!t.events.some((e) => e.name === 'jobs.update' && isQueued(e.payload as JobSnapshot))) await t.next('jobs.update', isQueued);
  const stopped = await t.call('chat.stop', { sessionId: session.id });
  assert.equal(stopped.stopped, true, 'the reply was still streaming when the job queued');
  const reply = await t.finished(started.assistantMessage.id);
  const { updates } = await jobResult<SpeedRun>(jobId);
  const queued = updates.findIndex((u) => /Queued: waiting for the chat reply/.test(u.message));
  const measuring = updates.findIndex((u) => /^Measuring /.test(u.message));
  assert.ok(queued >= 0, `the job said it was queued: ${updates.map((u) => u.message).join(' | ')}`);
  assert.ok(measuring > queued);
  // The measurement started only once the reply was no longer streaming.
  const replyEnd = t.events.findIndex(
    (e) => e.name === 'chat.message' && e.payload.message.id === reply.id && e.payload.message.status !== 'streaming',
  );
  const measureStart = t.events.findIndex(
    (e) => e.name === 'jobs.update' && e.payload.jobId === jobId && /^Measuring /.test(e.payload.message),
  );
  assert.ok(replyEnd >= 0 && measureStart > replyEnd, `reply ended at event ${replyEnd}, measuring started at ${measureStart}`);
});

test('similarity of four texts from llama.cpp and from our engine; vectors are stored, not recomputed', async () => {
  const texts = [
    'The cat sat on the mat.',
    'A cat was sitting on a mat.',
    'Stock prices fell sharply today.',
    'Quarterly earnings disappointed investors.',
  ];
  for (const method of [
    { kind: 'llama' as const },
    { kind: 'engine' as const, layer: 2, pooling: 'mean' as const },
    { kind: 'engine' as const, layer: -1, pooling: 'last' as const },
  ]) {
    const r = await t.call('lab.similarity', { texts, method });
    assert.equal(r.matrix.length, 16);
    for (let i = 0; i < 4; i++) {
      assert.ok(Math.abs(r.matrix[i * 4 + i] - 1) < 1e-5, `diagonal ${r.matrix[i * 4 + i]}`);
      for (let j = 0; j < 4; j++) assert.ok(Math.abs(r.matrix[i * 4 + j] - r.matrix[j * 4 + i]) < 1e-9);
    }
    assert.equal(r.projection.length, 4);
    assert.equal(r.cached, 0);
    assert.ok(r.explained[0] >= r.explained[1] && r.explained[0] + r.explained[1] <= 1 + 1e-9);
    const again = await t.call('lab.similarity', { texts, method });
    assert.equal(again.cached, 4);
    assert.deepEqual(again.matrix, r.matrix);
  }
  const bad = await t.fail('lab.similarity', { texts, method: { kind: 'engine', layer: 40, pooling: 'mean' } });
  assert.match(bad.message, /has 6 layers \(0–5\); layer 40 does not exist/);
});

test('nearest tokens in the embedding matrix match a direct computation', async () => {
  const r = await t.call('lab.nearestTokens', { token: '▁the', k: 5 });
  assert.equal(r.neighbours.length, 5);
  const f = openGguf(models.miniF32);
  try {
    const [D] = f.tensor('token_embd.weight')!.dims;
    const row = (id: number) => readTensorRangeF32(f, 'token_embd.weight', id * D, D);
    const cos = (a: Float32Array, b: Float32Array) => {
      let ab = 0,
        aa = 0,
        bb = 0;
      for (let i = 0; i < D; i++) {
        ab += a[i] * b[i];
        aa += a[i] * a[i];
        bb += b[i] * b[i];
      }
      return ab / Math.sqrt(aa * bb);
    };
    const q = row(r.token.id);
    for (const n of r.neighbours) assert.ok(Math.abs(n.similarity - cos(q, row(n.id))) < 1e-5);
    for (let i = 1; i < r.neighbours.length; i++) assert.ok(r.neighbours[i - 1].similarity >= r.neighbours[i].similarity);
  } finally {
    f.close();
  }
});

test('check this model: stored with the model and read back as the latest check', async () => {
  assert.equal(await t.call('lab.latestCheck', {}), null);
  const { jobId } = await t.call('lab.check', { prompts: ['Hello there, how are you?'] });
  const { result, updates } = await jobResult<StoredCheck>(jobId);
  assert.equal(result.ok, true, result.result.verdict.details.join('\n'));
  assert.ok(
    updates.some((u) => /greedy continuation/.test(u.message)),
    'progress names the steps',
  );
  assert.deepEqual(await t.call('lab.latestCheck', {}), result);
});

test("a dataset's near-duplicate rows: the repeated row pairs up at similarity 1, the threshold holds", async () => {
  const rows = [
    { prompt: 'What colour is the sky?', completion: 'Blue, on a clear day.' },
    { prompt: 'Name a prime number.', completion: 'Seven.' },
    { prompt: 'What colour is the sky?', completion: 'Blue, on a clear day.' },
  ];
  const { dataset } = await t.call('datasets.import', {
    name: 'Dupes',
    fileName: 'dupes.jsonl',
    content: rows.map((r) => JSON.stringify(r)).join('\n'),
  });
  const method = { kind: 'engine' as const, layer: -1, pooling: 'mean' as const };
  const r = await t.call('lab.datasetDuplicates', { datasetId: dataset.id, method, threshold: 0.9999 });
  assert.equal(r.rows, 3);
  assert.ok(r.pairs.length >= 1);
  const top = r.pairs[0];
  assert.equal(top.a.text, top.b.text, JSON.stringify(top));
  assert.match(top.a.text, /colour is the sky/);
  assert.notEqual(top.a.id, top.b.id);
  assert.ok(top.similarity > 1 - 1e-6);
  for (const p of r.pairs) assert.ok(p.similarity >= 0.9999);
  const again = await t.call('lab.datasetDuplicates', { datasetId: dataset.id, method, threshold: 0.9999 });
  assert.equal(again.cached, 3, 'every vector came from the store the second time');
  const missing = await t.fail('lab.datasetDuplicates', { datasetId: 'nope', method, threshold: 0.9 });
  assert.match(missing.message, /No such dataset/);
});
