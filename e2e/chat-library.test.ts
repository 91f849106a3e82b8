// The chat library in Chromium (issue 11 item 12): the Markdown export says, in the menu and in the
// file, that it holds only the branch on screen; a chat imported twice gets distinct titles; Ctrl+K
// opens the chat search from every screen; a search FTS5 cannot parse says so with a hint instead of
// "No messages match". No model is needed: the messages are written to the host's database.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { ChatStore } from '../electron/core/store/chat.ts';
import type { ApiClient } from '../renderer/src/api/client.ts';
import { openApp, pageErrors } from './support/browser.ts';
import type { TestHost } from './support/host.ts';
import { startApp } from './support/app.ts';

let host: TestHost;
let api: ApiClient;
let browser: Browser;
let page: Page;
let sessionId: string;

before(async () => {
  ({ host, api, browser } = await startApp());
  // A chat with two branches: one question, two answers (the newer shown).
  const s = await api.api.sessions.create({ title: 'Tides' });
  sessionId = s.id;
  const store = new ChatStore(host.core.db);
  const q = store.add({ sessionId, parentId: null, role: 'user', content: 'Why are there two tides a day?' }, 1000);
  store.add({ sessionId, parentId: q.id, role: 'assistant', content: 'The first answer, about the Sun.' }, 2000);
  const a2 = store.add({ sessionId, parentId: q.id, role: 'assistant', content: 'The Moon pulls the near and far sides.' }, 3000);
  store.setCurrentLeaf(sessionId, a2.id);
});

test('the Markdown export says it holds only the branch on screen, in the menu and in the file', async () => {
  page = await openApp(browser, host, { hash: `#/chat/${sessionId}` });
  await page.getByTestId('conversation-title').getByText('Tides').waitFor();
  await page.getByRole('button', { name: 'Export' }).click();
  const item = page.getByRole('menuitem', { name: /Markdown \(\.md\)/ });
  await item.getByText('Only the branch on screen').waitFor();
  assert.match((await item.locator('[title]').getAttribute('title'))!, /Other branches .* are left out: the JSON export holds them all/);
  const [download] = await Promise.all([page.waitForEvent('download'), item.click()]);
  const md = readFileSync((await download.path())!, 'utf8');
  assert.match(md, /only the branch on screen, the branch shown \(2 of 3 messages\)\. The JSON export holds every branch\./);
  assert.ok(md.includes('The Moon pulls') && !md.includes('about the Sun'), 'the other branch is not in the file');
});

test('a chat imported twice gets distinct titles', async () => {
  const json = (await api.api.chat.export({ sessionId, format: 'json' })).content;
  const input = page.getByTestId('import-chat-input');
  for (const n of [1, 2]) {
    await input.setInputFiles({ name: `tides-${n}.json`, mimeType: 'application/json', buffer: Buffer.from(json) });
    await page
      .getByTestId('conversation-title')
      .getByText(n === 1 ? 'Tides (imported)' : 'Tides (imported 2)', { exact: true })
      .waitFor();
  }
  const titles = (await api.api.sessions.list()).map((s) => s.title).sort();
  assert.deepEqual(titles, ['Tides', 'Tides (imported 2)', 'Tides (imported)']);
});

test('Ctrl+K opens the chat search from every screen', async () => {
  const search = page.getByLabel('Search chats');
  const ids = await page.locator('nav [data-screen]').evaluateAll((els) => els.map((e) => e.getAttribute('data-screen')!));
  assert.ok(ids.length >= 9, `every screen in the sidebar (${ids.join()})`);
  for (const id of ids.filter((x) => x !== 'chat')) {
    await page.locator(`nav [data-screen="${id}"]`).click();
    await page.locator(`main[data-screen-active="${id}"]`).waitFor();
    await page.keyboard.press('Control+K');
    await page.locator('main[data-screen-active="chat"]').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('type') === 'search');
    assert.equal(await search.evaluate((el) => el === document.activeElement), true, `from ${id}`);
  }
});

test('a search FTS5 cannot parse says so with a hint; valid syntax finds', async () => {
  const search = page.getByLabel('Search chats');
  await search.fill('"two tides');
  const alert = page.getByRole('alert').filter({ hasText: 'Search syntax not understood' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /Search syntax not understood: unterminated string\. Hint: .*"an exact phrase"/);
  assert.equal(await page.getByText('No messages match').count(), 0);

  await search.fill('"two tides"');
  await page.getByRole('list', { name: 'Search results' }).getByRole('button').first().waitFor();
  assert.equal(await alert.count(), 0);
  await search.fill('zebra OR narwhal');
  await page.getByText('No messages match').waitFor();
  assert.deepEqual(pageErrors(page), []);
});
