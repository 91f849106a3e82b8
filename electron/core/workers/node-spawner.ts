// Spawner for plain Node (tests, headless host): forks worker-main.ts through tsx.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, WorkerProcess, WorkerSpawner } from './protocol.ts';

const entry = fileURLToPath(new URL('./worker-main.ts', import.meta.url));

export const nodeSpawner: WorkerSpawner = (kind, { env }) => {
  const child = fork(entry, ['--kind', kind], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  return {
    get pid() {
      return child.pid;
    },
    send: (m) => {
      if (child.connected) child.send(m);
    },
    onMessage: (l) => child.on('message', (m) => l(m as ChildMessage)),
    onExit: (l) => {
      // A failed spawn emits 'error' and possibly no 'exit'; report either, once.
      let done = false;
      const once = (info: { code: number | null; signal: string | null }) => {
        if (done) return;
        done = true;
        l(info);
      };
      child.once('exit', (code, signal) => once({ code, signal }));
      child.once('error', () => once({ code: null, signal: null }));
    },
    kill: () => {
      child.kill('SIGKILL');
    },
  } satisfies WorkerProcess;
};
