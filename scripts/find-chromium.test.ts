// Without a browser, `npm test` says in one line what to install instead of failing each e2e test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { findChromium, noChromiumMessage } from './find-chromium.mjs';

test('a missing browser stops the run up front with one line naming the fix', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, GLASSBOX_CHROMIUM: '/nonexistent/chrome' };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['scripts/run-tests.mjs', 'e2e/shell'], { env, encoding: 'utf8' });
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /GLASSBOX_CHROMIUM points to \/nonexistent\/chrome, which does not exist/);
  assert.equal(r.stdout, '', 'no test ran');
});

test('the message without the variable names an install command and the variable', () => {
  const env = { ...process.env };
  delete env.GLASSBOX_CHROMIUM;
  assert.match(noChromiumMessage(env), /need Chromium or Chrome and none was found: .+, or set GLASSBOX_CHROMIUM=/);
  assert.equal(findChromium({ GLASSBOX_CHROMIUM: '/nonexistent/chrome' }), null);
  assert.equal(findChromium({ GLASSBOX_CHROMIUM: process.execPath }), process.execPath);
});
