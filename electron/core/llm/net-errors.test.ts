import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkCode, networkReason } from './net-errors.ts';

test("a refused connection is named from fetch's cause, not as 'fetch failed'", async () => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  const err = await fetch(`http://127.0.0.1:${port}/x`).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof Error && err.message === 'fetch failed', 'Node reports only "fetch failed" at the top');
  assert.equal(networkCode(err), 'ECONNREFUSED');
  assert.equal(networkReason(err), 'the server refused the connection (nothing is listening there)');
});

test('unknown failures keep their own message', () => {
  assert.equal(networkCode(new Error('boom')), null);
  assert.equal(networkReason(new Error('boom')), 'boom');
  assert.equal(networkReason(new TypeError('fetch failed')), 'the connection failed');
});
