// The context window, said on screen (issue 11, item 1): on a 256-token context a long chat's meter
// counts the prompt the next reply will really get and names the turns that will be left out; the
// reply says it was written without them; with the policy "refuse" (chosen in Settings) nothing is
// sent, the chat says why, and the draft stays in the box.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { ChatMessage } from '../electron/core/api/chat.ts';
import type { ApiClient } from '../renderer/src/api/client.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { connectApi, nextEvent } from './support/api.ts';
import { goToScreen, launchBrowser, openApp, pageErrors } from './support/browser.ts';
import { startTestHost, type TestHost } from './support/host.ts';

let host: TestHost;
let api: ApiClient;
let browser: Browser;
let page: Page;
let sessionId: string;
let contextSize: number;

const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 50}`).join(' ');

before(async () => {
  const modelPath = await ensureRealVocabModel('small');
  host = await startTestHost();
  api = connectApi(host);
  const model = await api.api.models.import({ path: modelPath });
  await api.api.models.setActive({ id: model.id });
  contextSize = (await api.api.backend.setConfig({ contextSize: 256 })).report.model!.contextSize;
  const s = await api.api.sessions.create({ title: 'Long chat' });
  sessionId = s.id;
  await api.api.chat.setConfig({ sessionId, sampling: { maxTokens: 8, temperature: 0 } });
  for (let i = 0; i < 4; i++) {
    const started = await api.api.chat.send({ sessionId, content: `${i}: ${words(40)}` });
    const done = nextEvent<{ message: ChatMessage }>(
      api,
      'chat.message',
      (e) => e.message.id === started.assistantMessage.id && e.message.status !== 'streaming',
    );
    await done;
  }
  browser = await launchBrowser();
});
after(async () => {
  api?.close();
  await browser?.close();
  await host?.stop();
});

const meterText = async () => (await page.getByTestId('context-meter-text').textContent())!;

test('the meter counts what will be sent and names the turns left out; the reply says it was written without them', async () => {
  page = await openApp(browser, host);
  await page.locator(`[data-session-id="${sessionId}"]`).click();
  await page.getByTestId('conversation-title').getByText('Long chat').waitFor();
  const usage = await api.api.chat.contextUsage({ sessionId, draft: '' });
  assert.ok(usage.fullTokens! > contextSize, `the chat (${usage.fullTokens} tokens) outgrew the ${contextSize}-token window`);
  await page.getByTestId('context-meter-text').getByText(`${usage.usedTokens} / ${contextSize}`).waitFor();
  const [used, total] = (await meterText()).split('/').map((x) => Number(x.replace(/[^0-9]/g, '')));
  assert.ok(used <= total, `the meter reads ${used} / ${total}: what will be sent fits`);
  await page.getByTestId('context-note').getByText(`${usage.droppedTurns} oldest messages will be left out`).waitFor();

  const before = (await api.api.chat.get({ sessionId })).messages.length;
  const box = page.getByLabel('Message', { exact: true });
  await box.fill('and now?');
  await box.press('Enter');
  await page.waitForFunction((n) => {
    const replies = document.querySelectorAll('[data-testid="message-assistant"]');
    return (
      document.querySelectorAll('[data-message-id]').length >= n + 2 &&
      replies[replies.length - 1]?.getAttribute('data-status') === 'complete'
    );
  }, before);
  const view = await api.api.chat.get({ sessionId });
  const reply = view.messages.find((m) => m.id === view.currentLeafId)!;
  assert.ok(reply.stats!.droppedTurns! > 0);
  const last = page.getByTestId('message-assistant').last();
  await last.getByTestId('context-dropped').getByText(`Written without the ${reply.stats!.droppedTurns} oldest messages`).waitFor();
  assert.equal(
    await last.getByTestId('reply-limit').count(),
    reply.stats!.stopReason === 'maxTokens' ? 1 : 0,
    'a stop at the reply limit is said, and only then',
  );
  assert.deepEqual(pageErrors(page), []);
});

test('policy "refuse" chosen in Settings: the meter warns, sending is refused with the reason, the draft stays', async () => {
  await goToScreen(page, 'settings');
  const saved = nextEvent<Record<string, unknown>>(api, 'settings.changed', (s) => s['chat.contextPolicy'] === 'refuse');
  await page.getByRole('radiogroup', { name: 'When a chat does not fit the context' }).getByText('Refuse to send').click();
  await saved;
  await goToScreen(page, 'chat');
  await page.locator(`[data-session-id="${sessionId}"]`).click();
  await page.getByTestId('context-note').getByText('too long: the next message will be refused').waitFor();
  const before = (await api.api.chat.get({ sessionId })).messages.length;
  const box = page.getByLabel('Message', { exact: true });
  await box.fill('one more?');
  await box.press('Enter');
  await page
    .getByTestId('chat-banner')
    .getByText(/Nothing was sent \(context policy: refuse\)/)
    .waitFor();
  assert.equal(await box.inputValue(), 'one more?', 'the draft is kept');
  assert.equal((await api.api.chat.get({ sessionId })).messages.length, before, 'nothing was written');
  assert.deepEqual(pageErrors(page), []);
});
