// A crash of the model worker process is survived: the UI shows what happened, the worker comes
// back, and the next request from the UI works.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { ApiClient } from '../renderer/src/api/client.ts';
import { goToScreen, openApp, pageErrors } from './support/browser.ts';
import { startApp } from './support/app.ts';
import type { TestHost } from './support/host.ts';

let host: TestHost;
let browser: Browser;
let api: ApiClient;
before(async () => ({ host, browser, api } = await startApp()));

test('the model worker is killed: the UI reports the crash and the restart, and ping works again', async () => {
  const page = await openApp(browser, host, { hash: '#/settings' });
  await page.getByRole('button', { name: 'Ping model worker' }).click();
  const ping = page.getByTestId('ping-result-model');
  await ping.getByText(/^pong from pid \d+/).waitFor();
  const pidBefore = Number((await ping.textContent())!.match(/pid (\d+)/)![1]);

  const r = await api.request('workers.crashForTest', { worker: 'model' });
  assert.deepEqual(r, { ok: true, value: { crashed: true } });

  const notice = page.getByTestId('worker-crash-notice');
  await notice.getByText('The model process crashed').waitFor();
  await notice.getByText(/killed by SIGKILL while running 'crash'/).waitFor();
  await notice.getByText('Restarted — it is ready again.').waitFor();
  await page.getByTestId('worker-restarts-model').getByText('1').waitFor();
  await page.getByTestId('status-worker-model').getByText('(1 restart)').waitFor();

  await page.getByRole('button', { name: 'Ping model worker' }).click();
  await ping.getByText(new RegExp(`^pong from pid (?!${pidBefore}\\b)\\d+`)).waitFor();
  // The engine worker and the host itself were never touched.
  assert.equal(host.core.workers.engine.snapshot.restarts, 0);
  assert.deepEqual(pageErrors(page), []);
  await page.context().close();
});

test('a job in the worker reports progress to the UI and can be cancelled there', async () => {
  const page = await openApp(browser, host);
  await goToScreen(page, 'settings');
  await page.getByRole('button', { name: 'Run a test job' }).click();
  const job = page.getByTestId('test-job');
  await job.getByText(/^step \d+ of 30$/).waitFor();
  await job.getByRole('button', { name: 'Cancel' }).click();
  await job.getByText('cancelled').waitFor();
  const jobs = host.core.jobs.list().filter((j) => j.kind === 'workers.sleep');
  assert.equal(jobs.at(-1)!.state, 'cancelled');
  await page.context().close();
});
