// A stand-in for the `electron` module, for running the real bundled main process (dist/electron/main.cjs,
// or the packaged app's copy) under plain Node where Electron's binary cannot be downloaded. It records
// what main asks of Electron and plays Electron's part: app events, windows, screens, the app:// protocol
// (files read from disk), IPC handlers, and utilityProcess as a plain Node child. Used by the
// main-process tests and by the packaged-app e2e test (e2e/support/packaged-host.ts).
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

type Handler = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const MIME: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

export class FakeWebContents extends EventEmitter {
  url = '';
  sent: [string, { name: string; payload: unknown }][] = [];
  windowOpenHandler: Handler | null = null;
  /** Called for every event main sends to this window (the e2e bridge forwards them to the browser). */
  onSend: ((channel: string, payload: { name: string; payload: unknown }) => void) | null = null;
  setWindowOpenHandler(h: Handler) {
    this.windowOpenHandler = h;
  }
  send(channel: string, payload: { name: string; payload: unknown }) {
    this.sent.push([channel, payload]);
    this.onSend?.(channel, payload);
  }
  getURL() {
    return this.url;
  }
}

export interface StandInOptions {
  userData: string;
  isPackaged?: boolean;
  /** Displays' work areas; default one 1920×1080 screen. */
  displays?: Rect[];
  /** What requestSingleInstanceLock answers (false = another instance runs). */
  singleInstanceLock?: boolean;
}

