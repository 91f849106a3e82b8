// While the host is down (issue 11 item 8), in Chromium on the real-vocabulary small model: a reply
// streaming when the host process is killed loses its Stop button (the composer says Disconnected),
// the status bar says disconnected and does not show the model as ready; after a restart on the same
// address the page reconnects, the reply is marked interrupted with the saving guarantee stated, the
// saved text is a prefix of what was shown, and Continue finishes it (item 5: a reply cut by a crash).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { STREAM_SAVE_INTERVAL_MS } from '../electron/core/api/chat.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { connectApi } from './support/api.ts';
import { launchBrowser, openApp } from './support/browser.ts';
import { spawnHostProcess, tempDir, type HostProcess } from './support/host.ts';

const dir = tempDir('glassbox-host-down-');
const db = join(dir.path, 'down.db');
let host: HostProcess;
let browser: Browser;
let page: Page;
let sessionId: string;

before(async () => {
  host = await spawnHostProcess({ dataDir: dir.path, db });
  const { api } = connectApi(host);
  await api.backend.setConfig({ contextSize: 8192 });
  const model = await api.models.import({ path: await ensureRealVocabModel('small', 'F32') });
  await api.models.setActive({ id: model.id });
  sessionId = (await api.sessions.create({ title: 'Long reply' })).id;
  // Greedy with no reply limit to speak of: still streaming when the host is killed.
  await api.chat.setConfig({ sessionId, sampling: { temperature: 0, maxTokens: 32_768 } });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await host?.stop();
  dir.cleanup();
});

test('host killed mid-reply: no Stop button, disconnected everywhere; after restart the reply is interrupted and continues', async () => {
  page = await openApp(browser, host, { hash: `#/chat/${sessionId}` });
  await page.getByTestId('conversation-title').getByText('Long reply').waitFor();
  // What the host streamed to its clients (the page shows the same deltas).
  const watcher = connectApi(host);
  const streamed: string[] = [];
  watcher.on('chat.delta', (d) => streamed.push(d.text));
  const box = page.getByLabel('Message', { exact: true });
  await box.fill('Talk for a long time.');
  await box.press('Enter');
  const stop = page.getByRole('button', { name: 'Stop generating' });
  await stop.waitFor();
  const reply = page.getByTestId('message-assistant').last();
  // Streamed for a while: several periodic saves.
  await page.waitForFunction(() => (document.querySelector('[data-testid="assistant-body"]')?.textContent ?? '').length > 40);
  const replyId = (await reply.getAttribute('data-message-id'))!;

  await host.kill9();
  watcher.close();
  await page.getByTestId('composer-disconnected').waitFor();
  assert.equal(await stop.count(), 0, 'no Stop button for a reply the host can no longer stop');
  await page
    .getByTestId('status-connection')
    .getByText(/^Disconnected/)
    .waitFor();
  assert.match(await page.getByTestId('status-model').innerText(), /unknown \(disconnected\)/);
  assert.doesNotMatch(await page.getByRole('status', { name: 'Status bar' }).innerText(), /ready/, 'no stale "ready"');

  // Same address and token: the page reconnects by itself.
  host = await spawnHostProcess({ dataDir: dir.path, db, port: host.port, token: host.token });
  await page.getByTestId('status-connection').getByText('Connected').waitFor({ timeout: 60_000 });
  const cut = page.locator(`[data-message-id="${replyId}"]`);
  await cut.and(page.locator('[data-status="interrupted"]')).waitFor();
  const note = await cut.getByTestId('message-interrupted').innerText();
  assert.ok(note.includes(`saved every ${STREAM_SAVE_INTERVAL_MS} ms`), note);
  assert.ok(note.includes(`at most the last ${STREAM_SAVE_INTERVAL_MS} ms of text shown`), note);
  const api = connectApi(host).api;
  const saved = (await api.chat.get({ sessionId })).messages.find((m) => m.id === replyId)!;
  assert.ok(saved.content.length > 0);
  assert.ok(streamed.join('').startsWith(saved.content), 'the saved text is a prefix of what was streamed');
  assert.equal(saved.tokens!.map((t) => t.text).join(''), saved.content);

  await api.chat.setConfig({ sessionId, sampling: { maxTokens: 4 } });
  await cut.getByRole('button', { name: 'Continue' }).click();
  await cut.and(page.locator('[data-status="complete"]')).waitFor();
  const done = (await api.chat.get({ sessionId })).messages.find((m) => m.id === replyId)!;
  assert.ok(done.content.startsWith(saved.content));
  assert.ok(
    done.tokens!.length > saved.tokens!.length && done.tokens!.length <= saved.tokens!.length + 4,
    'up to four more tokens, appended',
  );
  assert.deepEqual(
    done.tokens!.slice(0, saved.tokens!.length).map((t) => t.id),
    saved.tokens!.map((t) => t.id),
  );
  assert.equal(done.stats!.continued, 1);
});
