// Electron main process: app lifecycle, the window, menus, dialogs, and wiring IPC to the core.
// Everything else lives in electron/core, which runs the same under `npm run serve`.
import { app, BrowserWindow, dialog } from 'electron';
import { join } from 'node:path';
import { createCore, type Core } from '../core/app/core.ts';
import { wireIpc } from './ipc.ts';
import { installMenu } from './menu.ts';
import { registerAppScheme, serveRenderer } from './protocol.ts';
import { applySecurityPolicy } from './security.ts';
import { electronSpawner } from './spawner.ts';
import { createMainWindow, preloadPathNextTo } from './window.ts';

// dist/electron/main.cjs → the repository (or app.asar) root is two levels up.
const here = __dirname;
const appRoot = join(here, '..', '..');

if (!app.requestSingleInstanceLock()) app.quit();
registerAppScheme();

let core: Core | null = null;

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

async function start(): Promise<void> {
  await app.whenReady();
  applySecurityPolicy();
  serveRenderer(join(appRoot, 'renderer', 'dist'));
  installMenu({ isDev: !app.isPackaged });

  core = createCore({
    mode: 'desktop',
    spawner: electronSpawner(join(here, 'worker.mjs')),
    dataDir: flag('data-dir') ?? process.env.GLASSBOX_DATA_DIR ?? app.getPath('userData'),
    dbPath: flag('db'),
    modelsDir: flag('models-dir'),
    appVersion: app.getVersion(),
    platform: {
      pickFiles: async ({ title, filters, multiple }) => {
        const win = BrowserWindow.getFocusedWindow();
        const opts = { title, filters, properties: multiple ? (['openFile', 'multiSelections'] as const) : (['openFile'] as const) };
        const r = win ? await dialog.showOpenDialog(win, { ...opts, properties: [...opts.properties] }) : await dialog.showOpenDialog({ ...opts, properties: [...opts.properties] });
        return r.canceled ? [] : r.filePaths;
      },
    },
  });
  wireIpc(core, () => BrowserWindow.getAllWindows());

  const preload = preloadPathNextTo(here);
  createMainWindow(preload);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(preload);
  });
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !core) return;
  // Stop workers and close SQLite cleanly before the process exits.
  event.preventDefault();
  quitting = true;
  void core.close().finally(() => app.quit());
});

start().catch((err: unknown) => {
  dialog.showErrorBox('Glassbox could not start', err instanceof Error ? err.stack ?? err.message : String(err));
  app.exit(1);
});
