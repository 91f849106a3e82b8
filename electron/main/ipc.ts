// Wires the core to the window over IPC: one invoke channel for calls, one channel for events.
// Every call's sender must be a frame of our app origin (app://glassbox), never another page.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { Core } from '../core/app/core.ts';
import { isAppUrl } from './security.ts';

export const CALL_CHANNEL = 'glassbox:call';
export const EVENT_CHANNEL = 'glassbox:event';

function senderIsApp(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

export function wireIpc(core: Core, getWindows: () => BrowserWindow[]): () => void {
  ipcMain.handle(CALL_CHANNEL, async (event, method: unknown, input: unknown) => {
    if (!senderIsApp(event)) {
      return { ok: false, error: { code: 'unavailable', message: `refused IPC from ${event.senderFrame?.url ?? 'an unknown frame'}` } };
    }
    return core.dispatch(String(method), input);
  });
  const unsubscribe = core.events.subscribe((e) => {
    for (const w of getWindows()) if (!w.isDestroyed() && isAppUrl(w.webContents.getURL())) w.webContents.send(EVENT_CHANNEL, e);
  });
  return () => {
    ipcMain.removeHandler(CALL_CHANNEL);
    unsubscribe();
  };
}