export function createElectronStandIn(options: StandInOptions) {
  const recorded = {
    schemes: [] as { scheme: string; privileges: Record<string, boolean> }[],
    protocolHandlers: new Map<string, Handler>(),
    ipcHandlers: new Map<string, Handler>(),
    permissionRequest: null as Handler | null,
    permissionCheck: null as Handler | null,
    headers: null as Handler | null,
    external: [] as string[],
    errors: [] as string[],
    messageBoxes: [] as { type?: string; message: string; detail?: string }[],
    menu: null as unknown,
    /** What the next file dialog answers (default: cancelled). */
    nextOpenDialog: null as { canceled: boolean; filePaths: string[] } | null,
    quit: 0,
  };
  const display = (r: Rect) => ({ id: r.x * 7919 + r.y, bounds: r, workArea: r, scaleFactor: 1 });
  const displays = (options.displays ?? [{ x: 0, y: 0, width: 1920, height: 1080 }]).map(display);

  const app = Object.assign(new EventEmitter(), {
    isPackaged: options.isPackaged ?? false,
    singleInstanceData: undefined as unknown,
    requestSingleInstanceLock(data?: unknown) {
      app.singleInstanceData = data;
      return options.singleInstanceLock ?? true;
    },
    whenReady: () => Promise.resolve(),
    getPath: (name: string) => (name === 'userData' ? options.userData : tmpdir()),
    getVersion: () => '0.1.0-test',
    setAppUserModelId: () => {},
    addRecentDocument: () => {},
    quit: () => {
      recorded.quit++;
      app.emit('quit-called');
    },
    exit: (code: number) => {
      app.emit('exit-called', code);
      throw new Error(`app.exit(${code}): ${recorded.errors.join('\n')}`);
    },
  });

  const windows: FakeBrowserWindow[] = [];
  class FakeBrowserWindow extends EventEmitter {
    webContents = new FakeWebContents();
    bounds: Rect;
    maximized = false;
    minimized = false;
    destroyed = false;
    focusCount = 0;
    constructor(readonly options: { x?: number; y?: number; width: number; height: number; webPreferences: Record<string, unknown> }) {
      super();
      const primary = displays[0].workArea;
      this.bounds = {
        x: options.x ?? primary.x + Math.round((primary.width - options.width) / 2),
        y: options.y ?? primary.y + Math.round((primary.height - options.height) / 2),
        width: options.width,
        height: options.height,
      };
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
      app.emit('window-created-for-test', this);
    }
    static getAllWindows = () => windows.filter((w) => !w.destroyed);
    static getFocusedWindow = () => windows.find((w) => !w.destroyed) ?? null;
    loadURL(url: string) {
      this.webContents.url = url;
      return Promise.resolve();
    }
    isDestroyed = () => this.destroyed;
    isMinimized = () => this.minimized;
    isMaximized = () => this.maximized;
    isFullScreen = () => false;
    getBounds = () => ({ ...this.bounds });
    getNormalBounds = () => ({ ...this.bounds });
    setBounds(b: Partial<Rect>) {
      this.bounds = { ...this.bounds, ...b };
      this.emit('resize');
      this.emit('move');
    }
    maximize() {
      this.maximized = true;
      this.emit('maximize');
    }
    minimize() {
      this.minimized = true;
      this.emit('minimize');
    }
    show() {}
    focus() {
      this.focusCount++;
    }
    restore() {
      this.minimized = false;
    }
    /** What the user closing the window does: 'close' (may be prevented), then 'closed'. */
    close() {
      let prevented = false;
      this.emit('close', { preventDefault: () => (prevented = true) });
      if (prevented) return;
      this.destroyed = true;
      this.emit('closed');
    }
  }

  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    nativeTheme: { shouldUseDarkColors: false },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => (recorded.menu = m) },
    shell: { openExternal: async (url: string) => void recorded.external.push(url) },
    screen: {
      getAllDisplays: () => displays,
      getPrimaryDisplay: () => displays[0],
    },
    dialog: {
      showOpenDialog: async () => {
        const r = recorded.nextOpenDialog ?? { canceled: true, filePaths: [] };
        recorded.nextOpenDialog = null;
        return r;
      },
      showErrorBox: (_t: string, m: string) => recorded.errors.push(m),
      showMessageBox: async (...args: unknown[]) => {
        const opts = args.at(-1) as { type?: string; message: string; detail?: string };
        recorded.messageBoxes.push(opts);
        app.emit('message-box-for-test', opts);
        return { response: 0, checkboxChecked: false };
      },
    },
    ipcMain: {
      handle: (ch: string, h: Handler) => recorded.ipcHandlers.set(ch, h),
      removeHandler: (ch: string) => recorded.ipcHandlers.delete(ch),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: typeof recorded.schemes) => recorded.schemes.push(...s),
      handle: (scheme: string, h: Handler) => recorded.protocolHandlers.set(scheme, h),
    },
    // Electron's net.fetch reads file:// URLs and types them by extension.
    net: {
      fetch: async (url: string) => {
        try {
          const body = await readFile(fileURLToPath(url));
          return new Response(body, { headers: { 'content-type': MIME[extname(url)] ?? 'application/octet-stream' } });
        } catch {
          return new Response('missing', { status: 404 });
        }
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Handler) => (recorded.permissionRequest = h),
        setPermissionCheckHandler: (h: Handler) => (recorded.permissionCheck = h),
        setDevicePermissionHandler: () => {},
        webRequest: { onHeadersReceived: (h: Handler) => (recorded.headers = h) },
      },
    },
    // utilityProcess: a plain Node child running the same bundled worker file.
    utilityProcess: {
      fork(modulePath: string, args: string[], forkOptions: { env: NodeJS.ProcessEnv }) {
        const child = fork(modulePath, args, {
          env: forkOptions.env,
          serialization: 'advanced',
          execArgv: [],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        return {
          get pid() {
            return child.pid;
          },
          postMessage: (m: unknown) => child.connected && child.send(m as object),
          on: (ev: string, l: Handler) => child.on(ev, l),
          once: (ev: string, l: (code: number) => void) => child.once(ev, (code: number | null) => l(code ?? -1)),
          kill: () => child.kill('SIGKILL'),
        };
      },
    },
  };

  /** A call into main's IPC handler as the app's top frame (or as another sender). */
  const call = (method: string, input: unknown, url = 'app://glassbox/index.html', parent: object | null = null) =>
    recorded.ipcHandlers.get('glassbox:call')!({ senderFrame: { url, parent } }, method, input) as Promise<{
      ok: boolean;
      value?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
      error?: { code: string; message: string };
    }>;

  /** Quits the way a user does: before-quit (main closes the core first); resolves once app.quit ran. */
  const quit = async () => {
    const done = new Promise((r) => app.once('quit-called', r));
    app.emit('before-quit', { preventDefault: () => {} });
    await done;
  };

  return { electron, app, recorded, windows, BrowserWindow: FakeBrowserWindow, call, quit };
}

export type ElectronStandIn = ReturnType<typeof createElectronStandIn>;
export type FakeWindow = ElectronStandIn['windows'][number];

/**
 * Loads a bundled main process (`main.cjs`) with `require('electron')` answered by the stand-in and
 * resolves with its first window. `argv` replaces process.argv while main starts (it reads it then).
 */
export async function loadMainWithStandIn(mainPath: string, standIn: ElectronStandIn, argv?: string[]): Promise<FakeWindow> {
  const created = new Promise<FakeWindow>((r) => standIn.app.once('window-created-for-test', r));
  const failed = new Promise<never>((_, rej) =>
    standIn.app.once('exit-called', (code) => rej(new Error(`main exited (${code}): ${standIn.recorded.errors.join('\n')}`))),
  );
  const modules = Module as unknown as { _load: Handler };
  const load = modules._load;
  const savedArgv = process.argv;
  modules._load = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? standIn.electron : load.call(this, request, ...rest);
  };
  try {
    if (argv) process.argv = argv;
    createRequire(import.meta.url)(mainPath);
  } finally {
    modules._load = load;
    process.argv = savedArgv;
  }
  return Promise.race([created, failed]);
}
