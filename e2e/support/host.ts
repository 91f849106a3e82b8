// Starting the headless host for tests: in-process (fast, for most specs) or as a child process
// (for restart and kill -9 specs). Both use a fresh temp data folder unless told otherwise.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startHost, type HostOptions, type RunningHost } from '../../electron/server/host.ts';
import { startPackagedTestHost } from './packaged-host.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A temp folder removed by `cleanup()`. */
export function tempDir(prefix = 'glassbox-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestHost extends RunningHost {
  dataDir: string;
  /** Closes the host and deletes its temp data folder (unless dataDir was given). */
  stop(): Promise<void>;
}

// In-process hosts a test forgot (or failed before) stopping are stopped when the file ends.
const liveTestHosts = new Set<TestHost>();
after(async () => {
  await Promise.all([...liveTestHosts].map((h) => h.stop()));
});

/** In-process host on a random port with a temp database, test mode on, fast worker restarts. */
export async function startTestHost(options: HostOptions = {}): Promise<TestHost> {
  // e2e/packaged.test.ts runs specs against the packaged desktop app instead (support/packaged-host.ts).
  if (process.env.GLASSBOX_E2E_PACKAGED_APP) return startPackagedTestHost(process.env.GLASSBOX_E2E_PACKAGED_APP, options);
  const tmp = options.dataDir ? null : tempDir();
  const dataDir = options.dataDir ?? tmp!.path;
  const host = await startHost({ port: 0, testMode: true, workerBackoffMs: 50, ...options, dataDir });
  const testHost: TestHost = {
    ...host,
    dataDir,
    async stop() {
      liveTestHosts.delete(testHost);
      await host.close();
      tmp?.cleanup();
    },
  };
  liveTestHosts.add(testHost);
  return testHost;
}

export interface HostProcess {
  url: string;
  origin: string;
  port: number;
  token: string;
  pid: number;
  child: ChildProcess;
  /** Everything the process printed so far (stdout + stderr). */
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit: no cleanup at all, like a power cut for the process. */
  kill9(): Promise<void>;
}

// Host processes still running when a test file ends (e.g. after a failed assertion) are killed,
// so a failure never leaves the file hanging on a live child.
const liveHosts = new Set<ChildProcess>();
after(() => {
  for (const child of liveHosts) child.kill('SIGKILL');
});

/**
 * Runs `tsx electron/server/cli.ts` as a child process and resolves when it prints GLASSBOX_READY.
 * Pass the same `db` to a second call to "restart the host".
 */
export function spawnHostProcess(args: {
  db?: string;
  dataDir: string;
  port?: number;
  token?: string;
  env?: Record<string, string>;
}): Promise<HostProcess> {
  const cliArgs = [
    '--import',
    'tsx',
    join(repoRoot, 'electron/server/cli.ts'),
    '--port',
    String(args.port ?? 0),
    '--data-dir',
    args.dataDir,
  ];
  if (args.db) cliArgs.push('--db', args.db);
  if (args.token) cliArgs.push('--token', args.token);
  const child = spawn(process.execPath, cliArgs, {
    cwd: repoRoot,
    env: { ...process.env, GLASSBOX_TEST: '1', ...args.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveHosts.add(child);
  child.once('exit', () => liveHosts.delete(child));
  let output = '';
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const onExit = (code: number | null) => reject(new Error(`host exited (code ${code}) before it was ready:\n${output}`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      output += line + '\n';
      if (!line.startsWith('GLASSBOX_READY ')) return;
      child.off('exit', onExit);
      const ready = JSON.parse(line.slice('GLASSBOX_READY '.length)) as {
        url: string;
        origin: string;
        port: number;
        token: string;
        pid: number;
      };
      resolvePromise({
        ...ready,
        child,
        output: () => output,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
        kill9: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}
