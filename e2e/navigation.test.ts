// State that survives (issue 11, items 2 and 5): the open chat is in the URL, so a reload and
// back/forward restore it; a typed draft is kept per chat across screen switches and reloads; "New
// chat" puts the focus in the message box, reuses an untouched chat instead of piling them up, and
// the chat is named after its first message.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { ApiClient } from '../renderer/src/api/client.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { openApp, pageErrors } from './support/browser.ts';
import { startAppWithModel } from './support/app.ts';
import type { TestHost } from './support/host.ts';

let host: TestHost;
let api: ApiClient;
let browser: Browser;
let page: Page;

before(async () => {
  ({ host, api, browser } = await startAppWithModel(await ensureRealVocabModel('small')));
});

const box = () => page.getByLabel('Message', { exact: true });
const hashId = () => page.evaluate(() => decodeURIComponent(location.hash.split('/')[2] ?? ''));

test('"New chat" focuses the message box and reuses an untouched chat; the URL names the open chat', async () => {
  page = await openApp(browser, host);
  await page.getByRole('button', { name: 'New chat', exact: true }).click();
  await page.getByTestId('conversation-title').getByText('New chat').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Message');
  const first = await hashId();
  assert.equal((await api.api.sessions.list()).map((s) => s.id).join(), first, 'the URL holds the id of the chat that was created');
  await page.getByRole('button', { name: 'New chat', exact: true }).click();
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Message');
  assert.equal((await api.api.sessions.list()).length, 1, 'a second "New chat" reuses the empty one');
  assert.equal(await hashId(), first);
});

test('a draft survives a screen switch (Ctrl+7, Ctrl+1) and a reload; the reload lands on the same chat', async () => {
  await box().fill('half-written thought');
  await page.keyboard.press('Control+7');
  await page.locator('main[data-screen-active="models"]').waitFor();
  await page.keyboard.press('Control+1');
  await page.locator('main[data-screen-active="chat"]').waitFor();
  assert.equal(await box().inputValue(), 'half-written thought', 'the chat screen kept its state');
  const id = await hashId();
  await page.reload();
  await page.getByTestId('status-connection').getByText('Connected').waitFor();
  await page.getByTestId('conversation-title').getByText('New chat').waitFor();
  assert.equal(await hashId(), id);
  assert.equal(await box().inputValue(), 'half-written thought', 'the draft came back with the chat');
});

test('back and forward move between the chats opened; each keeps its own draft', async () => {
  const other = await api.api.sessions.create({ title: 'Second chat' });
  const firstId = await hashId();
  await page.locator(`[data-session-id="${other.id}"]`).click();
  await page.getByTestId('conversation-title').getByText('Second chat').waitFor();
  assert.equal(await hashId(), other.id);
  assert.equal(await box().inputValue(), '', 'another chat, another (empty) draft');
  await box().fill('draft for the second');
  await page.goBack();
  await page.getByTestId('conversation-title').getByText('New chat').waitFor();
  assert.equal(await hashId(), firstId);
  assert.equal(await box().inputValue(), 'half-written thought');
  await page.goForward();
  await page.getByTestId('conversation-title').getByText('Second chat').waitFor();
  assert.equal(await box().inputValue(), 'draft for the second');
});

test('the first message names a "New chat"; a sent draft is gone', async () => {
  await page.goBack();
  await page.getByTestId('conversation-title').getByText('New chat').waitFor();
  const id = await hashId();
  await api.api.chat.setConfig({ sessionId: id, sampling: { maxTokens: 2, temperature: 0 } });
  await box().fill('  How do rivers   form?\nAnd where do they go?');
  await box().press('Enter');
  await page.getByTestId('conversation-title').getByText('How do rivers form?').waitFor();
  await page.getByRole('list', { name: 'Chat sessions' }).getByText('How do rivers form?').waitFor();
  assert.equal((await api.api.sessions.list()).find((s) => s.id === id)!.title, 'How do rivers form?');
  assert.equal(await box().inputValue(), '');
  await page.reload();
  await page.getByTestId('conversation-title').getByText('How do rivers form?').waitFor();
  assert.equal(await box().inputValue(), '', 'the sent draft does not come back');
  assert.deepEqual(pageErrors(page), []);
});

test('Ctrl+K opens the chat search from any screen', async () => {
  await page.keyboard.press('Control+7');
  await page.locator('main[data-screen-active="models"]').waitFor();
  await page.keyboard.press('Control+k');
  await page.locator('main[data-screen-active="chat"]').waitFor();
  await page.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.type === 'search');
});
