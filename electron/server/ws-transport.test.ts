// The WebSocket transport end to end: the renderer's client (transport-ws.ts) over a real socket to
// attachWsTransport. Typed arrays go both ways as binary frames and arrive as the same typed array.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket, WebSocketServer } from 'ws';
import { EventBus } from '../core/app/events.ts';
import { attachWsTransport } from './ws-transport.ts';
import { wsTransport, type SocketCtor } from '../../renderer/src/api/transport-ws.ts';
import type { ApiEvent } from '../core/api/contract.ts';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
await new Promise((r) => wss.once('listening', r));
const frames: { binary: boolean; bytes: number }[] = [];
wss.on('connection', (ws) => ws.on('message', (d: Buffer, isBinary) => frames.push({ binary: isBinary, bytes: d.byteLength })));
const events = new EventBus();
// Echoes the input back as the value, so one call tests both directions.
attachWsTransport(wss, async (method, input) => ({ ok: true, value: { method, input } }), events);
const port = (wss.address() as { port: number }).port;
const client = wsTransport(`ws://127.0.0.1:${port}/api`, { WebSocketImpl: WebSocket as unknown as SocketCtor, reconnect: false });
after(() => (client.close(), wss.close()));

test('a call with a Float32Array input is echoed back as a Float32Array, in binary frames', async () => {
  const map = new Float32Array(512 * 512).map((_, i) => i / 7);
  const r = await client.call('inspect.echo', { map, label: 'attention' });
  assert.equal(r.ok, true);
  const value = (r as { ok: true; value: { input: { map: Float32Array; label: string } } }).value;
  assert.ok(value.input.map instanceof Float32Array);
  assert.deepEqual(value.input.map, map);
  assert.equal(value.input.label, 'attention');
  const sent = frames.at(-1)!;
  assert.equal(sent.binary, true);
  assert.ok(sent.bytes < map.byteLength + 256, `the call went as ${sent.bytes} bytes`);
});

test('an event holding a typed array reaches the client as one', async () => {
  const got = new Promise<ApiEvent>((resolve) => {
    const off = client.onEvent((e) => (off(), resolve(e)));
  });
  const logits = new Float64Array([0.5, -1, 2]);
  events.publish('system.status', { logits } as never);
  const e = await got;
  assert.deepEqual((e.payload as unknown as { logits: Float64Array }).logits, logits);
});

test('plain calls still travel as JSON text', async () => {
  const r = await client.call('sessions.list', {});
  assert.deepEqual(r, { ok: true, value: { method: 'sessions.list', input: {} } });
  assert.equal(frames.at(-1)!.binary, false);
});
