// Messages between the supervisor (parent) and a worker process (child). Structured clone on both
// Node's fork (serialization: 'advanced') and Electron's utilityProcess, so typed arrays travel as is.
import type { ApiErrorData } from '../api/errors.ts';

export type ParentMessage = { type: 'request'; id: number; task: string; input: unknown } | { type: 'cancel'; id: number };

export type ChildMessage =
  | { type: 'ready'; pid: number; tasks: string[] }
  | { type: 'event'; id: number; event: unknown }
  | { type: 'response'; id: number; ok: true; value: unknown }
  | { type: 'response'; id: number; ok: false; error: ApiErrorData };

/** The handle a spawner returns: enough to talk to one child process and notice its death. */
export interface WorkerProcess {
  readonly pid: number | undefined;
  send(message: ParentMessage): void;
  onMessage(listener: (message: ChildMessage) => void): void;
  /** Called once when the process is gone, for whatever reason. */
  onExit(listener: (info: { code: number | null; signal: string | null }) => void): void;
  kill(): void;
}

/**
 * Starts a worker of the given kind. Injected so the core stays platform-free:
 * under Node (tests, headless host) `nodeSpawner` forks with tsx; under Electron, main passes a
 * spawner built on utilityProcess running the bundled worker.
 */
export type WorkerSpawner = (kind: string, options: { env: Record<string, string> }) => WorkerProcess;
