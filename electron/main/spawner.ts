// Worker processes under Electron: utilityProcess runs the bundled worker (dist/electron/worker.mjs)
// as a Node child without a window. The core sees the same WorkerProcess interface as under Node.
import { utilityProcess } from 'electron';
import type { ChildMessage, WorkerProcess, WorkerSpawner } from '../core/workers/protocol.ts';

export function electronSpawner(workerBundle: string): WorkerSpawner {
  return (kind, { env }) => {
    const child = utilityProcess.fork(workerBundle, ['--kind', kind], {
      serviceName: `Glassbox ${kind} worker`,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    return {
      get pid() {
        return child.pid;
      },
      send: (m) => child.postMessage(m),
      onMessage: (l) => child.on('message', (m: unknown) => l(m as ChildMessage)),
      onExit: (l) => child.once('exit', (code: number) => l({ code, signal: null })),
      kill: () => {
        child.kill();
      },
    } satisfies WorkerProcess;
  };
}
