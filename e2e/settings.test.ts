// Settings → Backend in Chromium: the backend in use with its devices, memory, threads and layers;
// an override of threads and of the backend is applied (llama.cpp reinitialised) and what the page
// shows is what the core reports, fallback reason included; the override survives a reload.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { BackendReport } from '../electron/core/api/backend.ts';
import type { ApiClient } from '../renderer/src/api/client.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { openApp, pageErrors } from './support/browser.ts';
import { startApp } from './support/app.ts';
import { repoRoot, type TestHost } from './support/host.ts';

let host: TestHost;
let browser: Browser;
let api: ApiClient;
before(async () => ({ host, browser, api } = await startApp()));

const report = async (): Promise<BackendReport> => {
  const r = await host.core.dispatch('backend.report', {});
  assert.ok(r.ok, JSON.stringify(r));
  return r.value as BackendReport;
};

test('opening Settings does not start llama.cpp; "Start it now" does, and the card shows the report', async () => {
  const page = await openApp(browser, host, { hash: '#/settings' });
  const card = page.getByRole('region', { name: 'Backend' });
  await card.getByTestId('backend-not-started').getByText('llama.cpp starts when a model is first loaded.').waitFor();
  assert.equal(host.core.workers.model.snapshot.state, 'idle', 'the model worker was not started by opening Settings');
  await card.getByRole('button', { name: 'Start it now' }).click();
  await card.getByTestId('backend-report').waitFor();
  const r = await report();
  await card.getByTestId('backend-name').getByText(r.name, { exact: true }).waitFor();
  await card.getByText('no model loaded').waitFor();
  await page.context().close();
});

test('the backend card shows what llama.cpp runs on with a model loaded, as the core reports it', async () => {
  const m = await api.api.models.import({ path: await ensureRealVocabModel('small') });
  await api.api.models.setActive({ id: m.id });
  const page = await openApp(browser, host, { hash: '#/settings' });
  const card = page.getByRole('region', { name: 'Backend' });
  await card.getByTestId('backend-report').waitFor();
  const r = await report();
  await card.getByTestId('backend-name').getByText(r.name, { exact: true }).waitFor();
  await card.getByTestId('backend-threads').getByText(`${r.threads}`, { exact: true }).waitFor();
  assert.ok(r.model, 'a model is loaded');
  await card.getByTestId('backend-layers').getByText(`${r.model.gpuLayers} of ${r.model.totalLayers}`).waitFor();
  if (r.fallbackReason) await card.getByTestId('backend-fallback').getByText(r.fallbackReason).waitFor();
  await page.screenshot({ path: join(repoRoot, '.cache', 'screenshots', 'settings-backend-light.png') });
  assert.deepEqual(pageErrors(page), []);
  await page.context().close();
});

test('override threads and backend: applied, reported, and kept after a reload', async () => {
  const page = await openApp(browser, host, { hash: '#/settings' });
  const card = page.getByRole('region', { name: 'Backend' });
  await card.getByTestId('backend-report').waitFor();
  await card.getByLabel('CPU threads').fill('1');
  await card.getByLabel('CPU threads').press('Enter');
  await card.getByLabel('Backend', { exact: true }).selectOption('cpu');
  await card.getByRole('button', { name: 'Apply' }).click();
  await card.getByRole('button', { name: 'Apply' }).and(page.locator(':disabled')).waitFor();
  const r = await report();
  assert.equal(r.requested, 'cpu');
  assert.equal(r.name, 'cpu');
  assert.equal(r.threads, 1);
  await card.getByTestId('backend-threads').getByText('1', { exact: true }).waitFor();

  // A backend this machine may not have: whatever happens is shown as the core says it.
  await card.getByLabel('Backend', { exact: true }).selectOption('cuda');
  await card.getByRole('button', { name: 'Apply' }).click();
  await page
    .locator(
      '[aria-label="Backend"] :is([role="alert"], [data-testid="backend-fallback"]), [aria-label="Backend"] [data-testid="backend-name"]:text-is("cuda")',
    )
    .first()
    .waitFor();
  const after = await report();
  if (after.name !== 'cuda') {
    assert.ok(after.fallbackReason, 'not getting CUDA comes with a reason');
    await card.getByTestId('backend-fallback').getByText(after.fallbackReason).waitFor();
  }
  await page.reload();
  await card.getByTestId('backend-report').waitFor();
  assert.equal(await card.getByLabel('Backend', { exact: true }).inputValue(), 'cuda');
  assert.equal(await card.getByLabel('CPU threads').inputValue(), '1');

  // Back to automatic for the other specs.
  await card.getByLabel('Backend', { exact: true }).selectOption('auto');
  await card.getByLabel('CPU threads').fill('');
  await card.getByLabel('CPU threads').press('Enter');
  await card.getByRole('button', { name: 'Apply' }).click();
  await card.getByRole('button', { name: 'Apply' }).and(page.locator(':disabled')).waitFor();
  assert.equal((await report()).requested, 'auto');
  await page.context().close();
});
