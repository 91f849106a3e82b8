// The inspect service over a real core (SQLite in a temp folder, a real engine worker): jobs are typed
// by the contract, finished runs are stored and survive closing the core, attention read from the
// database equals the engine's, and a stored run the engine lost (worker restarted, or a new core)
// is computed again under its id with the same numbers.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { MethodInput, MethodName } from '../api/contract.ts';
import type { JobStarted } from '../api/jobs.ts';
import { snapshotOf } from '../api/jobs.ts';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import { ensureRealVocabModel } from '../../../test-support/models.ts';
import { startTestCore, type TestCore } from '../llm/test-core.ts';

let t: TestCore;
let modelPath: string;
const dir = mkdtempSync(join(tmpdir(), 'glassbox-inspect-'));
const PROMPT = 'The quick brown fox jumps over the lazy dog, and the dog';

before(async () => {
  modelPath = await ensureRealVocabModel('small');
  t = await startTestCore({ dataDir: dir });
});
after(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a job method and waits for its typed result (no cast: the JobId carries the type). */
async function result<R>(tc: TestCore, started: Promise<JobStarted<R>>): Promise<R> {
  const { jobId } = await started;
  const done = tc.next('jobs.update', (s) => s.jobId === jobId && s.state !== 'running');
  const now = tc.core.jobs.get(jobId);
  const s = snapshotOf(jobId, now.state !== 'running' ? now : await done);
  assert.equal(s.state, 'done', `${s.kind}: ${s.error?.message}`);
  return s.result!;
}

const call = <M extends MethodName>(tc: TestCore, m: M, input: MethodInput<M>) => tc.call(m, input);

test("a run is stored: listed, reopened with the job's numbers, attention from the database equals the engine's", async () => {
  const changed = t.next('inspect.runsChanged');
  const run = await result(t, call(t, 'inspect.run', { modelPath, prompt: PROMPT }));
  assert.deepEqual(await changed, { runId: run.runId, change: 'added' });
  const listed = await call(t, 'inspect.runs', {});
  assert.equal(listed[0].runId, run.runId);
  assert.equal(listed[0].tokenCount, run.tokens.length);
  assert.deepEqual(await call(t, 'inspect.getRun', { runId: run.runId }), { kind: 'activations', run });

  const T = run.tokens.length;
  for (const [layer, head] of [
    [0, 0],
    [1, 2],
  ]) {
    const fromDb = await call(t, 'inspect.attention', { runId: run.runId, layer, head });
    const fromEngine = await t.core.workers.engine.request('inspectAttention', { runId: run.runId, layer, head });
    assert.deepEqual(fromDb, fromEngine, `layer ${layer} head ${head}`);
    assert.equal(fromDb.data.length, T * T);
  }
});

test("a run's tokens are the model's own, as the inspectors show them: ▁ pieces, byte tokens as bytes, control tokens marked", async () => {
  const rare = '𐌰'; // Gothic ahsa: not a piece of Gemma 3's vocabulary, so spelled in byte tokens
  const prompt = `<start_of_turn>user\nThe fox saw ${rare}`;
  const run = await result(t, call(t, 'inspect.run', { modelPath, prompt, topK: 3 }));
  // llama.cpp on the same file, as the reference: ids, and which tokens are control or byte tokens
  const llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error });
  const lm = await llama.loadModel({ modelPath, vocabOnly: true });
  try {
    const ids = [lm.tokens.bos!, ...lm.tokenize(prompt, true)];
    assert.deepEqual(
      run.tokens.map((x) => x.id),
      ids.map(Number),
    );
    const bytes: number[] = [];
    run.tokens.forEach((tok, i) => {
      const attrs = lm.getTokenAttributes(ids[i]);
      if (attrs.control) {
        assert.equal(tok.kind, 'control', `${tok.text} is marked`);
        assert.equal(tok.text, lm.detokenize([ids[i]], true), 'a control token is shown by its name');
      } else if (attrs.byte) {
        assert.equal(tok.kind, 'byte');
        assert.match(tok.text, /^\\x[0-9A-F]{2}$/, 'a byte token of a multi-byte character is shown as its byte');
        bytes.push(parseInt(tok.text.slice(2), 16));
      } else {
        assert.ok(tok.kind === 'normal' || tok.kind === 'user-defined', `${tok.text}: ${tok.kind}`);
        assert.equal(tok.text, lm.detokenize([ids[i]], true).replaceAll(' ', '\u2581').replaceAll('\n', '\\n'), 'spaces as ▁');
      }
    });
    assert.deepEqual(
      run.tokens.slice(0, 2).map((x) => [x.text, x.kind]),
      [
        ['<bos>', 'control'],
        ['<start_of_turn>', 'control'],
      ],
    );
    assert.ok(
      run.tokens.some((x) => x.text === '\u2581fox'),
      'the word after a space is the piece ▁fox',
    );
    assert.deepEqual(bytes, [...Buffer.from(rare, 'utf8')], 'the byte tokens spell the character');
    assert.ok(
      run.next.every((x) => x.kind !== undefined),
      'top tokens carry their kind',
    );
  } finally {
    await lm.dispose();
    await llama.dispose();
  }
});

