import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { defaultSampling, samplingSchema } from '../../../../electron/core/api/chat.ts';
import { SAMPLING_KEYS, SAMPLING_SPECS, samplingValue, type SamplingSpec } from './samplingSpecs.ts';

/** The contract's number schema of one field, and whether null is allowed. */
function contractOf(key: keyof typeof samplingSchema.shape) {
  const field = samplingSchema.shape[key];
  const nullable = field instanceof z.ZodNullable;
  const num = (nullable ? field.unwrap() : field) as z.ZodNumber;
  return { min: num.minValue!, max: num.maxValue!, integer: num.isInt, nullable };
}

test('every sampling field of the contract has a spec, and only those', () => {
  assert.deepEqual([...SAMPLING_KEYS].sort(), Object.keys(samplingSchema.shape).sort());
});

test("each spec's range lies inside what the contract accepts, whole numbers and nulls as the contract says", () => {
  for (const key of SAMPLING_KEYS) {
    const spec: SamplingSpec = SAMPLING_SPECS[key];
    const c = contractOf(key);
    assert.ok(spec.min < spec.max, `${key}: empty range ${spec.min}..${spec.max}`);
    assert.ok(spec.min >= c.min && spec.max <= c.max, `${key}: ${spec.min}..${spec.max} is outside the contract's ${c.min}..${c.max}`);
    assert.equal(spec.integer === true, c.integer, `${key}: integer ${spec.integer === true}, contract ${c.integer}`);
    assert.equal(spec.empty !== undefined, c.nullable, `${key}: may be empty ${spec.empty !== undefined}, contract nullable ${c.nullable}`);
    // Both ends and the default are values the contract takes.
    assert.ok(samplingSchema.shape[key].safeParse(spec.min).success, `${key}: min ${spec.min} refused`);
    assert.ok(samplingSchema.shape[key].safeParse(spec.max).success, `${key}: max ${spec.max} refused`);
    const d = defaultSampling[key];
    if (d !== null) assert.ok(d >= spec.min && d <= spec.max, `${key}: default ${d} outside ${spec.min}..${spec.max}`);
  }
});

test('a committed value is rounded where the contract wants a whole number; an emptied field is null only where allowed', () => {
  assert.equal(samplingValue('topK', 3.6, 64), 4);
  assert.equal(samplingValue('maxTokens', 12.4, 1024), 12);
  assert.equal(samplingValue('seed', 7.5, null), 8);
  assert.equal(samplingValue('temperature', 0.35, 1), 0.35);
  assert.equal(samplingValue('seed', null, 42), null);
  assert.equal(samplingValue('temperature', null, 0.7), 0.7);
  assert.equal(samplingValue('maxTokens', null, 128), 128);
});
