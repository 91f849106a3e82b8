// A transport carries the contract to the core: Electron IPC (preload bridge) or the host's WebSocket.
import type { ApiEvent } from '../../../electron/core/api/contract.ts';
import type { ApiResult } from '../../../electron/core/api/errors.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Transport {
  readonly kind: 'ipc' | 'websocket';
  call(method: string, input: unknown): Promise<ApiResult<unknown>>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  readonly connection: ConnectionState;
  close(): void;
}
