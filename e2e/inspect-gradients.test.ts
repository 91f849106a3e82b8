// Inspect → Gradients in Chromium on the small real-vocabulary model: enter a prompt and a target, run, and the
// per-layer chart, the residual-gradient chart and the attribution strip show the API's numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { connectApi } from './support/api.ts';
import { openApp, pageErrors } from './support/browser.ts';
import {
  chooseBrokenModel,
  inspectFixture,
  jobResult,
  openInspect,
  paintedPixels,
  SCREENSHOTS as SHOTS,
  shownGradients,
} from './support/inspect.ts';

const fx = inspectFixture();

test("gradients: prompt and target in, per-layer chart and attribution strip drawn with the API's numbers", async () => {
  const page = await openApp(fx.browser, fx.host);
  const api = connectApi(fx.host);
  try {
    await openInspect(page, fx.modelPath);
    await page.getByRole('tab', { name: 'Gradients' }).click();
    const prompt = 'The quick brown fox jumps over the';
    const target = ' lazy dog';
    await page.getByTestId('grad-prompt').fill(prompt);
    await page.getByTestId('grad-target').fill(target);
    await page.getByRole('button', { name: 'Compute gradients' }).click();
    await page.getByTestId('grad-attribution').locator('canvas').waitFor();

    const r = await jobResult(api, api.api.inspect.gradients({ modelPath: fx.modelPath, prompt, target }));
    // the UI's run is stored and named in the URL; a second run of the same input gives the same numbers
    const shown = await shownGradients(page, api);
    assert.notEqual(shown.runId, r.runId);
    assert.deepEqual({ ...shown, runId: '', timing: null }, { ...r, runId: '', timing: null });

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
    assert.deepEqual(
      JSON.parse((await strip.getAttribute('data-values'))!),
      r.attribution.map((a) => a.gradXInput),
    );
    assert.deepEqual(
      JSON.parse((await strip.getAttribute('data-tokens'))!),
      r.tokens.map((t) => t.text),
    );
    assert.ok((await paintedPixels(page, 'grad-attribution')) > 500);
    // per-tensor table: the largest gradient first, with the API's number
    const top = [...r.perTensor].sort((a, b) => b.gradNorm - a.gradNorm)[0];
    assert.equal(await page.getByTestId('grad-tensors').locator('tbody tr').first().getAttribute('data-tensor'), top.name);
    // saturation: either flags with their one-line explanation, or the all-clear line
    const flags = page.getByTestId('grad-flags');
    const flagged = r.gelu.filter((g) => g.flagged).length + r.heads.filter((h) => h.flagged).length;
    assert.equal(await flags.locator('li[data-flag]').count(), flagged);
    if (flagged > 0)
      await flags
        .getByText(/stop learning|stops learning/)
        .first()
        .waitFor();
    await page.screenshot({ path: join(SHOTS, 'inspect-gradients.png'), fullPage: true });

    // a model file that is not GGUF: a clear error in the UI, and the app stays usable
    await chooseBrokenModel(page, fx.modelPath, fx.host.dataDir);
    await page.getByRole('button', { name: 'Compute gradients' }).click();
    await page
      .getByTestId('grad-job')
      .getByRole('alert')
      .getByText(/cannot load/)
      .waitFor();
    assert.deepEqual(pageErrors(page), []);
  } finally {
    api.close();
    await page.context().close();
  }
});
