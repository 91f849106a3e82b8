// The sandboxed preload: exposes exactly the contract's transport as `window.glassbox`.
// No raw ipcRenderer, no Node: the renderer can only call API methods and receive API events.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { GlassboxBridge } from '../core/api/bridge.ts';
import type { ApiEvent } from '../core/api/contract.ts';
import type { ApiResult } from '../core/api/errors.ts';

// Channel names repeated from electron/main/ipc.ts: a sandboxed preload is one self-contained bundle.
const CALL_CHANNEL = 'glassbox:call';
const EVENT_CHANNEL = 'glassbox:event';

const bridge: GlassboxBridge = {
  platform: 'electron',
  call: (method, input) => ipcRenderer.invoke(CALL_CHANNEL, String(method), input) as Promise<ApiResult<unknown>>,
  onEvent(listener) {
    const handler = (_event: IpcRendererEvent, apiEvent: ApiEvent) => listener(apiEvent);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
  pathForFile: (file) => {
    try {
      return webUtils.getPathForFile(file as File);
    } catch {
      return '';
    }
  },
};

contextBridge.exposeInMainWorld('glassbox', bridge);
