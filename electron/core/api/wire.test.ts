import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWire, encodeWire, WireError, type ServerMessage } from './wire.ts';

type Result = Extract<ServerMessage, { t: 'result' }>;
const valueOf = (m: ServerMessage) => ((m as Result).result as { ok: true; value: Record<string, unknown> }).value;

test('typed arrays and ArrayBuffers survive the wire with their type and values', () => {
  const f32 = new Float32Array([1.5, -0, Number.NaN, 3.4e38, -1e-45]);
  const sliced = new Int32Array([1, 2, 3, 4, 5]).subarray(1, 4);
  const buf = new Uint8Array([0, 255, 128]).buffer;
  const msg = {
    t: 'result',
    id: 7,
    result: {
      ok: true,
      value: {
        f32,
        sliced,
        buf,
        odd: new Uint8Array([1, 2, 3]),
        f64: new Float64Array([Math.PI]),
        big: new BigInt64Array([-5n]),
        text: 'ü',
        nested: [{ u16: new Uint16Array([65535]) }],
      },
    },
  } as ServerMessage;
  const frame = encodeWire(msg);
  assert.ok(frame instanceof Uint8Array, 'a message with binary values is a binary frame');
  const v = valueOf(decodeWire<ServerMessage>(frame));
  assert.ok(v.f32 instanceof Float32Array);
  assert.deepEqual(Array.from(v.f32 as Float32Array), Array.from(f32));
  assert.ok(Object.is((v.f32 as Float32Array)[1], -0));
  assert.deepEqual(v.sliced, new Int32Array([2, 3, 4]));
  assert.ok(v.buf instanceof ArrayBuffer);
  assert.deepEqual(new Uint8Array(v.buf as ArrayBuffer), new Uint8Array([0, 255, 128]));
  assert.deepEqual(v.odd, new Uint8Array([1, 2, 3]));
  // After a 3-byte buffer, the Float64Array still needs its 8-byte alignment to be viewed.
  assert.deepEqual(v.f64, new Float64Array([Math.PI]));
  assert.deepEqual(v.big, new BigInt64Array([-5n]));
  assert.equal(v.text, 'ü');
  assert.deepEqual((v.nested as { u16: Uint16Array }[])[0].u16, new Uint16Array([65535]));
});

test('a message without binary values stays a JSON text frame', () => {
  const msg: ServerMessage = { t: 'result', id: 1, result: { ok: true, value: { title: 'Notes', n: [1, 2] } } };
  const frame = encodeWire(msg);
  assert.equal(typeof frame, 'string');
  assert.deepEqual(JSON.parse(frame as string), msg);
  assert.deepEqual(decodeWire(frame), msg);
});

test('a 2,048² attention map travels as its 16 MiB of floats, not ~22 MB of base64 JSON', () => {
  const n = 2048;
  const map = new Float32Array(n * n).map((_, i) => Math.sin(i) * 1e-3);
  const frame = encodeWire({ t: 'event', event: { name: 'x', payload: { map } } } as never) as Uint8Array;
  const raw = map.byteLength;
  const base64Json = Math.ceil(raw / 3) * 4; // what the old JSON codec sent, before its quotes and tags
  assert.ok(frame.byteLength >= raw && frame.byteLength < raw + 256, `frame is ${frame.byteLength} bytes for ${raw} bytes of floats`);
  assert.ok(frame.byteLength / base64Json < 0.76, 'at most 3/4 of base64');
  const back = decodeWire<{ event: { payload: { map: Float32Array } } }>(frame).event.payload.map;
  assert.deepEqual(back, map);
});

test('a frame in unaligned memory (Node Buffer from a pool) is copied out, not viewed', () => {
  const frame = encodeWire({ t: 'result', id: 2, result: { ok: true, value: { f64: new Float64Array([1.25, -2]) } } }) as Uint8Array;
  const shifted = new Uint8Array(frame.byteLength + 3);
  shifted.set(frame, 3);
  const v = valueOf(decodeWire<ServerMessage>(shifted.subarray(3)));
  assert.deepEqual(v.f64, new Float64Array([1.25, -2]));
});

test('broken binary frames are rejected with a WireError that says what is wrong', () => {
  assert.throws(
    () => decodeWire(new Uint8Array([1, 0])),
    (e) => e instanceof WireError && /shorter/.test(e.message),
  );
  assert.throws(
    () => decodeWire(new Uint8Array([200, 0, 0, 0, 1])),
    (e) => e instanceof WireError && /header runs past/.test(e.message),
  );
  const good = encodeWire({ t: 'result', id: 3, result: { ok: true, value: new Float32Array(4) } }) as Uint8Array;
  assert.throws(
    () => decodeWire(good.subarray(0, good.byteLength - 4)),
    (e) => e instanceof WireError && /outside the frame/.test(e.message),
  );
  const header = (text: string) => {
    const h = new TextEncoder().encode(text);
    const f = new Uint8Array(4 + h.length);
    new DataView(f.buffer).setUint32(0, h.length, true);
    f.set(h, 4);
    return f;
  };
  assert.throws(
    () => decodeWire(header('{"m":{"__glassbox_binary":"Function","i":0},"b":[[0,0]]}')),
    (e) => e instanceof WireError && /unknown binary type/.test(e.message),
  );
  assert.throws(
    () => decodeWire(header('{"m":1}')),
    (e) => e instanceof WireError && /buffer table/.test(e.message),
  );
});
