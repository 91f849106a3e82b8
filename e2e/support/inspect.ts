// Shared setup of the Inspect specs: a host, Chromium and the small real-vocabulary model for the whole file, typed
// job results from the API (the JobId says what the result is), and readers of what the charts drew.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { GradientResult, InspectRun } from '../../electron/core/api/inspect.ts';
import { snapshotOf, type JobId, type JobSnapshot, type JobStarted } from '../../electron/core/api/jobs.ts';
import { ensureRealVocabModel } from '../../test-support/models.ts';
import { connectApi } from './api.ts';
import { goToScreen, launchBrowser } from './browser.ts';
import { repoRoot, startTestHost, type TestHost } from './host.ts';

type Api = ReturnType<typeof connectApi>;

export const SCREENSHOTS = join(repoRoot, '.cache', 'screenshots');

export interface InspectFixture {
  host: TestHost;
  browser: Browser;
  /** the small Gemma 3 test model with the real vocabulary (rv-small, F32) */
  modelPath: string;
}

/** Starts a test host and Chromium before the file's tests, stops them after; read the fields inside tests. */
export function inspectFixture(): InspectFixture {
  const fx = {} as InspectFixture;
  before(async () => {
    fx.modelPath = await ensureRealVocabModel('small');
    fx.host = await startTestHost();
    fx.browser = await launchBrowser();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await fx.browser?.close();
    await fx.host?.stop();
  });
  return fx;
}

/** Waits until the job has ended (it may have ended before we listened) and returns its typed snapshot. */
export async function jobSnapshot<R>(api: Api, jobId: JobId<R>): Promise<JobSnapshot<R>> {
  const done = new Promise<JobSnapshot>((resolve) => {
    const off = api.on('jobs.update', (s) => s.jobId === jobId && s.state !== 'running' && (off(), resolve(s)));
  });
  const now = await api.api.jobs.get({ jobId });
  return snapshotOf(jobId, now.state !== 'running' ? now : await done);
}

/** The result of a job the API started (`await jobResult(api, api.api.inspect.run(…))`); fails the test unless it is done. */
export async function jobResult<R>(api: Api, started: JobStarted<R> | Promise<JobStarted<R>>): Promise<R> {
  const s = await jobSnapshot(api, (await started).jobId);
  assert.equal(s.state, 'done', `job ${s.kind} ended ${s.state}: ${s.error?.message}`);
  assert.ok(s.result !== null);
  return s.result;
}

/** Pixels of the first canvas under `testId` that differ from its top-left (background) pixel. */
export async function paintedPixels(page: Page, testId: string): Promise<number> {
  return page
    .getByTestId(testId)
    .locator('canvas')
    .first()
    .evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) n++;
      return n;
    });
}

/** The numbers a chart says it drew (its data-values attribute). */
export async function dataValues(page: Page, testId: string): Promise<unknown> {
  return JSON.parse((await page.getByTestId(testId).getAttribute('data-values'))!);
}

/** Opens Inspect and chooses the model (this is the one place that fills the picker): Inspect picks from
 * the model library, so the file is imported first over the page's own connection (importing twice is harmless). */
export async function openInspect(page: Page, modelPath: string): Promise<void> {
  const token = await page.evaluate(() => sessionStorage.getItem('glassbox.token'));
  const client = connectApi({ origin: new URL(page.url()).origin, token: token ?? '' });
  try {
    await client.api.models.import({ path: modelPath });
  } finally {
    client.close();
  }
  await goToScreen(page, 'inspect');
  await page.getByTestId('inspect-model-path').selectOption(modelPath);
}

/**
 * Chooses, on Inspect, a library model whose file was broken after it was imported (the picker offers
 * only library models, and the library refuses a broken file): for specs of a model that fails to load.
 */
export async function chooseBrokenModel(page: Page, validModelPath: string, dir: string): Promise<string> {
  const broken = join(dir, 'broken-after-import.gguf');
  copyFileSync(validModelPath, broken);
  await openInspect(page, broken);
  writeFileSync(broken, '{"this is": "not a model any more"}');
  return broken;
}

/** Runs `prompt` on the Activations tab and waits for the heatmap. */
export async function inspectInUi(page: Page, modelPath: string, prompt: string): Promise<void> {
  await openInspect(page, modelPath);
  await page.getByTestId('inspect-prompt').fill(prompt);
  // the screen's own button (at 1024 px the navigation's "Inspect" button has the same name)
  await page.getByRole('main', { name: 'Inspect' }).getByRole('button', { name: 'Inspect', exact: true }).click();
  await page.getByTestId('residual-heatmap').locator('canvas').waitFor();
}

/** The id of the run the Inspect screen shows, from its URL (#/inspect/run/<id>). */
export function shownRunId(page: Page): string {
  const m = /#\/inspect\/run\/([^/?#]+)$/.exec(page.url());
  assert.ok(m, `the URL names no run: ${page.url()}`);
  return decodeURIComponent(m[1]);
}

/** The activation run the screen shows, as the API stored it. */
export async function shownActivations(page: Page, api: Api): Promise<InspectRun> {
  const stored = await api.api.inspect.getRun({ runId: shownRunId(page) });
  assert.equal(stored.kind, 'activations');
  return stored.run;
}

/** The gradient run the screen shows, as the API stored it. */
export async function shownGradients(page: Page, api: Api): Promise<GradientResult> {
  const stored = await api.api.inspect.getRun({ runId: shownRunId(page) });
  assert.equal(stored.kind, 'gradients');
  return stored.run;
}
