// Inspect → Activations, Logit lens, Attention, Interventions, Compare in Chromium on the small model with
// Gemma 3's real vocabulary. Every number the UI shows is compared with the engine's API answer for the
// same request, and the tokens shown are llama.cpp's for the same text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel } from 'node-llama-cpp';
import { MAX_INSPECT_TOKENS, type AttentionMap } from '../electron/core/api/inspect.ts';
import { connectApi } from './support/api.ts';
import { openApp, pageErrors } from './support/browser.ts';
import {
  dataValues,
  inspectFixture,
  inspectInUi,
  jobResult,
  jobSnapshot,
  openInspect,
  paintedPixels,
  SCREENSHOTS as SHOTS,
  shownActivations,
} from './support/inspect.ts';

const fx = inspectFixture();
const PROMPT = 'The quick brown fox jumps over the lazy dog. The dog wakes up and the fox';

// llama.cpp's view of the same vocabulary, as an independent reference for the tokens shown.
let llama: Llama;
let lm: LlamaModel;
before(async () => {
  llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error });
  lm = await llama.loadModel({ modelPath: fx.modelPath, vocabOnly: true });
});
after(async () => {
  await lm?.dispose();
  await llama?.dispose();
});

test("activations: the heatmap is drawn with the API's numbers, the logit-lens table is filled with decoded tokens, attention maps show the window", async () => {
  const page = await openApp(fx.browser, fx.host);
  const api = connectApi(fx.host);
  try {
    await inspectInUi(page, fx.modelPath, PROMPT);
    const uiRun = await shownActivations(page, api);
    const apiRun = await jobResult(api, api.api.inspect.run({ modelPath: fx.modelPath, prompt: PROMPT, topK: 10 }));
    const T = apiRun.tokens.length;
    assert.ok(T > apiRun.model.window, 'the prompt is longer than the sliding window');

    // heatmap: painted, and its values are the API's residual norms (layer × token)
    assert.ok((await paintedPixels(page, 'residual-heatmap')) > 2000);
    const heat = page.getByTestId('residual-heatmap');
    assert.equal(Number(await heat.getAttribute('data-rows')), apiRun.model.layers + 1);
    assert.equal(Number(await heat.getAttribute('data-cols')), T);
    assert.deepEqual(await dataValues(page, 'residual-heatmap'), apiRun.residualNorms.flat());
    assert.equal(await page.getByTestId('token-chips').locator('button').count(), T);
    // the chips are llama.cpp's tokens of the prompt, shown as the model sees them: <bos> marked as a
    // control token, then pieces with their spaces as ▁
    const llamaTokens = [lm.tokens.bos!, ...lm.tokenize(PROMPT)];
    const ids = llamaTokens.map(Number);
    assert.deepEqual(
      apiRun.tokens.map((t) => t.id),
      ids,
    );
    const chips = page.getByTestId('token-chips').locator('button');
    assert.equal(await chips.first().textContent(), '<bos>');
    assert.equal(await chips.first().locator('[data-marked="true"]').count(), 1, '<bos> is marked');
    for (let i = 1; i < T; i++) {
      assert.equal(await chips.nth(i).textContent(), lm.detokenize([llamaTokens[i]], true).replaceAll(' ', '\u2581'), `chip ${i}`);
      assert.equal(await chips.nth(i).locator('[data-marked="true"]').count(), 0, `chip ${i} is text`);
    }
    assert.ok(
      apiRun.tokens.some((t) => t.text === '\u2581quick'),
      'a word after a space is one piece, ▁quick, as in Gemma 3',
    );
    // the per-layer table shows the API's statistics (row of the last block; layerStats[0] is the embeddings)
    const Lg = apiRun.model.layers - 1;
    const lastRow = page.getByTestId('layer-stats').locator(`tr[data-layer="${Lg}"] td`);
    const st = apiRun.layerStats[Lg + 1];
    assert.equal(st.layer, Lg);
    assert.equal(await lastRow.nth(3).textContent(), st.maxAbs.toFixed(st.maxAbs >= 100 ? 1 : 4));
    await page.screenshot({ path: join(SHOTS, 'inspect-activations.png'), fullPage: true });

    // exports: the chart as a PNG file, its data as CSV with the API's numbers
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save Residual stream norm as PNG' }).click(),
    ]);
    assert.equal(png.suggestedFilename(), 'residual-norms.png');
    const pngBytes = readFileSync((await png.path())!);
    assert.deepEqual([...pngBytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const frame = page.getByRole('region', { name: 'Residual stream norm' });
    const [csv] = await Promise.all([page.waitForEvent('download'), frame.getByRole('button', { name: 'CSV' }).click()]);
    const lines = readFileSync((await csv.path())!, 'utf8')
      .trim()
      .split('\r\n');
    assert.equal(lines.length, apiRun.model.layers + 2);
    assert.deepEqual(lines[2].split(',').slice(1).map(Number), apiRun.residualNorms[1]);

    // logit lens at the last position: one row per layer (plus embeddings), decoded tokens, the API's probabilities
    await page.getByRole('tab', { name: 'Logit lens' }).click();
    const table = page.getByTestId('lens-table');
    await table.waitFor();
    const lensApi = await api.api.inspect.lens({ runId: uiRun.runId, position: T - 1, topK: 5 });
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), apiRun.model.layers + 1);
    for (const [i, layer] of lensApi.layers.entries()) {
      const cells = rows.nth(i).locator('.lens-token');
      assert.equal(await cells.count(), 5);
      for (const [k, tok] of layer.top.entries()) {
        assert.equal(await cells.nth(k).textContent(), tok.text || '∅');
        assert.equal(await cells.nth(k).locator('[data-token-kind]').getAttribute('data-token-kind'), tok.kind);
        assert.equal(Number(await cells.nth(k).getAttribute('data-prob')), tok.prob);
      }
    }
    // the last layer's top token is the model's own next-token prediction
    assert.equal(lensApi.layers.at(-1)!.top[0].id, apiRun.next[0].id);
    assert.ok((await paintedPixels(page, 'lens-grid')) > 500);
    await page.screenshot({ path: join(SHOTS, 'inspect-lens.png'), fullPage: true });

    // attention: a local layer (0) masks keys before the window
    await page.getByRole('tab', { name: 'Attention' }).click();
    await page.getByTestId('attention-map').locator('canvas').waitFor();
    const map: AttentionMap = await api.api.inspect.attention({ runId: uiRun.runId, layer: 0, head: 0 });
    assert.ok(map.sliding);
    assert.deepEqual(await dataValues(page, 'attention-map'), Array.from(map.data));
    assert.equal(map.data[(T - 1) * T + 0], 0, "the first token is outside the last query's window");
    assert.ok((await paintedPixels(page, 'attention-map')) > 2000);
    await page.getByTestId('attention-heads').locator('canvas').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'inspect-attention-local.png'), fullPage: true });
    const globalLayer = apiRun.model.sliding.lastIndexOf(false);
    assert.ok(globalLayer > 0, 'the model has a global layer after a local one');
    await page.getByTestId('attention-layer').selectOption(String(globalLayer));
    await page.getByRole('heading', { name: new RegExp(`Layer ${globalLayer}, head 0 — global`) }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'inspect-attention.png'), fullPage: true });

    // MLP histograms are drawn
    await page.getByRole('tab', { name: 'MLP' }).click();
    assert.ok((await paintedPixels(page, 'mlp-hist-0')) > 500);
    assert.equal(await page.getByTestId('mlp-table').locator('tbody tr').count(), apiRun.model.layers);
    await page.screenshot({ path: join(SHOTS, 'inspect-mlp.png'), fullPage: true });
    assert.deepEqual(pageErrors(page), []);
  } finally {
    api.close();
    await page.context().close();
  }
});

