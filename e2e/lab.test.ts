// Lab in Chromium on the mini model: the speed lab on the CPU at two thread counts (both drawn in the
// chart), a similarity matrix of four texts drawn with the API's numbers, and the model check's verdict.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SpeedRun } from '../electron/core/api/lab.ts';
import { ChecksStore } from '../electron/core/store/lab.ts';
import { ensureTestModels } from '../test-support/models.ts';
import { connectApi } from './support/api.ts';
import { goToScreen, launchBrowser, openApp, pageErrors } from './support/browser.ts';
import { openInspect } from './support/inspect.ts';
import { repoRoot, startTestHost, type TestHost } from './support/host.ts';

let host: TestHost;
let browser: Browser;
let page: Page;
const SHOTS = join(repoRoot, '.cache', 'screenshots');

before(async () => {
  const { miniF32 } = await ensureTestModels();
  host = await startTestHost();
  const api = connectApi(host);
  const m = await api.api.models.import({ path: miniF32 });
  await api.api.models.setActive({ id: m.id });
  browser = await launchBrowser();
  page = await openApp(browser, host, { viewport: { width: 1280, height: 900 } });
  await goToScreen(page, 'lab');
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await host?.stop();
});

test('speed lab: llama.cpp on the CPU with 1 and 2 threads, both in the chart with the stored figures', async () => {
  await page.getByTestId('lab-tab-speed').click();
  const boxes = page.getByRole('group', { name: 'Configurations to measure' }).getByRole('checkbox');
  await boxes.first().waitFor();
  // Keep exactly the two CPU thread counts of llama.cpp.
  for (const box of await boxes.all()) {
    const label = (await box.locator('xpath=..').innerText()).trim();
    const want = label === 'llama.cpp CPU · 1 thread' || label === 'llama.cpp CPU · 2 threads';
    if ((await box.isChecked()) !== want) await box.click();
  }
  await page.getByTestId('speed-run').click();
  const rows = page.getByTestId('speed-chart-row');
  await rows.nth(1).waitFor({ timeout: 240_000 });
  const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-label')));
  assert.deepEqual(labels, ['llama.cpp CPU · 1 thread', 'llama.cpp CPU · 2 threads']);

  const [run] = host.core.jobs
    .list()
    .filter((j) => j.kind === 'lab.speedRun' && j.state === 'done')
    .map((j) => j.result as SpeedRun);
  assert.ok(run, 'the speed run finished');
  const drawn = await rows
    .nth(1)
    .locator('rect')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  const r2 = run.results[1];
  assert.deepEqual(drawn, [...r2.prefill.map((p) => p.tokensPerSecond), r2.decodeTokensPerSecond]);
  assert.ok(drawn.every((v) => v > 0));
  await page.screenshot({ path: join(SHOTS, 'lab-speed.png') });
});

test('embeddings: a similarity matrix for four texts, drawn with the numbers the API gives', async () => {
  await page.getByTestId('lab-tab-embeddings').click();
  const texts = [
    'The cat sat on the mat.',
    'A cat was sitting on a rug.',
    'Stock prices fell sharply today.',
    'Investors sold shares after the earnings report.',
  ];
  await page.getByTestId('embedding-texts').fill(texts.join('\n'));
  await page.getByTestId('embedding-run').click();
  const cells = page.getByTestId('similarity-cell');
  await cells.nth(15).waitFor();
  const shown = await cells.evaluateAll((els) =>
    els.map((e) => [
      Number(e.getAttribute('data-i')),
      Number(e.getAttribute('data-j')),
      Number(e.getAttribute('data-value')),
      e.textContent,
    ]),
  );
  const api = connectApi(host);
  const want = await api.api.lab.similarity({ texts, method: { kind: 'llama' } });
  assert.equal(want.cached, 4, 'the UI computed and stored these vectors');
  assert.equal(shown.length, 16);
  for (const [i, j, v, text] of shown as [number, number, number, string][]) {
    assert.equal(v, want.matrix[i * 4 + j]);
    assert.ok(text.startsWith(Math.abs(v) < 0.005 ? '0.00' : v.toFixed(2)), `cell ${i},${j} reads ${text}`);
  }
  assert.equal(await page.getByTestId('projection-point').count(), 4);
  await page.screenshot({ path: join(SHOTS, 'lab-embeddings.png') });
});

test('check this model: the verdict is shown with the numbers behind it', async () => {
  await page.getByTestId('lab-tab-check').click();
  await page.getByTestId('check-run').click();
  const verdict = page.getByTestId('check-verdict');
  await verdict.waitFor({ timeout: 240_000 });
  assert.equal(await verdict.getAttribute('data-ok'), 'true');
  assert.match(await verdict.innerText(), /Our engine agrees with llama\.cpp on this model: \d+ positions over 3 prompts/);
  const api = connectApi(host);
  const stored = await api.api.lab.latestCheck({});
  assert.ok(stored && stored.ok);
  assert.match(await verdict.innerText(), new RegExp(stored.result.verdict.headline.slice(0, 40).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await page.screenshot({ path: join(SHOTS, 'lab-check.png') });
  assert.deepEqual(pageErrors(page), []);
});

test('when the stored check of a model failed, the inspectors say so on their own screen', async () => {
  const stored = await connectApi(host).api.lab.latestCheck({});
  assert.ok(stored);
  // Record a failing check of the same file as a perturbed engine would produce it (run.test.ts makes a real one).
  const failing = structuredClone(stored.result);
  failing.verdict = {
    ok: false,
    headline: 'Our engine DISAGREES with llama.cpp on this model, first at prompt 1, position 3.',
    details: [],
    firstFailure: { prompt: 0, position: 3, reason: 'test' },
  };
  new ChecksStore(host.core.db).add({
    modelId: stored.modelId,
    modelPath: stored.modelPath,
    modelName: stored.modelName,
    quantization: stored.quantization,
    result: failing,
  });
  host.core.events.publish('lab.checkStored', { modelPath: stored.modelPath, ok: false });
  await goToScreen(page, 'inspect');
  await openInspect(page, stored.modelPath); // Inspect picks from the library
  const banner = page.getByTestId('check-banner');
  await banner.waitFor();
  assert.match(await banner.innerText(), /These numbers may be wrong\..*\(prompt 1, position 3\), beyond what F32 rounding explains/s);
  await openInspect(page, (await ensureTestModels()).miniQ8); // another model: the banner is about the first one
  await banner.waitFor({ state: 'detached' });
});
