// AdamW against a float64 transcription of torch.optim.AdamW's update rule, and the schedules' shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adamwStep, clipGradNorm, newAdamWState } from './adamw.ts';
import { learningRate } from './schedule.ts';

test('AdamW matches the textbook update for three steps', () => {
  const p = [Float32Array.of(0.5, -1, 2)];
  const st = newAdamWState(p);
  const o = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 };
  const ref = [0.5, -1, 2],
    m = [0, 0, 0],
    v = [0, 0, 0];
  const gs = [
    [0.1, -0.2, 0.3],
    [0.05, 0.1, -0.3],
    [-0.2, 0.0, 0.1],
  ];
  for (let t = 1; t <= 3; t++) {
    adamwStep(p, [Float32Array.from(gs[t - 1])], st, 0.01, o);
    for (let i = 0; i < 3; i++) {
      const g = gs[t - 1][i];
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.99 * v[i] + 0.01 * g * g;
      ref[i] -= 0.01 * (m[i] / (1 - 0.9 ** t) / (Math.sqrt(v[i] / (1 - 0.99 ** t)) + 1e-8) + 0.1 * ref[i]);
    }
  }
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(p[0][i] - ref[i]) < 1e-6, `param ${i}: ${p[0][i]} vs ${ref[i]}`);
});

test('gradient clipping scales to the max norm and reports the norm before', () => {
  const g = [Float32Array.of(3, 4)];
  assert.equal(clipGradNorm(g, 1), 5);
  assert.ok(Math.abs(Math.hypot(g[0][0], g[0][1]) - 1) < 1e-5);
});

test('schedules: warm-up rises, cosine and linear fall to zero', () => {
  const lr = (s: number, k: 'cosine' | 'linear' | 'constant') => learningRate(s, 100, 1e-3, 10, k);
  assert.ok(lr(0, 'cosine') < lr(5, 'cosine') && lr(5, 'cosine') < lr(10, 'cosine'));
  assert.equal(lr(10, 'cosine'), 1e-3);
  assert.ok(Math.abs(lr(55, 'cosine') - 5e-4) < 1e-12);
  assert.ok(lr(99, 'linear') < 2e-5 && lr(99, 'cosine') < 1e-6);
  assert.equal(lr(70, 'constant'), 1e-3);
});
