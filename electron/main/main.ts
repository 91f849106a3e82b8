// Electron main process: app lifecycle, the window, menus, dialogs, and wiring IPC to the core.
// Everything else lives in electron/core, which runs the same under `npm run serve`.
import { app, BrowserWindow, dialog, screen } from 'electron';
import { basename, join } from 'node:path';
import { createCore, type Core } from '../core/app/core.ts';
import { wireIpc } from './ipc.ts';
import { installMenu } from './menu.ts';
import { createOpenFileQueue, filesFromSecondInstance, ggufPathsIn, type LaunchHandOver } from './open-files.ts';
import { registerAppScheme, serveRenderer } from './protocol.ts';
import { applySecurityPolicy } from './security.ts';
import { electronSpawner } from './spawner.ts';
import { createMainWindow, preloadPathNextTo } from './window.ts';
import { loadWindowState, trackWindowState, windowStateFile } from './window-state.ts';

// dist/electron/main.cjs → the repository (or app.asar) root is two levels up.
const here = __dirname;
const appRoot = join(here, '..', '..');
// Read once, now: the command line this launch was given (flags and files to open).
const launchArgv = process.argv.slice();

let core: Core | null = null;
const openFiles = createOpenFileQueue();

function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return launchArgv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

function mainWindow(): BrowserWindow | null {
  return BrowserWindow.getAllWindows().find((w) => !w.isDestroyed()) ?? null;
}

function openWindow(preload: string): BrowserWindow {
  const stateFile = windowStateFile(app.getPath('userData'));
  const state = loadWindowState(
    stateFile,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = createMainWindow(preload, { x: state.x, y: state.y, width: state.width, height: state.height });
  if (state.maximized) win.maximize();
  trackWindowState(win, stateFile);
  return win;
}

function focus(win: BrowserWindow | null): void {
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.focus();
}

/** A model file the OS asked us to open: import it into the library (the Models screen shows it). */
async function importOpenedFile(path: string, preload: string): Promise<void> {
  if (!core) return;
  const win = mainWindow() ?? openWindow(preload);
  focus(win);
  const r = await core.dispatch('models.import', { path });
  if (r.ok) app.addRecentDocument(path);
  else await dialog.showMessageBox(win, { type: 'error', message: `Glassbox could not open ${basename(path)}`, detail: r.error.message });
}

async function start(): Promise<void> {
  await app.whenReady();
  applySecurityPolicy();
  serveRenderer(join(appRoot, 'renderer', 'dist'));
  const preload = preloadPathNextTo(here);
  installMenu({
    isDev: !app.isPackaged,
    // File > Open Model…: the same path as a double-clicked .gguf.
    openModel: () => {
      const win = mainWindow();
      const opts = {
        title: 'Open a GGUF model',
        filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
        properties: ['openFile' as const, 'multiSelections' as const],
      };
      void (win ? dialog.showOpenDialog(win, opts) : dialog.showOpenDialog(opts)).then((r) => {
        if (!r.canceled) openFiles.add(r.filePaths);
      });
    },
  });

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
        const r = win
          ? await dialog.showOpenDialog(win, { ...opts, properties: [...opts.properties] })
          : await dialog.showOpenDialog({ ...opts, properties: [...opts.properties] });
        return r.canceled ? [] : r.filePaths;
      },
    },
  });
  wireIpc(core, () => BrowserWindow.getAllWindows());

  openWindow(preload);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow(preload);
  });
  openFiles.start((path) => importOpenedFile(path, preload));
}

// One Glassbox at a time: a second launch (e.g. double-clicking a .gguf while Glassbox runs) hands its
// files to this one and quits.
const launchFiles = ggufPathsIn(launchArgv, process.cwd());
if (!app.requestSingleInstanceLock({ files: launchFiles } satisfies LaunchHandOver)) {
  app.quit();
} else {
  // Windows groups the taskbar button and notifications by this id (the installer's appId).
  if (process.platform === 'win32') app.setAppUserModelId('dev.glassbox.app');
  registerAppScheme();
  openFiles.add(launchFiles);
  // macOS: Finder, "Open with" and the dock icon; may fire before 'ready', so it is registered now.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openFiles.add([path]);
  });
  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    focus(mainWindow());
    openFiles.add(filesFromSecondInstance(argv, workingDirectory, additionalData));
  });

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
    dialog.showErrorBox('Glassbox could not start', err instanceof Error ? (err.stack ?? err.message) : String(err));
    app.exit(1);
  });
}
