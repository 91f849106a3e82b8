// Inspect wording (issue 11 item 10) on the real-vocabulary small model: the logit lens explains its
// `emb` row with what it really shows — counted here from the API's own lens numbers (how often the
// row's top token is the input token itself, and its mean probability) — and an intervention at
// scale 0 says it ablates, in words that follow the scale.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { ApiClient } from '../renderer/src/api/client.ts';
import { pct } from '../renderer/src/features/inspect/format.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { openApp, pageErrors } from './support/browser.ts';
import type { TestHost } from './support/host.ts';
import { startApp } from './support/app.ts';
import { inspectInUi, shownActivations } from './support/inspect.ts';

let host: TestHost;
let api: ApiClient;
let browser: Browser;
let page: Page;
let modelPath: string;

before(async () => {
  modelPath = await ensureRealVocabModel('small', 'F32');
  ({ host, api, browser } = await startApp());
});

test('the logit lens explains its emb row with the numbers it shows', async () => {
  page = await openApp(browser, host);
  await inspectInUi(page, modelPath, 'The cat sat on the mat');
  const run = await shownActivations(page, api);
  const T = run.tokens.length;
  await page.getByRole('tab', { name: 'Logit lens' }).click();
  // The run comes with the lens of some positions; the rest are computed on request.
  if (run.lens.length < T) await page.getByRole('button', { name: 'Compute every position' }).click();
  const note = page.getByTestId('lens-emb-note');
  await note.getByText(`of ${T} positions`, { exact: false }).waitFor({ timeout: 120_000 });

  // The same count and mean, from the API's lens (independent of what the page computed).
  let self = 0;
  let sum = 0;
  for (let p = 0; p < T; p++) {
    const emb = (await api.api.inspect.lens({ runId: run.runId, position: p, topK: 5 })).layers[0];
    assert.equal(emb.layer, -1, 'the first row is the embeddings');
    if (emb.top[0].id === run.tokens[p].id) self++;
    sum += emb.top[0].prob;
  }
  const text = await note.innerText();
  assert.ok(text.includes(`at ${self} of ${T} positions its top token is the input token itself`), text);
  assert.ok(text.includes(`here ${pct(sum / T, 1)} on average`), text);
  assert.match(text, /ties the output head to the embedding matrix/);
  // What the explanation claims holds on this model: the emb row mostly predicts the input token.
  assert.ok(self >= T - 1, `${self} of ${T}`);
});

test('a scale-0 intervention says it ablates; other scales say what they do', async () => {
  await page.getByRole('tab', { name: 'Interventions' }).click();
  const effect = page.getByTestId('iv-effect-0');
  await effect.getByText('Ablate (scale 0)').waitFor();
  assert.match(await effect.innerText(), /this head's output is set to zero/);
  const scale = page.getByTestId('iv-scale-0');
  await scale.fill('0.5');
  await effect.getByText('Scale ×0.5').waitFor();
  assert.match(await effect.innerText(), /weakened/);
  await scale.fill('1');
  await effect.getByText('No change (scale 1)').waitFor();
  await page.getByRole('button', { name: '+ MLP unit' }).click();
  await page.getByTestId('iv-effect-1').getByText('Ablate (scale 0)').waitFor();
  assert.match(await page.getByTestId('iv-effect-1').innerText(), /this unit's activation is set to zero/);
  assert.deepEqual(pageErrors(page), []);
});
