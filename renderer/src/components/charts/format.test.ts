import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolateRdBu, interpolateViridis } from 'd3-scale-chromatic';
import { diverging, parseColor, sequential } from './colors.ts';
import { decadeLabel, formatNumber, niceTicks } from './format.ts';

test('numbers read as a person writes them: no "e+0", no "-0", exponent only at the extremes', () => {
  assert.equal(formatNumber(2.694), '2.694');
  assert.equal(formatNumber(2.6940001), '2.694');
  assert.equal(formatNumber(-0), '0');
  assert.equal(formatNumber(0.5), '0.5');
  assert.equal(formatNumber(123.456), '123.5');
  assert.equal(formatNumber(0.00012346), '1.235e-4');
  assert.equal(formatNumber(2.5e7), '2.5e7');
  assert.equal(formatNumber(Infinity), '∞');
  assert.equal(formatNumber(Number.NaN), 'NaN');
  assert.doesNotMatch(formatNumber(2.694), /e/);
});

test('ticks are round values with labels of one precision, and never "-0"', () => {
  const t = niceTicks(-0.43, 0.81, 5);
  assert.deepEqual(
    t.map((x) => x.label),
    ['−0.4', '−0.2', '0.0', '0.2', '0.4', '0.6', '0.8'],
  );
  assert.ok(t.every((x) => !Object.is(x.value, -0)));
  assert.ok(!t.some((x) => /^[−-]0(\.0*)?$/.test(x.label)));
  assert.deepEqual(
    niceTicks(0, 1000, 4).map((x) => x.value),
    [0, 200, 400, 600, 800, 1000],
  );
  assert.equal(decadeLabel(-3), '10⁻³');
  assert.equal(decadeLabel(0), '1');
});

test('colour scales follow d3-scale-chromatic: viridis for magnitudes, blue–white–red for signs', () => {
  assert.deepEqual(sequential(0), parseColor(interpolateViridis(0)));
  assert.deepEqual(sequential(1), parseColor(interpolateViridis(1)));
  assert.deepEqual(diverging(-1), parseColor(interpolateRdBu(1)), 'negative is blue');
  assert.deepEqual(diverging(1), parseColor(interpolateRdBu(0)), 'positive is red');
  const mid = diverging(0);
  assert.ok(
    mid.every((c) => c > 230),
    `zero is near white, got ${mid}`,
  );
  assert.deepEqual(sequential(Number.NaN), sequential(0), 'NaN does not throw');
});
