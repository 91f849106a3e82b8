#!/usr/bin/env node
// Runs a command under Node 24, the runtime Electron 45 ships. On an older system Node it installs
// the `node@24` package from the npm registry into .cache/node24 (once, a few seconds) and puts it
// first on PATH, so `npm start` and `npm test` behave the same on a machine whose Node is 20.
// Usage: node scripts/node24.mjs <command> [args...]
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { delimiter, join, resolve } from 'node:path';

const REQUIRED_MAJOR = 24;
const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/node24.mjs <command> [args...]');
  process.exit(2);
}

const env = { ...process.env };
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  const prefix = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '.cache', 'node24');
  const bin = join(prefix, 'node_modules', '.bin');
  if (!existsSync(join(bin, process.platform === 'win32' ? 'node.cmd' : 'node'))) {
    console.error(`Node ${process.versions.node} is older than ${REQUIRED_MAJOR}: installing node@${REQUIRED_MAJOR} into ${prefix} …`);
    const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `node@${REQUIRED_MAJOR}`], {
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
    if (r.status !== 0) {
      console.error(
        `Could not install Node ${REQUIRED_MAJOR}. Install it yourself (nvm install ${REQUIRED_MAJOR}, or see .nvmrc) and run again.`,
      );
      process.exit(r.status ?? 1);
    }
  }
  env.PATH = `${bin}${delimiter}${env.PATH ?? ''}`;
}

const r = spawnSync(command, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
if (r.error) {
  console.error(`${command}: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
