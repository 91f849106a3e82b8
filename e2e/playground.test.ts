// The Playground in Chromium on a model with Gemma 3's real vocabulary (random weights): a tagging
// batch from CSV with gold labels returns only valid labels and shows accuracy that matches the stored
// items; chosen items become dataset rows; compare shows two configurations side by side with their
// stats, and base against tuned (the same model with a LoRA adapter chosen in a column); the runs
// reopen from the URL after a reload. Random weights: structure and stored values, never content.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ApiClient } from '../renderer/src/api/client.ts';
import { FinetuneStore } from '../electron/core/finetune/store.ts';
import { writeRandomAdapter } from '../electron/core/playground/adapter-fixture.ts';
import { tagPrompt } from '../electron/core/playground/prompts.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { openApp, pageErrors } from './support/browser.ts';
import { startAppWithModel } from './support/app.ts';
import { repoRoot, type TestHost } from './support/host.ts';

const shots = join(repoRoot, '.cache', 'screenshots');
let host: TestHost;
let api: ApiClient;
let browser: Browser;
let page: Page;

before(async () => {
  ({ host, api, browser } = await startAppWithModel(await ensureRealVocabModel('small', 'F32')));
});

const CSV = ['text,label', '"I love it, truly",positive', 'Awful and slow,negative', 'It is a box,neutral', 'Great value,positive'].join(
  '\n',
);

test('a tagging batch returns only valid labels and shows accuracy against the gold labels', async () => {
  page = await openApp(browser, host, { hash: '#/playground/tag' });
  await page.getByLabel('Items are').selectOption('csv');
  await page.getByLabel('Items', { exact: true }).fill(CSV);
  await page.getByLabel('Items', { exact: true }).blur();
  await page.getByTestId('parsed-count').getByText('4 items, 4 with gold labels').waitFor();
  await page.getByRole('button', { name: 'Tag items' }).click();
  await page.locator('[data-testid="tag-results"] [data-testid="run-bar"][data-status="complete"]').waitFor({ timeout: 600_000 });
  const labels = await page.getByTestId('item-label').allTextContents();
  assert.equal(labels.length, 4);
  for (const l of labels) assert.match(l, /^(positive|negative|neutral) \d+(\.\d)?%$/);
  const runId = page.url().split('/').pop()!;
  const view = await api.api.playground.get({ runId });
  assert.ok(view.result?.kind === 'tag');
  const correct = view.items.filter((i) => i.output?.kind === 'tag' && i.output.labels[0] === i.gold![0]).length;
  const shown = `${((correct / 4) * 100).toFixed(correct === 0 || correct === 4 ? 0 : 1)}%`;
  assert.equal(await page.getByTestId('accuracy').textContent(), shown);
  await page.getByRole('table', { name: 'Confusion matrix' }).waitFor();
  await page.screenshot({ path: join(shots, 'playground-tag.png') });

  // Chosen results become rows of a new dataset: the prompt the model saw and the labels it gave.
  await page.getByLabel('Choose every tagged item').check();
  await page.getByLabel('Choose item 2').uncheck();
  await page.getByLabel('Dataset', { exact: true }).selectOption({ label: 'New dataset…' });
  await page.getByLabel('New dataset name').fill('Tagged reviews');
  await page.getByRole('button', { name: 'Add 3 to dataset' }).click();
  await page.getByRole('status').filter({ hasText: 'Added 3 rows to “Tagged reviews”.' }).waitFor();
  const dataset = (await api.api.datasets.list({})).find((d) => d.name === 'Tagged reviews')!;
  const rows = await api.api.datasets.rows({ id: dataset.id });
  const config = view.config;
  assert.ok(config.kind === 'tag');
  assert.deepEqual(
    rows.map((r) => r.messages),
    view.items
      .filter((it) => it.index !== 1)
      .map((it) => [
        { role: 'user', content: tagPrompt(config.labels, false, config.instruction, it.input) },
        { role: 'assistant', content: JSON.stringify({ labels: it.output?.kind === 'tag' ? it.output.labels : null }) },
      ]),
  );

  // The run reopens after a reload (its id is in the address).
  await page.reload();
  await page.locator('[data-testid="tag-results"] [data-testid="run-bar"][data-status="complete"]').waitFor();
  assert.equal(await page.getByTestId('item-label').count(), 4);
});

