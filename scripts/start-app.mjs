#!/usr/bin/env node
// `npm start`: builds, then opens the desktop app with Electron's binary. Electron 45 fetches its
// binary on first use; where that cannot happen (offline, a proxy, a locked-down machine) this says
// so in one line and points to the same app in the browser (`npm run serve`) instead of a stack trace.
// Usage: node scripts/start-app.mjs [--no-build] [-- args for the app, e.g. --data-dir=DIR]
import { spawn, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The path of Electron's binary, fetching it first if needed (require('electron') does that), in a
 * child process whose chatter is kept: on failure the caller gets one short reason.
 */
export function resolveElectron(env = process.env) {
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  if (r.status === 0 && r.stdout) return { ok: true, path: r.stdout };
  const text = `${r.stderr ?? ''}\n${r.stdout ?? ''}`;
  const reason =
    text.match(/\b(E[A-Z]{3,}[A-Z_]*)\b[^\n]*/)?.[0] ?? // ENOTFOUND github.com, ECONNREFUSED …, ETIMEDOUT
    text.match(/HTTPError[^\n]*/)?.[0] ??
    (/fetch failed/.test(text) ? 'no connection to its download server' : null) ??
    (r.error ? r.error.message : 'the download failed');
  return { ok: false, reason: reason.trim().slice(0, 160) };
}

export const cannotStartLine = (reason) =>
  `Glassbox: Electron's binary could not be fetched (${reason}); run the same app in your browser instead: npm run serve`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const skipBuild = args[0] === '--no-build';
  const appArgs = args.filter((a) => a !== '--no-build' && a !== '--');
  if (!skipBuild) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const electron = resolveElectron();
  if (!electron.ok) {
    console.error(cannotStartLine(electron.reason));
    process.exit(1);
  }
  const child = spawn(electron.path, ['.', ...appArgs], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
