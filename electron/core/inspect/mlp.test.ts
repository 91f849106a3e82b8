// MLP statistics against naive recomputation on hand-made data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoHistogram, gateSummary, topUnits } from './mlp.ts';

test('gate summary: saturated fractions, dead units and histogram counts equal a direct count', () => {
  const T = 5,
    F = 7;
  // unit 2 is below −3 at every token (dead); unit 4 at some; others spread over [−6, 6)
  const gate = Float32Array.from({ length: T * F }, (_, i) => {
    const t = Math.floor(i / F),
      f = i % F;
    if (f === 2) return -4 - t;
    if (f === 4) return t % 2 ? -3.5 : 1;
    return Math.sin(i * 1.7) * 6;
  });
  const s = gateSummary(gate, T, F);
  const flat = gate.filter((v) => v < -3).length,
    linear = gate.filter((v) => v > 3).length;
  assert.equal(s.flatFraction, flat / (T * F));
  assert.equal(s.linearFraction, linear / (T * F));
  assert.equal(s.deadUnits, 1);
  assert.equal(s.gate.counts.reduce((a, b) => a + b, 0) + s.gate.under + s.gate.over, T * F, 'every value is counted once');
  assert.equal(s.gate.under + s.gate.over, 0, 'the automatic range covers the data');
  assert.equal(s.gate.edges[0], Math.min(...gate));
});

test('top units are the largest mean |value| over tokens, best first', () => {
  const T = 3,
    F = 6;
  const par = Float32Array.from({ length: T * F }, (_, i) => ((i % F) - 2.5) * (i % 2 ? -1 : 1) * (1 + Math.floor(i / F)));
  const means = Array.from({ length: F }, (_, f) => [0, 1, 2].reduce((a, t) => a + Math.abs(par[t * F + f]), 0) / T);
  const expected = [...means.keys()].sort((a, b) => means[b] - means[a] || a - b).slice(0, 3);
  const got = topUnits(par, T, F, 3);
  assert.deepEqual(
    got.map((u) => u.unit),
    expected,
  );
  got.forEach((u) => assert.ok(Math.abs(u.meanAbs - means[u.unit]) < 1e-12));
});

test('a constant tensor still gets a valid histogram', () => {
  const h = autoHistogram(new Float32Array(10).fill(2));
  assert.equal(
    h.counts.reduce((a, b) => a + b, 0),
    10,
  );
  assert.ok(h.edges.at(-1)! > h.edges[0]);
});
