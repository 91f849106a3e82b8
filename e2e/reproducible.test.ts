// Temperature 0 and fixed seeds in Chromium (issue 11 item 14) on the real-vocabulary small model:
// where the UI promises the same reply for the same prompt (temperature 0, or a fixed seed),
// Regenerate gives the same tokens, and the reply says it is reproducible; with a random seed, or a
// reply continued in parts, it says it is not.
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

const replies = async () => (await app.api.api.chat.get({ sessionId })).messages.filter((m) => m.role === 'assistant');
/** Waits until `n` replies exist and none is streaming. */
async function settled(n: number) {
  await page.waitForFunction(
    (count) => {
      const all = [...document.querySelectorAll('[data-testid="message-assistant"]')];
      const pos = document.querySelector('[data-testid="branch-position"]')?.textContent ?? '1/1';
      return Number(pos.split('/')[1]) >= count && all.every((a) => a.getAttribute('data-status') !== 'streaming');
    },
    n,
    { timeout: 60_000 },
  );
}

test('temperature 0: Regenerate gives the same tokens, and the reply says it is reproducible', async () => {
  sessionId = (await app.api.api.sessions.create({ title: 'Same again' })).id;
  await app.api.api.chat.setConfig({ sessionId, sampling: { temperature: 0, maxTokens: 12, seed: null } });
  page = await openApp(app.browser, app.host, { hash: `#/chat/${sessionId}` });
  const box = page.getByLabel('Message', { exact: true });
  await box.fill('Name three rivers.');
  await box.press('Enter');
  await settled(1);
  const reply = page.getByTestId('message-assistant').last();
  await reply.hover();
  await reply.getByRole('button', { name: 'Regenerate reply' }).click();
  await settled(2);
  const [a, b] = await replies();
  assert.equal(a.tokens!.length, b.tokens!.length);
  assert.deepEqual(
    b.tokens!.map((t) => t.id),
    a.tokens!.map((t) => t.id),
    'the same tokens',
  );
  assert.equal(b.stats!.reproducible, true);
  assert.match(
    (await page.getByTestId('message-stats').last().getAttribute('title'))!,
    /reproducible: the same prompt gives this reply again/,
  );
});

test('a fixed seed at temperature 1 repeats too; a random seed says it is not reproducible', async () => {
  await app.api.api.chat.setConfig({ sessionId, sampling: { temperature: 1, seed: 1234 } });
  const reply = page.getByTestId('message-assistant').last();
  for (const n of [3, 4]) {
    await reply.hover();
    await reply.getByRole('button', { name: 'Regenerate reply' }).click();
    await settled(n);
  }
  const [, , c, d] = await replies();
  assert.deepEqual(
    d.tokens!.map((t) => t.id),
    c.tokens!.map((t) => t.id),
    'seed 1234 twice: the same tokens',
  );

  await app.api.api.chat.setConfig({ sessionId, sampling: { seed: null } });
  await reply.hover();
  await reply.getByRole('button', { name: 'Regenerate reply' }).click();
  await settled(5);
  assert.equal((await replies())[4].stats!.reproducible, false);
  assert.match((await page.getByTestId('message-stats').last().getAttribute('title'))!, /not reproducible: a random seed/);

  // The seed field says where the promise ends.
  await page.getByRole('button', { name: 'Chat settings' }).click();
  await page.getByText('Another backend, GPU or llama.cpp version may still give another reply.').waitFor();
  assert.deepEqual(pageErrors(page), []);
});
