// Inspect → Gradients in Chromium on the mini model: enter a prompt and a target, run, and the
// per-layer chart, the residual-gradient chart and the attribution strip show the API's numbers.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { GradientResult } from '../electron/core/api/inspect.ts';
import type { JobSnapshot } from '../electron/core/api/jobs.ts';
import { ensureTestModels } from '../test-support/models.ts';
import { connectApi } from './support/api.ts';
import { goToScreen, launchBrowser, openApp, pageErrors } from './support/browser.ts';
import { repoRoot, startTestHost, type TestHost } from './support/host.ts';

let host: TestHost;
let browser: Browser;
let modelPath: string;
const SHOTS = join(repoRoot, '.cache', 'screenshots');

before(async () => {
  modelPath = (await ensureTestModels()).miniF32;
  host = await startTestHost();
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await host?.stop();
});

async function paintedPixels(page: Page, testId: string): Promise<number> {
  return page.getByTestId(testId).locator('canvas').first().evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) n++;
    return n;
  });
}

test('gradients: prompt and target in, per-layer chart and attribution strip drawn with the API\'s numbers', async () => {
  const page = await openApp(browser, host);
  const api = connectApi(host);
  try {
    await goToScreen(page, 'inspect');
    await page.getByTestId('inspect-model-path').fill(modelPath);
    await page.getByRole('tab', { name: 'Gradients' }).click();
    const prompt = 'The quick brown fox jumps over the';
    const target = ' lazy dog';
    await page.getByTestId('grad-prompt').fill(prompt);
    await page.getByTestId('grad-target').fill(target);
    await page.getByRole('button', { name: 'Compute gradients' }).click();
    await page.getByTestId('grad-attribution').locator('canvas').waitFor();

    const { jobId } = await api.api.inspect.gradients({ modelPath, prompt, target });
    const done = new Promise<JobSnapshot>((resolve) => {
      const off = api.on('jobs.update', (s) => s.jobId === jobId && s.state !== 'running' && (off(), resolve(s)));
    });
    const now = await api.api.jobs.get({ jobId });
    const snap = now.state !== 'running' ? now : await done;
    assert.equal(snap.state, 'done', snap.error?.message);
    const r = snap.result as GradientResult;

    // the loss covers exactly the target tokens
    assert.equal(r.lossPositions.length, r.tokens.length - r.promptLength);
    assert.equal(Number(await page.getByTestId('grad-loss').getAttribute('data-loss')), r.loss);
    // charts: drawn, log scale, values = API
    const perLayer = page.getByTestId('grad-per-layer');
    assert.deepEqual(JSON.parse((await perLayer.getAttribute('data-values'))!), [r.perLayer]);
    assert.equal(await perLayer.getAttribute('data-log'), 'true');
    assert.ok((await paintedPixels(page, 'grad-per-layer')) > 1000);
    assert.deepEqual(JSON.parse((await page.getByTestId('grad-residual').getAttribute('data-values'))!), [r.residualNorm]);
    assert.ok((await paintedPixels(page, 'grad-residual')) > 1000);
    // attribution strip over every token, values = API grad × input
    const strip = page.getByTestId('grad-attribution');
    assert.deepEqual(JSON.parse((await strip.getAttribute('data-values'))!), r.attribution.map((a) => a.gradXInput));
    assert.deepEqual(JSON.parse((await strip.getAttribute('data-tokens'))!), r.tokens.map((t) => t.text));
    assert.ok((await paintedPixels(page, 'grad-attribution')) > 500);
    // per-tensor table: the largest gradient first, with the API's number
    const top = [...r.perTensor].sort((a, b) => b.gradNorm - a.gradNorm)[0];
    assert.equal(await page.getByTestId('grad-tensors').locator('tbody tr').first().getAttribute('data-tensor'), top.name);
    // saturation: either flags with their one-line explanation, or the all-clear line
    const flags = page.getByTestId('grad-flags');
    const flagged = r.gelu.filter((g) => g.flagged).length + r.heads.filter((h) => h.flagged).length;
    assert.equal(await flags.locator('li[data-flag]').count(), flagged);
    if (flagged > 0) await flags.getByText(/stop learning|stops learning/).first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'inspect-gradients.png'), fullPage: true });

    // a model file that is not GGUF: a clear error in the UI, and the app stays usable
    await page.getByTestId('inspect-model-path').fill(join(repoRoot, 'package.json'));
    await page.getByRole('button', { name: 'Compute gradients' }).click();
    await page.getByTestId('grad-job').getByRole('alert').getByText(/cannot load/).waitFor();
    assert.deepEqual(pageErrors(page), []);
  } finally {
    api.close();
    await page.context().close();
  }
});
