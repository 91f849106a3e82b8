// Settings a user sees (issue 11, items 1 and 11): the chat card chooses the context policy, saved in
// the database; developer diagnostics (Ping, test job) appear only when the host runs in test mode.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { ApiClient } from '../renderer/src/api/client.ts';
import { nextEvent } from './support/api.ts';
import { goToScreen, openApp, pageErrors } from './support/browser.ts';
import type { TestHost } from './support/host.ts';
import { startApp } from './support/app.ts';

let host: TestHost;
let api: ApiClient;
let browser: Browser;

before(async () => {
  ({ host, api, browser } = await startApp({ testMode: false }));
});

test('outside test mode Settings has no diagnostics; the context policy is chosen and kept', async () => {
  const page = await openApp(browser, host);
  await goToScreen(page, 'settings');
  await page.getByTestId('worker-row-model').waitFor();
  assert.equal(await page.getByRole('button', { name: /^Ping / }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Run a test job' }).count(), 0);
  const group = page.getByRole('radiogroup', { name: 'When a chat does not fit the context' });
  await group.getByRole('radio', { name: /keep the system prompt/, checked: true }).waitFor(); // the default
  const saved = nextEvent<Record<string, unknown>>(api, 'settings.changed', (s) => s['chat.contextPolicy'] === 'dropOldest');
  await group.getByText('Leave out the oldest turns and the system prompt with them').click();
  await saved;
  assert.equal((await api.api.settings.getAll())['chat.contextPolicy'], 'dropOldest');
  await page.reload();
  await page.getByTestId('status-connection').getByText('Connected').waitFor();
  await page.getByRole('radio', { name: /and the system prompt with them/, checked: true }).waitFor();
  assert.deepEqual(pageErrors(page), []);
  await page.context().close();
});