test('after the engine worker restarts, lazy views of a stored run recompute it under its id with the same numbers', async () => {
  const run = await result(t, call(t, 'inspect.run', { modelPath, prompt: PROMPT, topK: 5 }));
  const lens = await call(t, 'inspect.lens', { runId: run.runId, position: 3, topK: 5 });
  const iv = { runId: run.runId, topK: 5, interventions: [{ kind: 'head' as const, layer: 1, head: 0, scale: 0 }] };
  const before = await result(t, call(t, 'inspect.intervene', iv));

  await call(t, 'workers.crashForTest', { worker: 'engine' });
  assert.equal(await t.core.workers.engine.request('inspectHolds', { runId: run.runId }), false, 'the new worker holds nothing');
  // two views at once share one recomputation
  const engine = t.core.workers.engine;
  const tasks: string[] = [];
  const request = engine.request.bind(engine);
  engine.request = ((task, input, options) => (tasks.push(task), request(task, input, options))) as typeof engine.request;
  try {
    const [l1, l2] = await Promise.all([
      call(t, 'inspect.lens', { runId: run.runId, position: 3, topK: 5 }),
      call(t, 'inspect.lens', { runId: run.runId, position: 3, topK: 5 }),
    ]);
    assert.deepEqual(l1, lens);
    assert.deepEqual(l2, lens);
  } finally {
    delete (engine as Partial<typeof engine>).request;
  }
  assert.equal(tasks.filter((x) => x === 'inspectRun').length, 1, tasks.join(', '));
  const again = await result(t, call(t, 'inspect.intervene', iv));
  assert.deepEqual({ ...again, timing: null }, { ...before, timing: null });
  assert.equal(again.before[0].prob, run.next[0].prob, "before = the stored run's own next-token distribution");
});

test('gradient runs are stored with their id; unknown and deleted runs are clear not_found errors', async () => {
  const g = await result(t, call(t, 'inspect.gradients', { modelPath, prompt: 'The quick brown', target: ' fox' }));
  assert.deepEqual(await call(t, 'inspect.getRun', { runId: g.runId }), { kind: 'gradients', run: g });
  assert.equal((await call(t, 'inspect.runs', {}))[0].headline, `loss ${g.loss.toFixed(4)}`);
  // a gradient run has no activations to look at
  assert.equal((await t.fail('inspect.lens', { runId: g.runId, position: 0, topK: 3 })).code, 'bad_input');

  assert.deepEqual(await call(t, 'inspect.deleteRun', { runId: g.runId }), { deleted: true });
  assert.deepEqual(await call(t, 'inspect.deleteRun', { runId: g.runId }), { deleted: false });
  const gone = await t.fail('inspect.getRun', { runId: g.runId });
  assert.equal(gone.code, 'not_found');
  assert.match(gone.message, /does not exist/);
  assert.equal((await t.fail('inspect.attention', { runId: 'no-such-run', layer: 0, head: 0 })).code, 'not_found');
  assert.equal((await t.fail('inspect.getRun', { runId: '' } as never)).code, 'bad_input');
});

test('a run reopens in a new core on the same database, and its lazy views still work', async () => {
  const run = await result(t, call(t, 'inspect.run', { modelPath, prompt: 'a reopened prompt', topK: 4 }));
  await t.close();
  const t2 = await startTestCore({ dataDir: dir });
  t = t2;
  assert.deepEqual(await call(t2, 'inspect.getRun', { runId: run.runId }), { kind: 'activations', run });
  const lensLast = await call(t2, 'inspect.lens', { runId: run.runId, position: run.tokens.length - 1, topK: 4 });
  assert.deepEqual(
    lensLast,
    run.lens.find((l) => l.position === run.tokens.length - 1),
  );
});

