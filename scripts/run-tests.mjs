#!/usr/bin/env node
// Runs every *.test.ts under the source folders with Node's own test runner (through tsx),
// so CI reads one standard summary. Usage: node scripts/run-tests.mjs [substring filters...]
// Unit tests run first, e2e (browser) tests last; files run one at a time because this
// machine has 2 cores and many tests drive llama.cpp or our engine at full speed.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { findChromium, noChromiumMessage } from './find-chromium.mjs';

const roots = ['electron', 'renderer/src', 'scripts', 'bench', 'test-support', 'e2e'];
const skipDirs = new Set(['node_modules', 'dist', '.cache']);

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (skipDirs.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.test\.tsx?$/.test(name)) out.push(relative(process.cwd(), p));
  }
  return out;
}

const filters = process.argv.slice(2);
let files = roots.flatMap((r) => walk(r, []));
if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));
const isE2e = (f) => f.startsWith('e2e/');
files.sort((a, b) => Number(isE2e(a)) - Number(isE2e(b)) || a.localeCompare(b));
if (files.length === 0) {
  console.error('no test files matched', filters);
  process.exit(1);
}
// Say once, up front, when the e2e tests have no browser, rather than failing each of them.
const env = { ...process.env, GLASSBOX_TEST: '1' };
if (files.some(isE2e)) {
  const chromium = findChromium();
  if (!chromium) {
    console.error(noChromiumMessage());
    process.exit(1);
  }
  env.GLASSBOX_CHROMIUM = chromium;
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env,
});
process.exit(r.status ?? 1);
