// The host's command line: bad flags are refused with a clear message and exit code 2; a good start
// prints the URL and the machine-readable ready line, and the database lands where --db says.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnHostProcess } from '../../e2e/support/host.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const runCli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'electron/server/cli.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, GLASSBOX_DATA_DIR: dir },
  });

test('bad flags exit 2 with a reason and the usage', () => {
  const port = runCli('--port', 'abc');
  assert.equal(port.status, 2);
  assert.match(port.stderr, /--port must be an integer 0\.\.65535, got "abc"/);
  const unknown = runCli('--frobnicate');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /Unknown option '--frobnicate'[\s\S]*usage: npm run serve/);
  const token = runCli('--token', 'short');
  assert.equal(token.status, 2);
  assert.match(token.stderr, /--token must be at least 8 characters/);
});

test('a started host prints its URL and a ready line, and uses --db', async () => {
  const db = join(dir, 'sub', 'custom.db');
  const host = await spawnHostProcess({ dataDir: dir, db, token: 'cli-test-token-1234' });
  try {
    assert.equal(host.token, 'cli-test-token-1234');
    assert.equal(host.url, `http://127.0.0.1:${host.port}/?token=cli-test-token-1234`);
    assert.match(host.output(), /Glassbox is running\. Open:\n\n {2}http:\/\/127\.0\.0\.1:\d+\/\?token=cli-test-token-1234/);
    assert.ok(existsSync(db), 'the database was created at --db');
  } finally {
    assert.equal(await host.stop(), 0);
  }
});