test('a gradient job shows real progress and cancels in the backward; nothing is stored and the engine keeps working', async () => {
  // ~250 tokens: the backward through the 262,144-token head takes long enough to be cancelled mid-way
  const long = Array.from({ length: 60 }, (_, i) => `word${i % 37} and`).join(' ');
  const runsBefore = (await call(t, 'inspect.runs', {})).length;
  const restartsBefore = t.core.workers.engine.snapshot.restarts;
  const { jobId } = await call(t, 'inspect.gradients', { modelPath, prompt: long, target: '' });
  const inBackward = await t.next('jobs.update', (s) => s.jobId === jobId && (s.message.startsWith('backward') || s.state !== 'running'));
  assert.equal(inBackward.state, 'running', `the job was still running in the backward (${inBackward.state}: ${inBackward.message})`);
  assert.ok(inBackward.progress! > 0.4 && inBackward.progress! < 1, `progress ${inBackward.progress}`);
  const ended = t.next('jobs.update', (s) => s.jobId === jobId && s.state !== 'running');
  t.core.jobs.cancel(jobId);
  assert.equal((await ended).state, 'cancelled');
  assert.equal((await call(t, 'inspect.runs', {})).length, runsBefore, 'a cancelled run is not stored');
  const g = await result(t, call(t, 'inspect.gradients', { modelPath, prompt: 'The quick brown', target: ' fox' }));
  assert.ok(Number.isFinite(g.loss));
  assert.equal(t.core.workers.engine.snapshot.restarts, restartsBefore, 'the cancel did not cost the worker');
});

test('a run with an adapter is stored with it and recomputed with it in a new core; an adapter for another shape fails as bad input', async () => {
  const { writeGgufAdapter } = await import('../engine/export/adapter.ts');
  const { initAdapter, LORA_TARGETS } = await import('../engine/train/lora.ts');
  const { PRESETS } = await import('../../../test-support/synth/presets.ts');
  const write = (preset: 'rv-small' | 'mini', path: string) => {
    const c = PRESETS[preset];
    const ad = initAdapter(
      { layers: c.layers, hidden: c.hidden, qDim: c.heads * c.headDim, kvDim: c.kvHeads * c.headDim, ffn: c.ffn },
      { targets: LORA_TARGETS, rank: 2, alpha: 4, seed: 3 },
    );
    for (const p of ad.pairs) for (let i = 0; i < p.b.length; i++) p.b[i] = Math.sin(i + p.inDim) * 0.2;
    writeGgufAdapter(path, ad, { architecture: 'gemma3' });
  };
  const adapterPath = join(dir, 'rv-small-lora.gguf');
  write('rv-small', adapterPath);
  const adapter = { path: adapterPath, scale: 0.75 };
  const run = await result(t, call(t, 'inspect.run', { modelPath, prompt: PROMPT, adapter }));
  assert.deepEqual(run.adapter, { path: adapterPath, name: 'rv-small-lora', scale: 0.75, rank: 2, alpha: 4 });
  const base = await result(t, call(t, 'inspect.run', { modelPath, prompt: PROMPT }));
  assert.notDeepEqual(
    run.next.map((n) => n.logit),
    base.next.map((n) => n.logit),
  );

  // a new core holds no runs: the lens view recomputes the stored run, with its adapter
  const t2 = await startTestCore({ dataDir: dir });
  try {
    const lens = await call(t2, 'inspect.lens', { runId: run.runId, position: run.tokens.length - 1, topK: 5 });
    const last = lens.layers.at(-1)!.top;
    assert.deepEqual(
      last.map((x) => x.id),
      run.next.slice(0, 5).map((x) => x.id),
    );
    for (const [i, x] of last.entries())
      assert.ok(Math.abs(x.logit - run.next[i].logit) <= 1e-5, `logit ${i}: ${x.logit} vs ${run.next[i].logit}`);
  } finally {
    await t2.close();
  }

  // mini's blocks are wider than rv-small's (which has nano's): an adapter for another shape
  const otherPath = join(dir, 'mini-lora.gguf');
  write('mini', otherPath);
  const { jobId } = await call(t, 'inspect.run', { modelPath, prompt: PROMPT, adapter: { path: otherPath, scale: 1 } });
  const done = t.next('jobs.update', (s) => s.jobId === jobId && s.state !== 'running');
  const now = t.core.jobs.get(jobId);
  const s = now.state !== 'running' ? now : await done;
  assert.equal(s.state, 'failed');
  assert.equal(s.error?.code, 'bad_input');
  const message = s.error?.message ?? '';
  assert.ok(message.startsWith(`the adapter mini-lora does not fit ${basename(modelPath, '.gguf')}: `), message);
  assert.match(message, /another model/);
});