test('at 1024×700, light and dark: the chips and the lens show tokens as the model sees them, control tokens and bytes marked', async () => {
  const prompt = '<start_of_turn>user\nThe Gothic letter 𐌰 and\ta tab<end_of_turn>';
  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await openApp(fx.browser, fx.host, { viewport: { width: 1024, height: 700 }, colorScheme });
    const api = connectApi(fx.host);
    try {
      await inspectInUi(page, fx.modelPath, prompt);
      const run = await shownActivations(page, api);
      const chips = page.getByTestId('token-chips').locator('button');
      // control tokens (parsed from the prompt, as llama.cpp does with special tokens on) are marked
      const marked = run.tokens.flatMap((t, i) => (t.kind === 'control' ? [i] : []));
      assert.deepEqual(
        marked.map((i) => run.tokens[i].text),
        ['<bos>', '<start_of_turn>', '<end_of_turn>'],
      );
      for (const i of marked) assert.equal(await chips.nth(i).locator('[data-marked="true"]').textContent(), run.tokens[i].text);
      // the character outside the vocabulary is four byte tokens, each shown as its byte
      const bytes = run.tokens.filter((t) => t.kind === 'byte').map((t) => t.text);
      assert.deepEqual(
        bytes,
        [...Buffer.from('𐌰', 'utf8')].map((b) => `\\x${b.toString(16).toUpperCase()}`),
      );
      for (const [i, t] of run.tokens.entries())
        if (t.kind === 'byte') assert.equal(await chips.nth(i).locator('[data-token-kind="byte"]').textContent(), t.text);
      // whitespace is visible: a newline and a tab are shown escaped
      assert.ok(
        run.tokens.some((t) => t.text.includes('\\n')),
        'the newline is shown escaped',
      );
      assert.ok(
        run.tokens.some((t) => t.text.includes('\\t')),
        JSON.stringify(run.tokens.map((t) => t.text)),
      );
      await page.screenshot({ path: join(SHOTS, `inspect-tokens-1024x700-${colorScheme}.png`) });
      await page.getByRole('tab', { name: 'Logit lens' }).click();
      await page.getByTestId('lens-table').waitFor();
      await page.screenshot({ path: join(SHOTS, `inspect-lens-1024x700-${colorScheme}.png`) });
      assert.deepEqual(pageErrors(page), []);
    } finally {
      api.close();
      await page.context().close();
    }
  }
});

