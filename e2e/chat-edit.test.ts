// Chat basics in Chromium (issue 11 item 5) on the real-vocabulary small model: "New chat" puts the
// focus in the message box and the chat is named after its first message; an untouched "New chat"
// is reused rather than piling up; a reply cut at the reply limit is continued into the same message
// (the text grows, the stored tokens still spell it); deleting a message asks first and takes
// everything below it, in the page and in the database.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { startAppWithModel, type AppWithModel } from './support/app.ts';
import { openApp, pageErrors } from './support/browser.ts';

let app: AppWithModel;
let page: Page;
let sessionId: string;

before(async () => {
  app = await startAppWithModel(await ensureRealVocabModel('small', 'F32'));
});

const box = () => page.getByLabel('Message', { exact: true });
const stored = () => app.api.api.chat.get({ sessionId });
/** Waits until the newest reply has stopped streaming; returns its id and status. */
async function replySettled(): Promise<{ id: string; status: string }> {
  const h = await page.waitForFunction(() => {
    const last = [...document.querySelectorAll('[data-testid="message-assistant"]')].at(-1);
    const status = last?.getAttribute('data-status');
    return last && status !== 'streaming' ? { id: last.getAttribute('data-message-id')!, status } : null;
  });
  return (await h.jsonValue()) as { id: string; status: string };
}

test('New chat focuses the message box, the first message names the chat, and empty chats do not pile up', async () => {
  page = await openApp(browser(), app.host);
  await page.getByRole('button', { name: 'New chat', exact: true }).click();
  await page.getByTestId('conversation-title').getByText('New chat').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Message');
  sessionId = (await app.api.api.sessions.list())[0].id;
  await app.api.api.chat.setConfig({ sessionId, sampling: { temperature: 0, maxTokens: 5, seed: 3 } });
  // Typed straight away: the focus is in the message box, not the title.
  await page.keyboard.type('Where do whales sleep at night?');
  await page.keyboard.press('Enter');
  await page.getByTestId('conversation-title').getByText('Where do whales sleep at night?').waitFor();
  assert.equal((await app.api.api.sessions.list()).find((s) => s.id === sessionId)!.title, 'Where do whales sleep at night?');
  await replySettled();

  // Two more "New chat" clicks make one empty chat, not two.
  await page.getByRole('button', { name: 'New chat', exact: true }).click();
  await page.getByTestId('conversation-title').getByText('New chat').waitFor();
  await page.getByRole('button', { name: 'New chat', exact: true }).click();
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Message');
  const titles = (await app.api.api.sessions.list()).map((s) => s.title).sort();
  assert.deepEqual(titles, ['New chat', 'Where do whales sleep at night?']);
  await page.locator(`[data-session-id="${sessionId}"]`).click();
  await page.getByTestId('conversation-title').getByText('Where do whales sleep at night?').waitFor();
});

test('a reply stopped at the reply limit is continued into the same message', async () => {
  const reply = page.getByTestId('message-assistant').last();
  await reply.getByTestId('reply-limit').waitFor();
  const before = (await stored()).messages.find((m) => m.role === 'assistant')!;
  assert.equal(before.tokens!.length, 5);
  const textBefore = (await reply.getByTestId('assistant-body').innerText()).length;

  await reply.getByRole('button', { name: 'Continue' }).click();
  // It streams again, then settles; the same message, longer.
  await page.waitForFunction(
    (id) => document.querySelector(`[data-message-id="${id}"]`)?.getAttribute('data-status') === 'streaming',
    before.id,
  );
  const done = await replySettled();
  assert.equal(done.id, before.id, 'no new message: the same one grew');
  assert.equal(await page.getByTestId('message-assistant').count(), 1);
  const after = (await stored()).messages.find((m) => m.id === before.id)!;
  assert.ok(after.tokens!.length > 5 && after.tokens!.length <= 10, `${after.tokens!.length} tokens`);
  assert.deepEqual(
    after.tokens!.slice(0, 5).map((t) => t.id),
    before.tokens!.map((t) => t.id),
  );
  assert.equal(after.tokens!.map((t) => t.text).join(''), after.content);
  assert.equal(after.stats!.generatedTokens, after.tokens!.length);
  assert.equal(after.stats!.continued, 1);
  assert.ok((await reply.getByTestId('assistant-body').innerText()).length > textBefore, 'the text on screen grew');
  await reply.getByTestId('message-stats').getByText(`${after.tokens!.length} tokens`).waitFor();
  assert.match((await reply.getByTestId('message-stats').getAttribute('title'))!, /continued once: not reproducible as one reply/);
});

test('deleting a message asks first, then takes it and what hangs below it', async () => {
  // A second exchange, so the first question has three messages below it.
  await box().fill('And in the day?');
  await box().press('Enter');
  await page.getByTestId('message-assistant').nth(1).waitFor();
  await replySettled();
  assert.equal((await stored()).messages.length, 4);

  const second = page.getByTestId('message-user').nth(1);
  await second.hover();
  await second.getByRole('button', { name: 'Delete message' }).click();
  const confirm = page.getByTestId('delete-confirm');
  await confirm.getByText('Delete this message and the 1 message below it').waitFor();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await confirm.count(), 0);
  assert.equal((await stored()).messages.length, 4, 'Cancel deletes nothing');

  const first = page.getByTestId('message-user').first();
  await first.hover();
  await first.getByRole('button', { name: 'Delete message' }).click();
  await confirm.getByText('Delete this message and the 3 messages below it').waitFor();
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByText('No messages yet').waitFor();
  assert.equal(await page.getByTestId('message-user').count(), 0);
  assert.equal((await stored()).messages.length, 0);
  assert.equal((await app.api.api.chat.search({ query: 'whales' })).length, 0, 'the search index follows');
  assert.deepEqual(pageErrors(page), []);
});

function browser() {
  return app.browser;
}
