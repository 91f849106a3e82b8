// The run store against SQLite: a stored run reads back as the job gave it (arrays rounded to float32
// once), survives closing the database, keeps its arrays as compact BLOBs, and deletes them with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GradientResult, InspectRun, ModelSummary } from '../api/inspect.ts';
import { openDatabase } from '../store/database.ts';
import { InspectRunStore, KEEP_STORED_RUNS } from './runStore.ts';

const model: ModelSummary = {
  path: '/models/mini.gguf',
  layers: 2,
  heads: 2,
  kvHeads: 1,
  headDim: 4,
  hidden: 8,
  ffn: 16,
  vocab: 50,
  window: 4,
  contextLength: 128,
  sliding: [true, false],
};
const T = 3;

function activationRun(runId: string): InspectRun {
  return {
    runId,
    prompt: 'a b',
    model,
    tokens: [
      { id: 2, text: '<bos>' },
      { id: 7, text: 'a' },
      { id: 9, text: ' b' },
    ],
    residualNorms: [
      [0.1, 1 / 3, 2.5],
      [Math.PI, 1e-7, 12345.678],
      [7, 8, 9],
    ],
    layerStats: [{ layer: -1, mean: 0.5, std: 1 / 3, maxAbs: 2, fp16Overflow: 0, count: 24 }],
    mlp: [],
    heads: [{ layer: 0, head: 1, entropy: 0.25, normalizedEntropy: 0.5 }],
    next: [{ id: 9, text: ' b', prob: 0.4321, logit: 3.1 }],
    lens: [{ position: 2, layers: [{ layer: -1, top: [{ id: 1, text: 'x', prob: 0.1, logit: 0.2 }], entropy: 1 / 7 }] }],
    timing: { forwardMs: 1, summariesMs: 2, lensMs: 3, totalMs: 6 },
  };
}

function gradientRun(runId: string): GradientResult {
  return {
    runId,
    model,
    prompt: 'a',
    target: ' b',
    tokens: activationRun('x').tokens,
    promptLength: 2,
    loss: 2.345678,
    lossPositions: [1],
    lossTargets: [9],
    perTensor: [{ name: 'blk.0.attn_q.weight', layer: 0, numel: 32, gradNorm: 0.5, weightNorm: 2, ratio: 0.25 }],
    perLayer: [0.1, 1 / 3],
    residualNorm: [1e-3, 2 / 3, 3],
    attribution: [0, 1, 2].map((position) => ({
      position,
      token: [2, 7, 9][position],
      gradXInput: position / 7 - 0.1,
      gradNorm: position / 3,
    })),
    gelu: [],
    heads: [],
    explanations: { geluFlat: 'flat', lowEntropyHead: 'low' },
    timing: { forwardMs: 1, backwardMs: 2, totalMs: 3 },
  };
}

const f32 = (xs: number[]) => xs.map(Math.fround);

