import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addEval, addStep, formatDuration, type RunMetrics } from './runState.ts';

const s = (step: number, loss = 1) => ({
  step,
  epoch: 0,
  loss,
  lr: 1e-3,
  gradNorm: 1,
  layerGradNorms: [1],
  tokens: 10,
  tokensPerSec: 5,
  elapsedMs: 0,
  etaMs: 0,
});

test('steps append in order, duplicates are ignored, a resume replaces what came after its checkpoint', () => {
  let m: RunMetrics = { steps: [], evals: [] };
  for (const k of [1, 2, 3, 3]) m = addStep(m, s(k));
  assert.deepEqual(
    m.steps.map((x) => x.step),
    [1, 2, 3],
  );
  m = addEval(addEval(m, { step: 3, valLoss: 2 }), { step: 3, valLoss: 2 });
  assert.equal(m.evals.length, 1);
  m = addStep(m, s(2, 0.5));
  assert.deepEqual(
    m.steps.map((x) => [x.step, x.loss]),
    [
      [1, 1],
      [2, 0.5],
    ],
  );
  assert.equal(m.evals.length, 0);
  assert.equal(formatDuration(125_000), '2 min 5 s');
});
