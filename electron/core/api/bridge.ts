// What the Electron preload exposes as `window.glassbox`: the contract's transport and nothing else.
// The renderer's typed client (renderer/src/api/client.ts) wraps it, exactly as it wraps the WebSocket.
import type { ApiEvent } from './contract.ts';
import type { ApiResult } from './errors.ts';

export interface GlassboxBridge {
  readonly platform: 'electron';
  call(method: string, input: unknown): Promise<ApiResult<unknown>>;
  /** Returns an unsubscribe function. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** The file-system path of a dropped/picked `File` (Electron's webUtils.getPathForFile); '' if none. */
  pathForFile(file: unknown): string;
}
