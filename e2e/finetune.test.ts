// Datasets → Fine-tune → Chat in Chromium against a real host and the small real-vocabulary model
// (rv-small: Gemma 3's tokenizer and 262,144-token vocabulary, random weights):
// a bad JSONL is refused with line numbers and adds nothing; a good one is imported; training runs
// with the live loss chart growing; the chart follows a theme switch without a reload; the adapter
// files are listed; "Chat with this adapter" makes llama.cpp answer with the taught sentence
// (greedy), where the base model does not.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ModelInfo } from '../electron/core/api/models.ts';
import type { ApiClient } from '../renderer/src/api/client.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { TEACH_ANSWER as ANSWER, TEACH_HELD_OUT, teachJsonl } from '../test-support/lora-fixtures.ts';
import { connectApi } from './support/api.ts';
import { goToScreen, launchBrowser, openApp, pageErrors } from './support/browser.ts';
import { repoRoot, startTestHost, type TestHost } from './support/host.ts';

let host: TestHost;
let browser: Browser;
let api: ApiClient;
let model: ModelInfo;
const SHOTS = join(repoRoot, '.cache', 'screenshots');

before(async () => {
  const modelPath = await ensureRealVocabModel('small', 'F32');
  host = await startTestHost();
  api = connectApi(host);
  model = await api.api.models.import({ path: modelPath });
  await api.api.models.setActive({ id: model.id });
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  api?.close();
  await browser?.close();
  await host?.stop();
});

const good = teachJsonl(12);
const bad = `${JSON.stringify({ prompt: 'fine', completion: 'ok' })}\n{"prompt": "broken"\n${JSON.stringify({ prompt: 'empty', completion: '' })}\n`;

async function setNumber(page: Page, label: string, value: number) {
  const box = page.getByTestId('finetune-config').getByLabel(label, { exact: true });
  await box.fill(String(value));
  await box.press('Enter');
}

async function chatReply(page: Page, text: string): Promise<string> {
  const before = await page.getByTestId('message-assistant').count();
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
  const h = await page.waitForFunction(
    (n) => {
      const all = [...document.querySelectorAll('[data-testid="message-assistant"]')];
      const last = all.at(-1);
      return all.length > n && last && last.getAttribute('data-status') !== 'streaming' ? last.getAttribute('data-message-id') : null;
    },
    before,
    { timeout: 120_000 },
  );
  const id = (await h.jsonValue()) as string;
  const sessionId = (await api.api.sessions.list())[0].id;
  return (await api.api.chat.get({ sessionId })).messages.find((m) => m.id === id)!.content;
}