test("interventions: ablating a head changes the shown probabilities, and they equal the engine's API result", async () => {
  const page = await openApp(fx.browser, fx.host);
  const api = connectApi(fx.host);
  try {
    await inspectInUi(page, fx.modelPath, PROMPT);
    const uiRun = await shownActivations(page, api);
    await page.getByRole('tab', { name: 'Interventions' }).click();
    const layer = uiRun.model.layers - 1;
    await page.getByTestId('iv-layer-0').selectOption(String(layer));
    await page.getByTestId('iv-head-0').selectOption('1');
    await page.getByRole('button', { name: 'Rerun with interventions' }).click();
    const table = page.getByTestId('intervention-result');
    await table.waitFor();

    const T = uiRun.tokens.length;
    const apiResult = await jobResult(
      api,
      api.api.inspect.intervene({
        runId: uiRun.runId,
        position: T - 1,
        topK: 10,
        interventions: [{ kind: 'head', layer, head: 1, scale: 0 }],
      }),
    );
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), apiResult.changes.length);
    let moved = 0;
    for (const [i, c] of apiResult.changes.entries()) {
      const row = rows.nth(i);
      assert.equal(Number(await row.getAttribute('data-token-id')), c.id);
      assert.equal(Number(await row.getAttribute('data-before')), c.before);
      assert.equal(Number(await row.getAttribute('data-after')), c.after);
      // the text shown is the same number
      assert.equal(await row.locator('td').nth(2).textContent(), `${(c.after * 100).toFixed(2)}%`);
      if (Math.abs(c.after - c.before) > 1e-6) moved++;
    }
    assert.ok(moved > 0, 'the ablation changed at least one shown probability');
    assert.ok(apiResult.kl > 0);
    // before = the run's own next-token distribution
    assert.equal(apiResult.before[0].id, uiRun.next[0].id);
    assert.equal(apiResult.before[0].prob, uiRun.next[0].prob);
    await page.screenshot({ path: join(SHOTS, 'inspect-interventions.png'), fullPage: true });

    // steering toward one prompt and away from another: the UI runs it and reports the vector's norm
    await page.getByRole('button', { name: '+ Steering vector' }).click();
    await page.getByRole('button', { name: 'Remove intervention' }).first().click();
    await page.getByRole('button', { name: 'Rerun with interventions' }).click();
    await page.getByText(/‖steering vector‖ = \d/).waitFor();
    assert.deepEqual(pageErrors(page), []);
  } finally {
    api.close();
    await page.context().close();
  }
});

