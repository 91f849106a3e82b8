// The shared charts (components/charts) in Chromium, on Inspect → Gradients with the real-vocabulary model:
// hovering shows the one tooltip without repainting the chart, a theme switch repaints every chart
// (uPlot series and canvas heat strips alike), and the attribution strip has a colour legend with
// readable numbers.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { formatNumber } from '../renderer/src/components/charts/format.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { openApp, pageErrors } from './support/browser.ts';
import { startApp } from './support/app.ts';
import { openInspect } from './support/inspect.ts';
import type { TestHost } from './support/host.ts';

let host: TestHost;
let browser: Browser;
let modelPath: string;

before(async () => {
  modelPath = await ensureRealVocabModel('small');
  ({ host, browser } = await startApp());
});

const picture = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator('canvas')
    .first()
    .evaluate((c: HTMLCanvasElement) => c.toDataURL());

test('charts: hover moves only the tooltip, a theme switch repaints, the attribution strip has a legend', async () => {
  const page = await openApp(browser, host, { colorScheme: 'light' });
  await openInspect(page, modelPath); // Inspect picks from the library: the one helper that chooses the model
  await page.getByRole('tab', { name: 'Gradients' }).click();
  await page.getByTestId('grad-prompt').fill('The quick brown fox jumps over the');
  await page.getByTestId('grad-target').fill(' lazy dog');
  await page.getByRole('button', { name: 'Compute gradients' }).click();
  const strip = page.getByTestId('grad-attribution');
  await strip.locator('canvas').waitFor();
  const perLayer = page.getByTestId('grad-per-layer');
  await perLayer.locator('canvas').waitFor();

  // Legend: −max … 0 … +max of the strip's own values, written as formatNumber writes them.
  const values = JSON.parse((await strip.getAttribute('data-values'))!) as number[];
  const max = Math.max(...values.map(Math.abs));
  const legend = strip.getByTestId('color-legend');
  const legendText = (await legend.textContent())!;
  assert.ok(legendText.includes(formatNumber(-max, 3)) && legendText.includes(formatNumber(max, 3)), `legend reads ${legendText}`);
  assert.doesNotMatch(legendText, /e[+-]0\b|e\+/, 'no "e+0" style exponents');

  // Hover: the tooltip appears with the value, and neither chart's pixels change.
  const stripBefore = await picture(page, 'grad-attribution');
  const barsBefore = await picture(page, 'grad-per-layer');
  await strip.locator('canvas').hover({ position: { x: 10, y: 12 } }); // the first token's box
  await strip.getByTestId('chart-tooltip').waitFor();
  assert.match((await strip.getByTestId('chart-tooltip').textContent())!, /^#0 /);
  const bars = (await perLayer.locator('.u-over').boundingBox())!;
  await perLayer.locator('.u-over').hover({ position: { x: bars.width / 2, y: bars.height / 2 } });
  await perLayer.getByTestId('chart-tooltip').waitFor();
  assert.match((await perLayer.getByTestId('chart-tooltip').textContent())!, /^L\d+: /);
  assert.equal(await picture(page, 'grad-attribution'), stripBefore, 'hovering did not repaint the strip');
  assert.equal(await picture(page, 'grad-per-layer'), barsBefore, 'hovering did not repaint the bar chart');
  await page.mouse.move(0, 0);

  // Theme switch: both charts repaint in the dark palette.
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await page.waitForFunction(() => document.documentElement.classList.contains('dark'));
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid="grad-attribution"] canvas') as HTMLCanvasElement | null;
    const px = c?.getContext('2d')?.getImageData(1, 1, 1, 1).data;
    return !!px && px[0] < 60 && px[1] < 60 && px[2] < 60; // the strip's background is dark now
  });
  assert.notEqual(await picture(page, 'grad-per-layer'), barsBefore, 'the bar chart repainted for the dark theme');
  assert.deepEqual(pageErrors(page), []);
});
