// The main window: sandboxed renderer, context isolation, no Node, preload bundle only.
import { BrowserWindow, nativeTheme } from 'electron';
import { join } from 'node:path';
import { APP_ORIGIN } from './security.ts';

/** `bounds`: the remembered size and position (electron/main/window-state.ts), over the defaults below. */
export function createMainWindow(
  preloadPath: string,
  bounds: { x?: number; y?: number; width: number; height: number } | null = null,
): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 1024, // every screen is laid out and tested from 1024×700 up (e2e/screens.test.ts)
    minHeight: 700,
    show: false,
    title: 'Glassbox',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#09090b' : '#ffffff',
    ...bounds,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

export const preloadPathNextTo = (dir: string) => join(dir, 'preload.cjs');
