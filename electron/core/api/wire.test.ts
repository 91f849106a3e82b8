import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWire, encodeWire, type ServerMessage } from './wire.ts';

test('typed arrays and ArrayBuffers survive the JSON wire with their type and values', () => {
  const f32 = new Float32Array([1.5, -0, Number.NaN, 3.4e38, -1e-45]);
  const sliced = new Int32Array([1, 2, 3, 4, 5]).subarray(1, 4);
  const buf = new Uint8Array([0, 255, 128]).buffer;
  const msg = { t: 'result', id: 7, result: { ok: true, value: { f32, sliced, buf, f64: new Float64Array([Math.PI]), text: 'ü', nested: [{ u16: new Uint16Array([65535]) }] } } } as ServerMessage;
  const back = decodeWire<ServerMessage>(encodeWire(msg));
  assert.equal(back.t, 'result');
  const v = (back as Extract<ServerMessage, { t: 'result' }>).result as { ok: true; value: Record<string, unknown> };
  assert.ok(v.value.f32 instanceof Float32Array);
  assert.deepEqual(Array.from(v.value.f32 as Float32Array), Array.from(f32));
  assert.deepEqual(v.value.sliced, new Int32Array([2, 3, 4]));
  assert.ok(v.value.buf instanceof ArrayBuffer);
  assert.deepEqual(new Uint8Array(v.value.buf as ArrayBuffer), new Uint8Array([0, 255, 128]));
  assert.deepEqual(v.value.f64, new Float64Array([Math.PI]));
  assert.equal(v.value.text, 'ü');
  assert.deepEqual((v.value.nested as { u16: Uint16Array }[])[0].u16, new Uint16Array([65535]));
});

test('a large Float32Array round-trips exactly', () => {
  const a = new Float32Array(300_000).map((_, i) => Math.sin(i) * 1e3);
  const back = decodeWire<{ t: 'event'; event: { name: string; payload: Float32Array } }>(encodeWire({ t: 'event', event: { name: 'x', payload: a } } as never));
  assert.deepEqual(back.event.payload, a);
});
