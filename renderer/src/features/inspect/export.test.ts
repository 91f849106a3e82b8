import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCsv, toJson } from './export.ts';

test('toCsv quotes what needs quoting and keeps numbers exact', () => {
  const csv = toCsv([
    ['token', 'p'],
    [' the', 0.125],
    ['a,b', 1e-7],
    ['say "hi"', NaN],
    ['line\nbreak', 3],
  ]);
  assert.equal(csv, 'token,p\r\n" the",0.125\r\n"a,b",1e-7\r\n"say ""hi""",\r\n"line\nbreak",3\r\n');
});

test('toJson writes typed arrays as arrays under a versioned envelope', () => {
  const parsed = JSON.parse(toJson({ data: new Float32Array([0.5, 2]) }));
  assert.deepEqual(parsed, { format: 'glassbox-inspect', version: 1, data: { data: [0.5, 2] } });
});
