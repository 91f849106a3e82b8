// `npm start` on a machine where Electron's binary cannot be fetched: one line that says so and
// points to `npm run serve`, exit code 1, no stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

test('no Electron binary and no way to fetch it: one line pointing to npm run serve', { timeout: 120_000 }, () => {
  const cache = mkdtempSync(join(tmpdir(), 'glassbox-electron-cache-'));
  try {
    // A download server that refuses connections, and an empty download cache.
    const env = { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: cache, ELECTRON_OVERRIDE_DIST_PATH: '' };
    const r = spawnSync(process.execPath, [resolve(import.meta.dirname, 'start-app.mjs'), '--no-build'], { env, encoding: 'utf8' });
    assert.equal(r.status, 1);
    const lines = `${r.stdout}${r.stderr}`.trim().split('\n');
    assert.equal(lines.length, 1, `expected one line, got:\n${lines.join('\n')}`);
    assert.match(lines[0], /Electron's binary could not be fetched \(no connection to its download server\).*npm run serve/);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
