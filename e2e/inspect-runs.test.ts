// Stored inspector runs survive a host restart: run in the UI, stop the host process, start a new one
// on the same database, reopen the run from its URL and from "Recent runs", and the screen shows the
// same numbers the API gives (and the first host gave).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { connectApi } from './support/api.ts';
import { launchBrowser, openApp, pageErrors } from './support/browser.ts';
import { spawnHostProcess, tempDir } from './support/host.ts';
import type { GradientResult, InspectRun } from '../electron/core/api/inspect.ts';
import { dataValues, inspectInUi, SCREENSHOTS, shownActivations, shownGradients, shownRunId } from './support/inspect.ts';

let browser: Browser;
let modelPath: string;
const data = tempDir();
const PROMPT = 'The quick brown fox jumps over the lazy dog. The dog wakes up and the fox';

before(async () => {
  modelPath = await ensureRealVocabModel('small');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  data.cleanup();
});

test('an activation run and a gradient run reopen after the host restarts, with the same numbers as the API', async () => {
  const db = join(data.path, 'glassbox.db');
  // 1. first host: run both in the UI
  const first = await spawnHostProcess({ db, dataDir: data.path });
  let page = await openApp(browser, first);
  let api = connectApi(first);
  let activations: InspectRun, gradients: GradientResult;
  try {
    await inspectInUi(page, modelPath, PROMPT);
    activations = await shownActivations(page, api);
    await page.getByRole('tab', { name: 'Gradients' }).click();
    await page.getByTestId('grad-prompt').fill('The quick brown fox');
    await page.getByTestId('grad-target').fill(' jumps');
    await page.getByRole('button', { name: 'Compute gradients' }).click();
    await page.getByTestId('grad-attribution').locator('canvas').waitFor();
    gradients = await shownGradients(page, api);
    assert.deepEqual(pageErrors(page), []);
  } finally {
    api.close();
    await page.context().close();
  }
  assert.equal(await first.stop(), 0);

  // 2. a new host process on the same database
  const second = await spawnHostProcess({ db, dataDir: data.path });
  api = connectApi(second);
  page = await openApp(browser, second, { hash: `#/inspect/run/${activations.runId}`, viewport: { width: 1024, height: 700 } });
  try {
    const stored = await api.api.inspect.getRun({ runId: activations.runId });
    assert.deepEqual(stored, { kind: 'activations', run: activations }, 'the API gives what the first host gave');
    // the URL opened the run: heatmap, token chips and the per-layer table show the stored numbers
    await page.getByTestId('residual-heatmap').locator('canvas').waitFor();
    assert.deepEqual(await dataValues(page, 'residual-heatmap'), activations.residualNorms.flat());
    assert.equal(await page.getByTestId('token-chips').locator('button').count(), activations.tokens.length);
    const last = activations.model.layers - 1; // layerStats[0] is the embeddings
    const lastRow = page.getByTestId('layer-stats').locator(`tr[data-layer="${last}"] td`);
    const s = activations.layerStats[last + 1];
    assert.equal(await lastRow.nth(3).textContent(), s.maxAbs.toFixed(s.maxAbs >= 100 ? 1 : 4));
    // the chips show the stored tokens as the model sees them, <bos> marked as a control token
    assert.equal(await page.getByTestId('token-chips').locator('button').first().locator('[data-marked="true"]').textContent(), '<bos>');
    assert.equal(await page.getByTestId('inspect-prompt').inputValue(), PROMPT);
    assert.equal(await page.getByTestId('inspect-model-path').inputValue(), modelPath, "the run's own model is selected");
    // attention (from the database) and an intervention (the engine recomputes the run under its id)
    await page.getByRole('tab', { name: 'Attention' }).click();
    await page.getByTestId('attention-map').locator('canvas').waitFor();
    const map = await api.api.inspect.attention({ runId: activations.runId, layer: 0, head: 0 });
    assert.deepEqual(await dataValues(page, 'attention-map'), Array.from(map.data));
    await page.getByRole('tab', { name: 'Interventions' }).click();
    await page.getByRole('button', { name: 'Rerun with interventions' }).click();
    const table = page.getByTestId('intervention-result');
    await table.waitFor();
    // "before" is the stored run's own next-token distribution
    const top = activations.next[0];
    assert.equal(Number(await table.locator(`tbody tr[data-token-id="${top.id}"]`).getAttribute('data-before')), top.prob);
    await page.getByRole('tab', { name: 'Activations' }).click();
    await page.screenshot({ path: join(SCREENSHOTS, 'inspect-reopened.png') });

    // "Recent runs": both runs listed newest first; opening the gradient run shows its numbers
    await page.getByTestId('recent-runs-button').click();
    const list = page.getByTestId('recent-runs');
    await list.waitFor();
    assert.deepEqual(await list.locator('li[data-run-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id'))), [
      gradients.runId,
      activations.runId,
    ]);
    await page.screenshot({ path: join(SCREENSHOTS, 'inspect-recent-runs.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(SCREENSHOTS, 'inspect-recent-runs-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await list.locator(`li[data-run-id="${gradients.runId}"] button`).first().click();
    await page.getByTestId('grad-loss').waitFor();
    assert.equal(Number(await page.getByTestId('grad-loss').getAttribute('data-loss')), gradients.loss);
    assert.deepEqual(await dataValues(page, 'grad-per-layer'), [gradients.perLayer]);
    assert.deepEqual(
      JSON.parse((await page.getByTestId('grad-attribution').getAttribute('data-values'))!),
      gradients.attribution.map((a) => a.gradXInput),
    );
    assert.equal(shownRunId(page), gradients.runId, 'the URL names the opened run');
    assert.deepEqual(await api.api.inspect.getRun({ runId: gradients.runId }), { kind: 'gradients', run: gradients });

    // deleting a run from the list removes it; a URL naming a missing run says so
    await page.getByTestId('recent-runs-button').click();
    await list
      .getByRole('button', { name: /^Delete run / })
      .first()
      .click();
    await list.locator(`li[data-run-id="${gradients.runId}"]`).waitFor({ state: 'detached' });
    assert.deepEqual(
      (await api.api.inspect.runs({})).map((r) => r.runId),
      [activations.runId],
    );
    await page.waitForURL(/#\/inspect$/); // the URL no longer names the deleted run it showed
    await page.keyboard.press('Escape');
    await page.evaluate(() => (window.location.hash = '#/inspect'));
    await page.evaluate((id) => (window.location.hash = `#/inspect/run/${id}`), gradients.runId);
    await page
      .getByRole('alert')
      .getByText(/Could not open run .* does not exist/)
      .waitFor();
    assert.deepEqual(pageErrors(page), []);
  } finally {
    api.close();
    await page.context().close();
    await second.stop();
  }
});