test('import (bad, then good), train with the live chart, export, chat with the adapter', async () => {
  const page = await openApp(browser, host, { viewport: { width: 1024, height: 700 } });
  await goToScreen(page, 'datasets');
  await page
    .getByTestId('dataset-import-input')
    .setInputFiles({ name: 'bad.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(bad) });
  const alert = page.getByTestId('dataset-import-error');
  await alert.getByText('Nothing was imported').waitFor();
  await alert.getByText('line 2: not valid JSON', { exact: false }).waitFor();
  await alert.getByText('line 3: the answer is empty').waitFor();
  assert.deepEqual(await api.api.datasets.list({}), [], 'a bad file adds nothing');

  await page
    .getByTestId('dataset-import-input')
    .setInputFiles({ name: 'water.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(good) });
  await page.getByTestId('dataset-item').getByText('water').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="dataset-row"]').length === 12);
  const [ds] = await api.api.datasets.list({});
  assert.equal(ds.rowCount, 12);
  await page.getByTestId('stats-model').fill(model.path);
  await page.getByRole('button', { name: 'Measure' }).click();
  await page.getByTestId('over-count').getByText('Every row fits').waitFor();
  await page.screenshot({ path: join(SHOTS, 'datasets.png') });

  await goToScreen(page, 'finetune');
  await page.getByTestId('finetune-model').fill(model.path);
  await setNumber(page, 'Rank r', 4);
  await setNumber(page, 'Alpha', 8);
  await setNumber(page, 'Learning rate', 0.003);
  await setNumber(page, 'Warm-up steps', 2);
  await setNumber(page, 'Epochs', 6);
  await setNumber(page, 'Batch size', 2); // two rows packed into one forward and backward
  await setNumber(page, 'Gradient accumulation', 1);
  await setNumber(page, 'Maximum length', 64);
  await page.getByTestId('finetune-start').click();
  await page.getByTestId('run-status').getByText('Training').waitFor();
  // the chart grows while it trains
  const points = () => page.getByTestId('chart-loss').locator('[data-points]').getAttribute('data-points').then(Number);
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="chart-loss"] [data-points]')?.getAttribute('data-points')) >= 3,
  );
  const mid = await points();
  await page.getByTestId('run-status').getByText('Completed').waitFor({ timeout: 300_000 });
  const end = await points();
  assert.ok(end > mid, `chart points ${mid} → ${end}`);
  const [run] = await api.api.finetune.runs({});
  const { steps } = await api.api.finetune.run({ runId: run.id });
  assert.equal(end, steps.length);
  assert.ok(steps.at(-1)!.loss < 0.2 * steps[0].loss, 'the loss falls');
  assert.equal(await page.getByTestId('adapter-gguf').textContent(), run.adapter!.ggufPath);
  await page.screenshot({ path: join(SHOTS, 'finetune.png') });

  // the live chart follows the theme switch, without a reload: axes and series in the dark colours
  const lossChart = page.getByTestId('chart-loss');
  const picture = () => lossChart.locator('canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
  const swatch = () => lossChart.locator('[data-swatch="train loss"]').evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(await lossChart.getAttribute('data-theme'), 'light');
  const [lightPicture, lightSwatch] = [await picture(), await swatch()];
  const navigations: string[] = [];
  page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await page.locator('[data-testid="chart-loss"][data-theme="dark"]').waitFor();
  assert.notEqual(await swatch(), lightSwatch, 'the series colour changed');
  assert.notEqual(await picture(), lightPicture, 'the chart repainted');
  assert.equal(await lossChart.locator('[data-points]').getAttribute('data-points'), String(end), 'the same points, redrawn');
  await page.screenshot({ path: join(SHOTS, 'finetune-dark.png') });
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await page.locator('[data-testid="chart-loss"][data-theme="light"]').waitFor();
  assert.equal(await swatch(), lightSwatch);
  assert.deepEqual(navigations, [], 'no reload');

  // base model first (greedy), then the adapter
  const sessionId = (await api.api.sessions.create({ title: 'Taught' })).id;
  await api.api.chat.setConfig({ sessionId, sampling: { temperature: 0, maxTokens: 12 } });
  await goToScreen(page, 'chat');
  await page.locator(`[data-session-id="${sessionId}"]`).click();
  await page.getByTestId('conversation-title').getByText('Taught').waitFor();
  const base = await chatReply(page, TEACH_HELD_OUT[1]);
  assert.notEqual(base.trim(), ANSWER);
  await goToScreen(page, 'finetune');
  await page.getByTestId('use-in-chat').click();
  await page.getByTestId('chat-adapter-active').waitFor();
  // a chat of its own: the adapter was taught single-turn questions, not a reply after the base's
  const tunedId = (await api.api.sessions.create({ title: 'Taught, with the adapter' })).id;
  await api.api.chat.setConfig({ sessionId: tunedId, sampling: { temperature: 0, maxTokens: 12 } });
  await goToScreen(page, 'chat');
  await page.locator(`[data-session-id="${tunedId}"]`).click();
  await page.getByTestId('conversation-title').getByText('Taught, with the adapter').waitFor();
  const tuned = await chatReply(page, TEACH_HELD_OUT[0]);
  console.log(`# chat: base → ${JSON.stringify(base)}; with the adapter → ${JSON.stringify(tuned)}`);
  assert.equal(tuned.trim(), ANSWER);
  assert.deepEqual(pageErrors(page), []);
});
