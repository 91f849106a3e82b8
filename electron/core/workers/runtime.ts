// The child side: receives requests, runs tasks, answers. Works under Node's fork (process.send) and
// Electron's utilityProcess (process.parentPort), detected at run time without importing electron.
import { errorMessage, type ApiErrorData } from '../api/errors.ts';
import type { ChildMessage, ParentMessage } from './protocol.ts';
import { TaskError, type TaskTable } from './task.ts';
import { GATE_EXEMPT, passGate } from './test-gate.ts';

interface ParentPort {
  on(event: 'message', listener: (e: { data: ParentMessage }) => void): void;
  postMessage(message: ChildMessage): void;
}

function connect(): { send(m: ChildMessage): void; onMessage(l: (m: ParentMessage) => void): void } {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return { send: (m) => parentPort.postMessage(m), onMessage: (l) => parentPort.on('message', (e) => l(e.data)) };
  }
  if (!process.send) throw new Error('worker runtime started without an IPC channel to its supervisor');
  return { send: (m) => process.send!(m), onMessage: (l) => process.on('message', (m) => l(m as ParentMessage)) };
}

function toErrorData(err: unknown): ApiErrorData {
  if (err instanceof TaskError) return { code: err.code, message: err.message };
  return { code: 'internal', message: errorMessage(err) };
}

export function runWorker(tasks: TaskTable): void {
  const port = connect();
  const running = new Map<number, AbortController>();

  port.onMessage(async (msg) => {
    if (msg.type === 'cancel') {
      running.get(msg.id)?.abort();
      return;
    }
    const task = Object.hasOwn(tasks, msg.task) ? tasks[msg.task] : undefined;
    if (!task) {
      port.send({
        type: 'response',
        id: msg.id,
        ok: false,
        error: { code: 'bad_input', message: `this worker has no task "${msg.task}"` },
      });
      return;
    }
    const controller = new AbortController();
    running.set(msg.id, controller);
    try {
      if (!GATE_EXEMPT.has(msg.task)) await passGate(controller.signal);
      const value = await task(msg.input as never, {
        signal: controller.signal,
        emit: (event) => port.send({ type: 'event', id: msg.id, event }),
      });
      port.send({ type: 'response', id: msg.id, ok: true, value });
    } catch (err) {
      port.send({ type: 'response', id: msg.id, ok: false, error: toErrorData(err) });
    } finally {
      running.delete(msg.id);
    }
  });

  port.send({ type: 'ready', pid: process.pid, tasks: Object.keys(tasks) });
}
