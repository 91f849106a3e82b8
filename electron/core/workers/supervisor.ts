// Keeps one worker process alive: starts it on first use, sends typed requests, restarts it after a
// crash with exponential backoff, and rejects whatever was in flight with a 'worker_crashed' error
// that says what died and why. State changes are published so the UI can show them.
import { ServiceError } from '../api/errors.ts';
import type { WorkerName, WorkerStatus } from '../api/workers.ts';
import type { ChildMessage, WorkerProcess, WorkerSpawner } from './protocol.ts';
import type { TaskInput, TaskOutput, TaskTable } from './task.ts';

export interface SupervisorOptions {
  name: WorkerName;
  spawner: WorkerSpawner;
  env?: Record<string, string>;
  /** First restart delay; doubles per consecutive crash up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A worker that stayed up this long resets the backoff. */
  stableAfterMs?: number;
  onState?: (status: WorkerStatus) => void;
}

export interface RequestOptions {
  signal?: AbortSignal;
  onEvent?: (event: unknown) => void;
}

interface Pending {
  task: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  onEvent?: (event: unknown) => void;
  cleanup(): void;
}

export class WorkerSupervisor<T extends TaskTable = TaskTable> {
  private proc: WorkerProcess | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private consecutiveCrashes = 0;
  private startedAt = 0;
  private stopped = false;
  private status: WorkerStatus;

  constructor(private readonly options: SupervisorOptions) {
    this.status = { name: options.name, state: 'idle', pid: null, restarts: 0, lastError: null, lastCrashAt: null };
  }

  get snapshot(): WorkerStatus {
    return { ...this.status };
  }

  /** Runs `task` in the worker. Rejects with ServiceError('worker_crashed') if the process dies meanwhile. */
  async request<K extends keyof T & string>(task: K, input: TaskInput<T, K>, options: RequestOptions = {}): Promise<TaskOutput<T, K>> {
    if (this.stopped) throw new ServiceError('unavailable', `the ${this.options.name} worker is shut down`);
    const cancelled = () => new ServiceError('cancelled', `${task} was cancelled`);
    if (options.signal?.aborted) throw cancelled();
    await this.start();
    if (options.signal?.aborted) throw cancelled(); // aborted while the worker was starting
    const proc = this.proc;
    if (!proc)
      throw new ServiceError(
        'worker_crashed',
        `the ${this.options.name} worker is not running (${this.status.lastError ?? 'not started'})`,
      );
    const id = this.nextId++;
    return new Promise<TaskOutput<T, K>>((resolve, reject) => {
      const onAbort = () => {
        proc.send({ type: 'cancel', id });
        this.pending.delete(id);
        reject(cancelled());
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        task,
        resolve: resolve as (v: unknown) => void,
        reject,
        onEvent: options.onEvent,
        cleanup: () => options.signal?.removeEventListener('abort', onAbort),
      });
      proc.send({ type: 'request', id, task, input });
    });
  }

  /** Starts the process if it is not running; resolves once it reported ready. */
  start(): Promise<void> {
    if (this.stopped) return Promise.reject(new ServiceError('unavailable', `the ${this.options.name} worker is shut down`));
    if (this.ready) return this.ready;
    if (this.restartTimer) {
      // A restart is scheduled after a crash: start now instead of waiting out the backoff.
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
      this.status.restarts++;
    }
    this.setState({ state: 'starting', pid: null });
    const proc = this.options.spawner(this.options.name, { env: this.options.env ?? {} });
    this.proc = proc;
    this.startedAt = Date.now();
    let markReady!: () => void;
    let failStart!: (err: Error) => void;
    const ready = new Promise<void>((res, rej) => {
      markReady = res;
      failStart = rej;
    });
    ready.catch(() => {}); // observed by request(); avoid an unhandled rejection when nobody waits
    this.ready = ready;

    proc.onMessage((msg) => this.onMessage(msg, markReady));
    proc.onExit(({ code, signal }) => {
      if (this.proc !== proc) return;
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      failStart(new ServiceError('worker_crashed', `the ${this.options.name} worker ${how} while starting`));
      this.onExit(how);
    });
    return ready;
  }

  private onMessage(msg: ChildMessage, markReady: () => void): void {
    switch (msg.type) {
      case 'ready':
        this.setState({ state: 'ready', pid: msg.pid });
        markReady();
        return;
      case 'event':
        this.pending.get(msg.id)?.onEvent?.(msg.event);
        return;
      case 'response': {
        const p = this.pending.get(msg.id);
        if (!p) return; // cancelled meanwhile
        this.pending.delete(msg.id);
        p.cleanup();
        if (msg.ok) {
          p.resolve(msg.value);
          if (Date.now() - this.startedAt > (this.options.stableAfterMs ?? 10_000)) this.consecutiveCrashes = 0;
        } else p.reject(new ServiceError(msg.error.code, msg.error.message, msg.error.issues));
        return;
      }
      default:
        msg satisfies never;
    }
  }

  private onExit(how: string): void {
    this.proc = null;
    this.ready = null;
    const inFlight = [...this.pending.values()];
    this.pending.clear();
    if (this.stopped) {
      for (const p of inFlight) {
        p.cleanup();
        p.reject(new ServiceError('unavailable', `the ${this.options.name} worker was shut down`));
      }
      return;
    }
    const tasks = inFlight.map((p) => `'${p.task}'`);
    const lastError = `the ${this.options.name} worker ${how}${tasks.length ? ` while running ${tasks.join(', ')}` : ''}`;
    if (Date.now() - this.startedAt > (this.options.stableAfterMs ?? 10_000)) this.consecutiveCrashes = 0;
    this.consecutiveCrashes++;
    const wait = Math.min((this.options.backoffMs ?? 200) * 2 ** (this.consecutiveCrashes - 1), this.options.maxBackoffMs ?? 10_000);
    this.setState({ state: 'crashed', pid: null, lastError, lastCrashAt: Date.now() });
    for (const p of inFlight) {
      p.cleanup();
      p.reject(new ServiceError('worker_crashed', `${lastError}; it is being restarted, try again`));
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.status.restarts++;
      this.start().catch(() => {}); // a failed start ends in onExit again, which schedules the next try
    }, wait);
  }

  /** Kills the process for good; pending requests are rejected with 'unavailable'. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const proc = this.proc;
    this.setState({ state: 'stopped', pid: null });
    if (!proc) return;
    const exited = new Promise<void>((res) => proc.onExit(() => res()));
    proc.kill();
    await exited;
  }

  private setState(patch: Partial<WorkerStatus>): void {
    this.status = { ...this.status, ...patch };
    this.options.onState?.(this.snapshot);
  }
}