test('compare: two prompts side by side, similarity per layer from the API', async () => {
  const page = await openApp(fx.browser, fx.host);
  const api = connectApi(fx.host);
  try {
    await openInspect(page, fx.modelPath);
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.getByTestId('compare-a').fill('a cat sat on the mat');
    await page.getByTestId('compare-b').fill('a dog sat on the rug');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.getByTestId('compare-heatmap-B').locator('canvas').waitFor();
    const r = await jobResult(
      api,
      api.api.inspect.compare({ modelPath: fx.modelPath, promptA: 'a cat sat on the mat', promptB: 'a dog sat on the rug', topK: 10 }),
    );
    assert.deepEqual(await dataValues(page, 'compare-similarity'), [
      r.similarity.map((s) => s.cosineLast),
      r.similarity.map((s) => s.cosineMean),
    ]);
    assert.deepEqual(await dataValues(page, 'compare-heatmap-A'), r.a.residualNorms.flat());
    assert.ok((await paintedPixels(page, 'compare-heatmap-A')) > 500);
    await page.screenshot({ path: join(SHOTS, 'inspect-compare.png'), fullPage: true });
  } finally {
    api.close();
    await page.context().close();
  }
});

test('a long prompt (≥ 512 tokens) is inspected; the UI cancels a run waiting in the engine worker and the engine keeps working', async () => {
  const api = connectApi(fx.host);
  const page = await openApp(fx.browser, fx.host);
  try {
    const long = Array.from({ length: 200 }, (_, i) => `item${i % 41} then`).join(' ');
    await inspectInUi(page, fx.modelPath, long);
    const run = await shownActivations(page, api);
    assert.ok(run.tokens.length >= 512, `${run.tokens.length} tokens`);
    assert.equal(await page.getByTestId('token-chips').locator('button').count(), run.tokens.length);
    assert.equal(Number(await page.getByTestId('residual-heatmap').getAttribute('data-cols')), run.tokens.length);

    // the same prompt again, cancelled from the UI while it is in the engine worker: the worker is held
    // (test mode) so the run cannot finish before the click, however fast the machine
    const runsBefore = fx.host.core.jobs.list().filter((j) => j.kind === 'inspect.run').length;
    await page.getByTestId('inspect-prompt').fill(`${long} once more`);
    await api.api.workers.holdForTest({ worker: 'engine', hold: true });
    try {
      await page.getByRole('button', { name: 'Inspect', exact: true }).click();
      await page.getByTestId('inspect-job').getByRole('button', { name: 'Cancel' }).click();
      await page.getByTestId('inspect-job').getByText('Cancelled.').waitFor();
    } finally {
      await api.api.workers.holdForTest({ worker: 'engine', hold: false });
    }
    const job = fx.host.core.jobs
      .list()
      .filter((j) => j.kind === 'inspect.run')
      .at(-1)!;
    assert.equal(fx.host.core.jobs.list().filter((j) => j.kind === 'inspect.run').length, runsBefore + 1);
    assert.equal(job.state, 'cancelled');
    // the previous run is still shown, and the engine answers the next request
    assert.equal(Number(await page.getByTestId('residual-heatmap').getAttribute('data-cols')), run.tokens.length);
    const next = await jobResult(api, api.api.inspect.run({ modelPath: fx.modelPath, prompt: 'still alive', topK: 3 }));
    assert.ok(next.tokens.length > 1);
    assert.equal(fx.host.core.workers.engine.snapshot.restarts, 0);
    // a prompt beyond what the model takes is a clear error, not a crash
    const tooLong = await jobSnapshot(api, (await api.api.inspect.run({ modelPath: fx.modelPath, prompt: long.repeat(3), topK: 3 })).jobId);
    assert.equal(tooLong.state, 'failed');
    const limit = Math.min(run.model.contextLength, MAX_INSPECT_TOKENS);
    assert.match(tooLong.error!.message, new RegExp(`tokens; the inspector takes at most ${limit}$`));
    assert.equal(tooLong.error!.code, 'bad_input');
    assert.deepEqual(pageErrors(page), []);
  } finally {
    api.close();
    await page.context().close();
  }
});
