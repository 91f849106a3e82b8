import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatContext, formatParams, formatRate } from './format.ts';

test('bytes in binary units', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(291_545_088), '278 MiB');
  assert.equal(formatBytes(5 * 1024 ** 3), '5.0 GiB');
  assert.equal(formatBytes(null), '—');
});

test('parameter counts with three significant digits', () => {
  assert.equal(formatParams(268_098_176), '268M');
  assert.equal(formatParams(1_100_000_000), '1.1B');
  assert.equal(formatParams(27_000_000_000), '27B');
  assert.equal(formatParams(4200), '4.2K');
  assert.equal(formatParams(12), '12');
});

test('context lengths and rates', () => {
  assert.equal(formatContext(32768), '32K');
  assert.equal(formatContext(1000), '1,000');
  assert.equal(formatRate(2 * 1024 * 1024), '2.0 MiB/s');
  assert.equal(formatRate(0), '');
});
