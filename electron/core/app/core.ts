// Composes the platform-free core: database, events, jobs, workers and every service behind one
// dispatcher. Electron main and the headless host each create exactly one core and plug a transport
// into `dispatch` and `events`.
import type { WorkerName } from '../api/workers.ts';
import { openDatabase, type Db } from '../store/database.ts';
import { resolveDataPaths, type DataPaths } from '../store/paths.ts';
import type { WorkerSpawner } from '../workers/protocol.ts';
import type { BuiltinTasks } from '../workers/tasks/index.ts';
import { WorkerSupervisor } from '../workers/supervisor.ts';
import type { CoreContext, PlatformCapabilities, StatusParts, Workers } from './context.ts';
import { createDispatcher, type Dispatch } from './dispatcher.ts';
import { EventBus } from './events.ts';
import { JobRegistry } from './jobs.ts';
import { createHandlers } from './services.ts';
import { systemStatus } from './services/system.ts';

export interface CoreOptions {
  mode: 'desktop' | 'browser';
  spawner: WorkerSpawner;
  /** Desktop-only abilities (file dialogs); omitted by the headless host. */
  platform?: Partial<PlatformCapabilities>;
  /** Flags win over environment (GLASSBOX_DATA_DIR, GLASSBOX_DB, GLASSBOX_MODELS_DIR) over the OS default. */
  dataDir?: string;
  dbPath?: string;
  modelsDir?: string;
  appVersion?: string;
  /** Defaults to GLASSBOX_TEST=1. */
  testMode?: boolean;
  /** Worker restart backoff (tests shorten it). */
  workerBackoffMs?: number;
}

export interface Core {
  dispatch: Dispatch;
  events: EventBus;
  jobs: JobRegistry;
  workers: Workers;
  paths: DataPaths;
  db: Db;
  ctx: CoreContext;
  close(): Promise<void>;
}

export function createCore(options: CoreOptions): Core {
  const paths = resolveDataPaths({ dataDir: options.dataDir, dbPath: options.dbPath, modelsDir: options.modelsDir });
  const db = openDatabase(paths.dbPath);
  const events = new EventBus();
  const jobs = new JobRegistry(events);
  const testMode = options.testMode ?? process.env.GLASSBOX_TEST === '1';
  let parts: StatusParts = { model: null, backend: null };
  const disposers: (() => void | Promise<void>)[] = [];

  // eslint-disable-next-line prefer-const
  let ctx: CoreContext;
  const publishStatus = () => events.publish('system.status', systemStatus(ctx));
  const supervise = (name: WorkerName) =>
    new WorkerSupervisor({
      name,
      spawner: options.spawner,
      env: testMode ? { GLASSBOX_TEST: '1' } : {},
      backoffMs: options.workerBackoffMs,
      onState: (status) => {
        events.publish('workers.state', status);
        if (ctx) publishStatus();
      },
    });
  const workers: Workers = { model: supervise('model'), engine: supervise('engine') };

  ctx = {
    db,
    events,
    jobs,
    workers,
    paths,
    mode: options.mode,
    platform: { pickFiles: null, ...options.platform },
    appVersion: options.appVersion ?? '0.1.0',
    testMode,
    setStatus(patch) {
      parts = { ...parts, ...patch };
      publishStatus();
    },
    getStatusParts: () => parts,
    workerByName: (name) => workers[name] as unknown as WorkerSupervisor<BuiltinTasks>,
    onClose: (dispose) => void disposers.push(dispose),
    spawnWorker: (kind, env = {}) => options.spawner(kind, { env: { ...(testMode ? { GLASSBOX_TEST: '1' } : {}), ...env } }),
  };

  const dispatch = createDispatcher(createHandlers(ctx));
  let closed = false;
  return {
    dispatch,
    events,
    jobs,
    workers,
    paths,
    db,
    ctx,
    async close() {
      if (closed) return;
      closed = true;
      jobs.cancelAll();
      for (const dispose of disposers.reverse()) {
        try {
          await dispose();
        } catch (err) {
          console.error('error while closing a service:', err);
        }
      }
      await Promise.all([workers.model.stop(), workers.engine.stop()]);
      db.close();
    },
  };
}