test('a malformed CSV row is shown with its line number and nothing runs', async () => {
  const before = (await api.api.playground.runs({})).length;
  page ??= await openApp(browser, host);
  await page.goto(`${host.origin}/#/playground/tag`);
  await page.getByLabel('Items are').selectOption('csv');
  await page.getByLabel('Items', { exact: true }).fill('text,label\nfine,positive\nbroken,row,extra\n');
  await page.getByRole('button', { name: 'Tag items' }).click();
  await page.getByRole('alert').filter({ hasText: 'line 3' }).first().waitFor();
  assert.equal((await api.api.playground.runs({})).length, before);
});

test('compare shows two configurations side by side with tokens, time and tokens/s', async () => {
  page ??= await openApp(browser, host);
  await page.goto(`${host.origin}/#/playground/compare`);
  await page.getByLabel('Inputs', { exact: true }).fill('Name a colour.');
  for (const k of ['A', 'B']) await page.getByLabel(`Configuration ${k}`).getByLabel('Max tokens').fill('12');
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await page.locator('[data-testid="run-bar"][data-status="complete"]').waitFor({ timeout: 600_000 });
  assert.equal(await page.getByTestId('compare-column').count(), 2);
  assert.equal(await page.locator('[data-testid="compare-cell"][data-status="done"]').count(), 2);
  for (const s of await page.getByTestId('column-stats').allTextContents())
    assert.match(s, /^\d+ tokens · \d+\.\d s · (\d+\.\d tok\/s|–)$/);
  await page.screenshot({ path: join(shots, 'playground-compare.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(shots, 'playground-compare-dark.png') });
  assert.deepEqual(pageErrors(page), []);
});

test('compare: base and tuned side by side, the adapter chosen in a column', async () => {
  // An adapter of the active model (random, not trained: it only has to change the answers).
  const model = (await api.api.models.list()).find((m) => m.active)!;
  const path = join(host.dataDir, 'random-adapter.gguf');
  const { rank, alpha } = writeRandomAdapter(model.path, path);
  const adapter = new FinetuneStore(host.core.db).addAdapter({
    runId: null,
    name: 'random',
    modelPath: model.path,
    ggufPath: path,
    peftPath: null,
    rank,
    alpha,
  });
  page ??= await openApp(browser, host);
  await page.goto(`${host.origin}/#/playground/compare`);
  await page.reload(); // a fresh adapter list
  await page.getByLabel('Inputs', { exact: true }).fill('Name a colour.');
  for (const k of ['A', 'B']) {
    await page.getByLabel(`Configuration ${k}`).getByLabel('Temperature', { exact: true }).fill('0');
    await page.getByLabel(`Configuration ${k}`).getByLabel('Max tokens').fill('12');
  }
  await page.getByLabel('Configuration B').getByLabel('Adapter', { exact: true }).selectOption({ label: 'random · rank 4' });
  await page.getByLabel('Configuration B').getByLabel('Adapter scale').waitFor();
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await page.locator('[data-testid="run-bar"][data-status="complete"]').waitFor({ timeout: 600_000 });
  assert.deepEqual(
    (await page.getByTestId('column-config').allTextContents()).map((s) => s.trim()),
    ['T 0 · base model', 'T 0 · adapter random × 1'],
  );
  const runId = page.url().split('/').pop()!;
  const view = await api.api.playground.get({ runId });
  assert.ok(view.config.kind === 'compare');
  assert.equal(view.config.columns[0].adapter, null);
  assert.deepEqual(view.config.columns[1].adapter, { adapterId: adapter.id, name: 'random', scale: 1 });
  const texts = view.items.map((it) => (it.output?.kind === 'cell' ? it.output.text : null));
  assert.equal(texts.length, 2);
  assert.notEqual(texts[1], texts[0], 'the adapter changes the greedy answer');
  assert.deepEqual(
    (await page.locator('[data-testid="compare-cell"] p.whitespace-pre-wrap').allTextContents()).map((s) => s.trim()),
    texts,
  );
  await page.screenshot({ path: join(shots, 'playground-compare-adapter.png') });
  assert.deepEqual(pageErrors(page), []);
});
