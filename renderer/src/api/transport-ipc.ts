// Transport over the Electron preload bridge (`window.glassbox`). Always connected.
import type { GlassboxBridge } from '../../../electron/core/api/bridge.ts';
import type { Transport } from './transport.ts';

export function ipcTransport(bridge: GlassboxBridge): Transport {
  return {
    kind: 'ipc',
    connection: 'open',
    call: (method, input) => bridge.call(method, input),
    onEvent: (listener) => bridge.onEvent(listener),
    onConnection: () => () => {},
    close: () => {},
  };
}
