// Inspect chooses its model from the model library (issue 11 item 4): a select, the active model first
// and labelled so, no raw path box; a run that fails after another model's run does not leave that
// model's heatmap and header under the new error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureRealVocabModel, ensureTestModels } from '../test-support/models.ts';
import { startAppWithModel } from './support/app.ts';
import { goToScreen, openApp } from './support/browser.ts';
import { tempDir } from './support/host.ts';

const files = tempDir('glassbox-inspect-picker-');

test('Inspect picks from the library, the active model first; a failed run clears the previous model’s results', async () => {
  const activePath = await ensureRealVocabModel('small', 'F32');
  // a second gemma3 model under another name, in a folder we can take it away from
  const otherPath = join(files.path, 'other-mini.gguf');
  copyFileSync((await ensureTestModels()).miniF32, otherPath);
  const { api, browser, host } = await startAppWithModel(activePath);
  const other = await api.api.models.import({ path: otherPath });
  const active = (await api.api.models.list({})).find((m) => m.active)!;
  assert.equal(active.path, activePath);

  const page = await openApp(browser, host, { viewport: { width: 1024, height: 700 } });
  await goToScreen(page, 'inspect');
  const picker = page.getByTestId('inspect-model-path');
  assert.equal(await picker.evaluate((el) => el.tagName), 'SELECT', 'a select, not a path box');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="inspect-model-path"] option').length >= 2);
  const options = await picker.locator('option').allTextContents();
  assert.equal(options[0], `${active.name} — active`, 'the active model comes first and says so');
  assert.ok(options.includes(other.name), `the other library model is offered: ${JSON.stringify(options)}`);
  assert.equal(await picker.inputValue(), activePath, 'the active model is chosen by default');
  assert.equal(await page.locator('main input[placeholder*=".gguf"]').count(), 0, 'no raw path box on Inspect');

  // a run with the active model
  await page.getByTestId('inspect-prompt').fill('The capital of France is');
  await page.locator('main').getByRole('button', { name: 'Inspect', exact: true }).click();
  await page.getByTestId('residual-heatmap').locator('canvas').waitFor();
  assert.match((await page.getByTestId('inspect-model-summary').textContent()) ?? '', /layers/);

  // choosing another model says the results on screen are the previous model's
  await picker.selectOption(otherPath);
  assert.equal(await page.getByTestId('inspect-run-other-model').textContent(), `Showing the run of ${active.name}: `);

  // that model's file is gone: the run fails, and the active model's heatmap and header go with it
  rmSync(otherPath);
  await page.locator('main').getByRole('button', { name: 'Inspect', exact: true }).click();
  await page.getByTestId('inspect-job').and(page.locator('[data-state="failed"]')).waitFor();
  assert.match((await page.getByTestId('inspect-job').getByRole('alert').textContent()) ?? '', /other-mini\.gguf|no such file/i);
  assert.equal(await page.getByTestId('residual-heatmap').count(), 0, 'the previous heatmap is not left under the error');
  assert.equal(await page.getByTestId('inspect-model-summary').count(), 0, 'nor its header');
  assert.match(
    (await page.getByTestId('inspect-cleared-note').textContent()) ?? '',
    new RegExp(`previous run \\(${active.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) were cleared`),
  );
  assert.ok(!page.url().includes('/run/'), `the URL no longer names the old run: ${page.url()}`);
  await page.context().close();
  files.cleanup();
});
