// What every service implementation receives from the core: the database, the event bus, the job
// registry, the worker supervisors and the app's paths/mode. Services never reach for globals.
import type { MethodName } from '../api/contract.ts';
import type { BackendStatus, ModelStatus } from '../api/system.ts';
import type { WorkerName } from '../api/workers.ts';
import type { Db } from '../store/database.ts';
import type { DataPaths } from '../store/paths.ts';
import type { WorkerProcess } from '../workers/protocol.ts';
import type { WorkerSupervisor } from '../workers/supervisor.ts';
import type { BuiltinTasks, EngineTasks, ModelTasks } from '../workers/tasks/index.ts';
import type { Handlers } from './dispatcher.ts';
import type { EventBus } from './events.ts';
import type { JobRegistry } from './jobs.ts';

export interface Workers {
  model: WorkerSupervisor<ModelTasks>;
  engine: WorkerSupervisor<EngineTasks>;
}

/** Parts of system.status that services other than `system` own (the llm service sets model/backend). */
export interface StatusParts {
  model: ModelStatus | null;
  backend: BackendStatus | null;
}

/**
 * What only the desktop shell can do, injected by electron/main (null under the headless host, where
 * the browser uploads or the user types a path instead). Keeps the core free of `electron`.
 */
export interface PlatformCapabilities {
  /** Native open-file dialog; resolves the chosen absolute paths, or [] if cancelled. */
  pickFiles:
    ((options: { title: string; filters: { name: string; extensions: string[] }[]; multiple?: boolean }) => Promise<string[]>) | null;
}

export interface CoreContext {
  db: Db;
  events: EventBus;
  jobs: JobRegistry;
  workers: Workers;
  paths: DataPaths;
  mode: 'desktop' | 'browser';
  platform: PlatformCapabilities;
  appVersion: string;
  /** Test-only methods (workers.crashForTest) answer only when this is true. */
  testMode: boolean;
  /** Change model/backend shown in the status bar; publishes a fresh system.status. */
  setStatus(patch: Partial<StatusParts>): void;
  getStatusParts(): StatusParts;
  /** Either worker, typed by the tasks every kind has (ping, sleep, crash). */
  workerByName(name: WorkerName): WorkerSupervisor<BuiltinTasks>;
  /** Starts a one-off worker process of a kind (docs extraction runs one per file, then kills it). */
  spawnWorker(kind: string, env?: Record<string, string>): WorkerProcess;
  /** Runs `dispose` when the core closes (before workers stop and the database closes); last registered runs first. */
  onClose(dispose: () => void | Promise<void>): void;
}

/** The handlers of one service, e.g. ServiceHandlers<'sessions'> = sessions.list, sessions.create, … */
export type ServiceHandlers<S extends string> = Pick<Handlers, Extract<MethodName, `${S}.${string}`>>;
