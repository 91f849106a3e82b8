// A typed API client for Node tests, over the same WebSocket the UI uses (`ws` stands in for the
// browser's WebSocket). Use it to set up state or to trigger things the UI does not offer (test-only methods).
import WebSocket from 'ws';
import { createApiClient, type ApiClient } from '../../renderer/src/api/client.ts';
import { wsTransport, type SocketCtor } from '../../renderer/src/api/transport-ws.ts';

export function connectApi(host: { origin: string; token: string }, options: { reconnect?: boolean } = {}): ApiClient {
  const url = `${host.origin.replace(/^http/, 'ws')}/api?token=${encodeURIComponent(host.token)}`;
  return createApiClient(wsTransport(url, { WebSocketImpl: WebSocket as unknown as SocketCtor, reconnect: options.reconnect ?? false }));
}

/** Resolves with the first event payload of `name` that satisfies `match`. */
export function nextEvent<T>(
  client: ApiClient,
  name: Parameters<ApiClient['on']>[0],
  match: (payload: T) => boolean = () => true,
  timeoutMs = 120_000,
): Promise<T> {
  // A bound, so an event that never comes fails the test by name instead of hanging the whole run.
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching ${name} event within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    timer.unref(); // a pending wait does not keep the test file's process alive
    const off = client.on(name, (p) => {
      if (match(p as T)) {
        clearTimeout(timer);
        off();
        resolve(p as T);
      }
    });
  });
}
