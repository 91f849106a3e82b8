// Transport over the headless host's WebSocket (/api). Reconnects with backoff when the host goes
// away; calls made while disconnected, or in flight when the socket drops, answer a 'transport' error.
// `WebSocketImpl` lets Node tests pass the `ws` package; the browser uses its own WebSocket.
// Messages holding typed arrays travel as binary frames (see electron/core/api/wire.ts).
import type { ApiEvent } from '../../../electron/core/api/contract.ts';
import type { ApiResult } from '../../../electron/core/api/errors.ts';
import { decodeWire, encodeWire, type ServerMessage, type WireFrame } from '../../../electron/core/api/wire.ts';
import type { ConnectionState, Transport } from './transport.ts';

interface MinimalSocket {
  readyState: number;
  binaryType: string;
  send(data: WireFrame): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type SocketCtor = new (url: string) => MinimalSocket;

export function wsTransport(url: string, options: { WebSocketImpl?: SocketCtor; reconnect?: boolean } = {}): Transport {
  const Impl = options.WebSocketImpl ?? (globalThis.WebSocket as unknown as SocketCtor);
  const eventListeners = new Set<(e: ApiEvent) => void>();
  const connectionListeners = new Set<(s: ConnectionState) => void>();
  const pending = new Map<number, (r: ApiResult<unknown>) => void>();
  const queue: WireFrame[] = [];
  let nextId = 1;
  let socket: MinimalSocket | null = null;
  let state: ConnectionState = 'connecting';
  let closedByUser = false;
  let attempt = 0;

  const setState = (s: ConnectionState) => {
    if (s === state) return;
    state = s;
    for (const l of connectionListeners) l(s);
  };

  const failPending = (message: string) => {
    for (const [id, resolve] of pending) {
      pending.delete(id);
      resolve({ ok: false, error: { code: 'transport', message } });
    }
  };

  const connect = () => {
    setState('connecting');
    const ws = new Impl(url);
    socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      attempt = 0;
      setState('open');
      for (const frame of queue.splice(0)) ws.send(frame);
    };
    ws.onmessage = (ev) => {
      let msg: ServerMessage;
      try {
        msg = decodeWire<ServerMessage>(typeof ev.data === 'string' ? ev.data : (ev.data as ArrayBuffer));
      } catch (e) {
        console.error('Glassbox: a message from the host could not be read', e);
        return;
      }
      if (msg.t === 'result') {
        const resolve = pending.get(msg.id);
        pending.delete(msg.id);
        resolve?.(msg.result);
      } else if (msg.t === 'event') {
        for (const l of eventListeners) l(msg.event);
      }
    };
    ws.onerror = () => {}; // onclose follows and handles it
    ws.onclose = () => {
      socket = null;
      failPending('the connection to Glassbox was lost');
      if (closedByUser || options.reconnect === false) return setState('closed');
      setState('connecting');
      const wait = Math.min(250 * 2 ** attempt++, 5000);
      setTimeout(() => !closedByUser && connect(), wait);
    };
  };
  connect();

  return {
    kind: 'websocket',
    get connection() {
      return state;
    },
    call(method, input) {
      const id = nextId++;
      const frame = encodeWire({ t: 'call', id, method, input });
      return new Promise((resolve) => {
        pending.set(id, resolve);
        if (socket && state === 'open') socket.send(frame);
        else queue.push(frame);
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closedByUser = true;
      socket?.close();
      failPending('the client was closed');
      setState('closed');
    },
  };
}