function withDb(fn: (path: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-runs-'));
  try {
    fn(join(dir, 'g.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an activation run reads back as saved, arrays rounded to float32, after the database is closed and reopened', () =>
  withDb((path) => {
    const run = activationRun('run-1');
    const attention = [
      Float32Array.from({ length: 2 * T * T }, (_, i) => i / 17),
      Float32Array.from({ length: 2 * T * T }, (_, i) => 1 - i / 19),
    ];
    let db = openDatabase(path);
    const saved = new InspectRunStore(db).saveActivations(run, true, attention, 1000);
    assert.deepEqual(saved, { ...run, residualNorms: run.residualNorms.map(f32) });
    assert.notEqual(saved.residualNorms[0][1], run.residualNorms[0][1], '1/3 is not a float32: the stored value is the rounded one');
    db.close();

    db = openDatabase(path);
    const store = new InspectRunStore(db);
    assert.deepEqual(store.get('run-1'), { kind: 'activations', run: saved });
    assert.deepEqual(store.attention('run-1', 1, 1), attention[1].slice(T * T, 2 * T * T));
    assert.equal(store.attention('run-1', 5, 0), null);
    assert.equal(store.attention('run-1', 0, 2), null, 'a head past H');
    assert.deepEqual(store.source('run-1'), { kind: 'activations', modelPath: model.path, prompt: 'a b', target: '', addBos: true });
    // compact: 4 bytes per value, not JSON text
    const blob = db
      .prepare("SELECT length(data) AS n, shape FROM inspect_arrays WHERE run_id = 'run-1' AND name = 'attention.0'")
      .get() as { n: number; shape: string };
    assert.deepEqual(blob, { n: 2 * T * T * 4, shape: '[2,3,3]' });
    assert.deepEqual(store.list(), [
      {
        runId: 'run-1',
        kind: 'activations',
        prompt: 'a b',
        target: '',
        modelPath: model.path,
        tokenCount: T,
        createdAt: 1000,
        headline: 'next " b" 43.2%',
      },
    ]);
    db.close();
  }));

test('a gradient run reads back as saved; runs list newest first; delete removes the run and its arrays', () => {
  const db = openDatabase(':memory:');
  const store = new InspectRunStore(db);
  const g = gradientRun('grad-1');
  const saved = store.saveGradients(g, false, 2000);
  assert.deepEqual(saved, {
    ...g,
    perLayer: f32(g.perLayer),
    residualNorm: f32(g.residualNorm),
    attribution: g.attribution.map((a) => ({ ...a, gradXInput: Math.fround(a.gradXInput), gradNorm: Math.fround(a.gradNorm) })),
  });
  assert.deepEqual(store.get('grad-1'), { kind: 'gradients', run: saved });
  assert.equal(store.source('grad-1')!.addBos, false);
  store.saveActivations(activationRun('act-2'), true, null, 3000);
  assert.deepEqual(
    store.list().map((r) => [r.runId, r.headline]),
    [
      ['act-2', 'next " b" 43.2%'],
      ['grad-1', 'loss 2.3457'],
    ],
  );
  assert.equal(store.attention('act-2', 0, 0), null, 'no attention stored for this run');

  assert.equal(store.delete('grad-1'), true);
  assert.equal(store.delete('grad-1'), false);
  assert.equal(store.get('grad-1'), null);
  assert.equal((db.prepare("SELECT count(*) AS n FROM inspect_arrays WHERE run_id = 'grad-1'").get() as { n: number }).n, 0);
  db.close();
});

test('bad input writes nothing; saving the same id again replaces the run; old runs are pruned past the limit', () => {
  const db = openDatabase(':memory:');
  const store = new InspectRunStore(db);
  const ragged = {
    ...activationRun('bad'),
    residualNorms: [
      [1, 2, 3],
      [1, 2],
    ],
  };
  assert.throws(() => store.saveActivations(ragged, true, null), /ragged rows/);
  const wrongAttention = [new Float32Array(5)];
  assert.throws(
    () => store.saveActivations(activationRun('bad'), true, wrongAttention),
    /array attention\.0: 5 values for shape \[2, 3, 3\]/,
  );
  assert.equal(store.get('bad'), null);
  assert.equal((db.prepare('SELECT count(*) AS n FROM inspect_arrays').get() as { n: number }).n, 0, 'the failed save left no arrays');

  store.saveActivations(activationRun('same'), true, null, 1);
  const changed = { ...activationRun('same'), prompt: 'changed' };
  store.saveActivations(changed, true, null, 2);
  assert.equal(store.list().length, 1);
  assert.equal((store.get('same')!.run as InspectRun).prompt, 'changed');

  for (let i = 0; i < KEEP_STORED_RUNS + 3; i++) store.saveActivations(activationRun(`r${i}`), true, null, 10 + i);
  const ids = store.list(500).map((r) => r.runId);
  assert.equal(ids.length, KEEP_STORED_RUNS);
  assert.equal(ids[0], `r${KEEP_STORED_RUNS + 2}`);
  assert.ok(!ids.includes('r0') && !ids.includes('same'), 'the oldest went first');
  const orphans = db.prepare('SELECT count(*) AS n FROM inspect_arrays WHERE run_id NOT IN (SELECT id FROM inspect_runs)').get() as {
    n: number;
  };
  assert.equal(orphans.n, 0, 'pruned runs took their arrays with them');
  db.close();
});

test('past the attention budget the oldest runs lose their stored maps, never their results', () => {
  const db = openDatabase(':memory:');
  const mapBytes = 2 * T * T * 4; // one layer's [H, T, T] float32
  const store = new InspectRunStore(db, { attentionBudgetBytes: 5 * mapBytes }); // room for two runs of two layers
  const maps = () => [new Float32Array(2 * T * T).fill(0.5), new Float32Array(2 * T * T).fill(0.25)];
  for (const [i, id] of ['old', 'mid', 'new'].entries()) store.saveActivations(activationRun(id), true, maps(), 100 + i);
  assert.equal(store.attention('old', 0, 0), null, "the oldest run's maps went");
  assert.deepEqual(store.attention('mid', 1, 1), new Float32Array(T * T).fill(0.25));
  assert.deepEqual(store.attention('new', 0, 0), new Float32Array(T * T).fill(0.5));
  assert.equal(store.get('old')!.kind, 'activations', 'the run itself stays');
  assert.deepEqual((store.get('old')!.run as InspectRun).residualNorms, activationRun('old').residualNorms.map(f32));
  db.close();
});
