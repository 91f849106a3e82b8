// Datasets in Chromium: write rows by hand (an empty answer cannot be saved), token statistics with
// the model's tokenizer mark the rows over the maximum, a CSV import, and the export downloads the rows.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { ApiClient } from '../renderer/src/api/client.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { goToScreen, openApp, pageErrors } from './support/browser.ts';
import { jobResult } from './support/inspect.ts';
import type { TestHost } from './support/host.ts';
import { startApp } from './support/app.ts';

let host: TestHost;
let browser: Browser;
let api: ApiClient;
let modelPath: string; // the small real-vocabulary model: Gemma 3's tokenizer

before(async () => {
  modelPath = await ensureRealVocabModel('small', 'F32');
  ({ host, api, browser } = await startApp());
});

test('rows by hand, statistics mark over-long rows, CSV import, export', async () => {
  const page = await openApp(browser, host, { viewport: { width: 1024, height: 700 } });
  await goToScreen(page, 'datasets');
  await page.getByRole('button', { name: 'New dataset' }).click();
  await page.getByTestId('dataset-item').first().waitFor();

  await page.getByRole('button', { name: 'Add row' }).click();
  const editor = page.getByTestId('row-editor');
  await editor.getByLabel('Prompt').fill('what is the water');
  assert.equal(await editor.getByRole('button', { name: 'Save row' }).isDisabled(), true, 'an empty answer cannot be saved');
  await editor.getByText('A row needs a prompt and a non-empty answer.').waitFor();
  await editor.getByLabel('Answer').fill('blue');
  await editor.getByRole('button', { name: 'Save row' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="dataset-row"]').length === 1);

  await page.getByRole('button', { name: 'Add row' }).click();
  await editor.getByLabel('Prompt').fill('tell me about the water');
  await editor.getByLabel('Answer').fill('the water '.repeat(30));
  await editor.getByRole('button', { name: 'Save row' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="dataset-row"]').length === 2);

  // a maximum that the short row just fits and the long one passes (lengths depend on the vocabulary)
  const [ds0] = await api.api.datasets.list({});
  const probe = await jobResult(api, api.api.datasets.stats({ id: ds0.id, modelPath, maxLength: 8 }));
  const max = Math.min(...probe.lengths.map((l) => l.total));
  assert.ok(Math.max(...probe.lengths.map((l) => l.total)) > max);
  await page.getByTestId('stats-model').fill(modelPath);
  await page.getByLabel('Maximum length').fill(String(max));
  await page.getByRole('button', { name: 'Measure' }).click();
  await page.getByTestId('over-count').waitFor();
  assert.match((await page.getByTestId('over-count').textContent())!, new RegExp(`^1 row\\(s\\) are longer than ${max} tokens`));
  const [ds] = await api.api.datasets.list({});
  const stats = await jobResult(api, api.api.datasets.stats({ id: ds.id, modelPath, maxLength: max }));
  const overRow = stats.lengths.find((l) => l.over)!;
  const rows = await api.api.datasets.rows({ id: ds.id });
  assert.equal(
    rows.findIndex((r) => r.id === overRow.rowId),
    1,
    'the long row is the one over the maximum',
  );
  assert.equal(await page.getByTestId('dataset-row').nth(1).locator('td').nth(4).textContent(), String(overRow.total));

  await page
    .getByTestId('dataset-import-input')
    .setInputFiles({ name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from('prompt,completion\n"two\nlines",yes\nplain,no\n') });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="dataset-item"]').length === 2);
  const more = (await api.api.datasets.list({})).find((d) => d.name === 'more')!;
  assert.equal(more.rowCount, 2);

  await page.getByTestId('dataset-item').getByText(ds.name).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="dataset-row"]').length === 2);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const file = await (await download).path();
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { messages: { content: string }[] });
  assert.deepEqual(
    lines.map((l) => l.messages.at(-1)!.content),
    ['blue', 'the water '.repeat(30)],
  );
  assert.deepEqual(pageErrors(page), []);
});
