// Carries the API over WebSocket: each client message is a call answered by a result with the same
// id; every core event is pushed to every connected client. Messages holding typed arrays travel as
// binary frames, the rest as JSON text (see ../core/api/wire.ts).
import type { WebSocket, WebSocketServer } from 'ws';
import type { Dispatch } from '../core/app/dispatcher.ts';
import type { EventBus } from '../core/app/events.ts';
import { decodeWire, encodeWire, type ClientMessage, type ServerMessage } from '../core/api/wire.ts';

/** Largest accepted client message; API inputs are small (files travel by path, not by value). */
export const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024 * 1024;

function sendTo(ws: WebSocket, msg: ServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(encodeWire(msg));
}

export function attachWsTransport(wss: WebSocketServer, dispatch: Dispatch, events: EventBus): () => void {
  const unsubscribe = events.subscribe((event) => {
    // Encoded once for every client.
    const frame = encodeWire({ t: 'event', event });
    for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  wss.on('connection', (ws) => {
    ws.on('message', async (data, isBinary) => {
      let msg: ClientMessage;
      try {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
        msg = decodeWire<ClientMessage>(isBinary ? bytes : bytes.toString());
      } catch {
        return ws.close(1007, 'message is not valid JSON or a valid binary frame');
      }
      if (!msg || msg.t !== 'call' || typeof msg.id !== 'number') return ws.close(1008, 'expected {t:"call", id, method, input}');
      const result = await dispatch(msg.method, msg.input);
      sendTo(ws, { t: 'result', id: msg.id, result });
    });
  });

  return unsubscribe;
}
