// Inspect with a LoRA adapter (issue 14, "the inspectors run with the adapter applied"): the screen
// offers the adapters fine-tuned from the chosen model, none by default; choosing one and a scale runs
// the inspector with it, and the run header names the adapter and scale. The adapter is random
// (written with our GGUF adapter writer) and recorded as finetune.adapters lists a trained one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeGgufAdapter } from '../electron/core/engine/export/adapter.ts';
import { loadGemma3 } from '../electron/core/engine/models/gemma3/index.ts';
import { initAdapter, LORA_TARGETS } from '../electron/core/engine/train/lora.ts';
import { mulberry32 } from '../electron/core/engine/train/random.ts';
import { FinetuneStore } from '../electron/core/finetune/store.ts';
import { openDatabase } from '../electron/core/store/database.ts';
import { resolveDataPaths } from '../electron/core/store/paths.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { startAppWithModel } from './support/app.ts';
import { goToScreen, openApp, pageErrors } from './support/browser.ts';
import { repoRoot, tempDir } from './support/host.ts';
import { jobResult } from './support/inspect.ts';

const files = tempDir('glassbox-inspect-adapter-');
const shots = join(repoRoot, '.cache', 'screenshots');
const PROMPT = 'The capital of France is Paris. The capital of Italy is';

test('choosing an adapter on Inspect runs the inspector with it, and the header names it and its scale', async () => {
  const modelPath = await ensureRealVocabModel('small', 'F32');
  const g = await loadGemma3(modelPath, { threads: 1 });
  const c = g.config;
  g.dispose();
  const ad = initAdapter(
    { layers: c.layers, hidden: c.hidden, qDim: c.heads * c.headDim, kvDim: c.kvHeads * c.headDim, ffn: c.ffn },
    { targets: LORA_TARGETS, rank: 4, alpha: 8, seed: 7 },
  );
  const rnd = mulberry32(8);
  for (const p of ad.pairs) for (let i = 0; i < p.b.length; i++) p.b[i] = (rnd() - 0.5) * 0.3;
  const ggufPath = join(files.path, 'capitals-lora.gguf');
  writeGgufAdapter(ggufPath, ad, { architecture: 'gemma3', name: 'capitals' });

  const { api, browser, host } = await startAppWithModel(modelPath);
  // recorded the way a finished fine-tune run records its export
  const db = openDatabase(resolveDataPaths({ dataDir: host.dataDir }).dbPath, { migrate: false });
  new FinetuneStore(db).addAdapter({ runId: null, name: 'capitals', modelPath, ggufPath, peftPath: null, rank: 4, alpha: 8 });
  db.close();
  assert.deepEqual(
    (await api.api.finetune.adapters({})).map((a) => a.ggufPath),
    [ggufPath],
  );

  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await openApp(browser, host, { viewport: { width: 1024, height: 700 }, colorScheme });
    await goToScreen(page, 'inspect');
    const picker = page.getByTestId('inspect-adapter');
    await picker.waitFor();
    assert.equal(await picker.inputValue(), '', 'no adapter by default');
    assert.deepEqual(await picker.locator('option').allTextContents(), ['None (base model)', 'capitals (rank 4)']);
    await picker.selectOption(ggufPath);
    await page.getByTestId('inspect-adapter-scale').fill('0.5');
    await page.getByTestId('inspect-prompt').fill(PROMPT);
    await page.locator('main').getByRole('button', { name: 'Inspect', exact: true }).click();
    await page.getByTestId('residual-heatmap').locator('canvas').waitFor();
    assert.equal(await page.getByTestId('inspect-run-adapter').textContent(), ' · adapter capitals × 0.5');
    await page.screenshot({ path: join(shots, `inspect-adapter-1024x700-${colorScheme}.png`) });

    // the stored run was computed with it: its next-token logits are not the base model's
    const runId = decodeURIComponent(/#\/inspect\/run\/([^/?#]+)$/.exec(page.url())![1]);
    const stored = await api.api.inspect.getRun({ runId });
    assert.equal(stored.kind, 'activations');
    assert.deepEqual(stored.run.adapter, { path: ggufPath, name: 'capitals-lora', scale: 0.5, rank: 4, alpha: 8 });
    if (colorScheme === 'light') {
      const base = await jobResult(api, api.api.inspect.run({ modelPath, prompt: PROMPT, topK: 10 }));
      assert.equal(base.adapter, null);
      const baseLogit = base.next[0].logit;
      const sameToken = stored.run.next.find((n) => n.id === base.next[0].id);
      assert.ok(!sameToken || Math.abs(sameToken.logit - baseLogit) > 1e-3, 'the adapter changed the logits');

      // the Gradients tab takes its gradients through the same adapter and says so
      await page.getByRole('tab', { name: 'Gradients' }).click();
      await page.getByRole('button', { name: 'Compute gradients' }).click();
      await page.getByTestId('grad-loss').waitFor();
      assert.equal(await page.getByTestId('grad-adapter').textContent(), ' · with adapter capitals-lora × 0.5');
    }
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  }
  files.cleanup();
});
