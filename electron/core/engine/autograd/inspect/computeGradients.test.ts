// The inspector's numbers are checked against independent computations, not against themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeGradients, referenceGradientModel } from './computeGradients.ts';
import { geluSaturation, headEntropies, GELU_FLAT_BELOW } from './saturation.ts';
import { randomParams, tinyShape } from '../model/testModel.ts';
import { referenceForward } from '../model/forward.ts';
import { completionTargets, nextTokenTargets } from '../model/cache.ts';
import { embeddingForward } from '../ops/embedding.ts';

test('report: loss, norms and attribution agree with direct computation', () => {
  const s = tinyShape;
  const p = randomParams(s, 3);
  const W = (n: string) => p.get(n);
  const tokens = [2, 7, 4, 4, 9];
  const { report, grads } = computeGradients(referenceGradientModel(s, W), { tokens });
  // loss = the float64 reference's mean next-token CE (f32 path: 1e-5 relative)
  const ref = referenceForward(s, W, tokens, nextTokenTargets(tokens)).loss;
  assert.ok(Math.abs(report.loss - ref) < 1e-5 * ref, `${report.loss} vs ${ref}`);
  assert.equal(report.perTensor.length, grads.specs.length);
  const q0 = grads.get('blk.0.attn_q.weight');
  const qStat = report.perTensor.find((t) => t.name === 'blk.0.attn_q.weight')!;
  assert.ok(Math.abs(qStat.gradNorm - Math.hypot(...q0)) < 1e-9 + 1e-6 * qStat.gradNorm);
  assert.ok(report.perLayer.every((n) => n > 0));
  assert.equal(report.residualNorm.length, s.L + 1);
  assert.equal(report.residualNormPerToken[0].length, tokens.length);
  // the last position carries no loss, and (causal) nothing after it does: no gradient reaches it
  assert.equal(report.attribution[tokens.length - 1].gradNorm, 0);
  assert.ok(report.attribution[0].gradNorm > 0);

  // grad×input summed over tokens is the directional derivative d/dα L(α·x0) at α = 1
  const total = report.attribution.reduce((a, r) => a + r.gradXInput, 0);
  const x0 = new Float64Array(tokens.length * s.D);
  embeddingForward(x0, p.get('token_embd.weight'), tokens, s.V, s.D, Math.sqrt(s.D));
  const lossAt = (alpha: number) =>
    referenceForward(s, W, tokens, nextTokenTargets(tokens), { x0: x0.map((v) => v * alpha) }).loss;
  const h = 1e-5;
  const numeric = (lossAt(1 + h) - lossAt(1 - h)) / (2 * h);
  console.log(`  Σ grad×input ${total.toFixed(6)} vs finite difference ${numeric.toFixed(6)}`);
  assert.ok(Math.abs(total - numeric) < 1e-4 * Math.max(1, Math.abs(numeric)), `Σ grad×input ${total} vs d/dα ${numeric}`);
});

test('saturation: GELU flat tail and collapsed heads are found', () => {
  const T = 3, F = 4;
  // unit 0 flat at every token (dead), unit 1 flat once, unit 2 linear, unit 3 ordinary
  const gate = Float32Array.from([-5, -4, 5, 0.1, -6, 0, 6, -0.2, -3.5, 1, 7, 0.3]);
  const g = geluSaturation(0, gate, T, F);
  assert.deepEqual(g.deadUnits, [0]);
  assert.equal(g.flatFraction, 4 / 12);
  assert.equal(g.linearFraction, 3 / 12);
  assert.ok(g.flagged && g.explanation.includes(String(GELU_FLAT_BELOW)));
  // head 0 one-hot on the first key, head 1 uniform
  const H = 2;
  const probs = new Float32Array(H * T * T);
  for (let t = 0; t < T; t++) {
    probs[(0 * T + t) * T + 0] = 1;
    for (let j = 0; j <= t; j++) probs[(1 * T + t) * T + j] = 1 / (t + 1);
  }
  const [h0, h1] = headEntropies(0, probs, T, H, 0);
  assert.ok(h0.flagged && h0.meanEntropy === 0);
  assert.ok(!h1.flagged && Math.abs(h1.normalizedEntropy - 1) < 1e-6);
});

test('completion-only targets: prompt positions carry no loss and frozen tensors get no gradient', () => {
  const s = tinyShape;
  const p = randomParams(s, 5);
  const tokens = [2, 3, 5, 7, 1];
  const { report, grads } = computeGradients(
    referenceGradientModel(s, (n) => p.get(n)), { tokens, targets: completionTargets(tokens, 3) },
    { freeze: (n) => n.includes('ffn_up') },
  );
  assert.deepEqual(report.targets.positions, [2, 3]);
  assert.ok(grads.get('blk.1.ffn_up.weight').every((v) => v === 0));
  assert.ok(grads.get('blk.1.ffn_gate.weight').some((v) => v !== 0));
});
