// The LoRA adapter for chat chosen from the Chat screen (issue 14 "Use it"): the chat's settings panel
// lists the adapters made for the active model, choosing one applies it (kept by the finetune
// service), the chat header names it and its scale, a reply is generated with it, and None removes it.
// The adapter is a small random one written as lora.test.ts does (no training).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openGguf } from '../electron/core/engine/gguf/reader.ts';
import { loraAdapterSpec } from '../electron/core/engine/gguf/lora.ts';
import { writeGguf } from '../electron/core/engine/gguf/writer.ts';
import { FinetuneStore } from '../electron/core/finetune/store.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { startAppWithModel, type AppWithModel } from './support/app.ts';
import { openApp, pageErrors } from './support/browser.ts';

let app: AppWithModel;
let page: Page;

/** A rank-2 adapter on blk.0.attn_q with small random weights, registered as if a run had exported it. */
function registerRandomAdapter(modelPath: string, dir: string) {
  const f = openGguf(modelPath);
  const [inDim, outDim] = f.tensor('blk.0.attn_q.weight')!.dims;
  f.close();
  const rank = 2;
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.02;
  const a = Float32Array.from({ length: rank * inDim }, rnd);
  const b = Float32Array.from({ length: outDim * rank }, rnd);
  const ggufPath = join(dir, 'pirate-lora.gguf');
  writeGguf(
    ggufPath,
    loraAdapterSpec({ architecture: 'gemma3', alpha: 4, pairs: [{ base: 'blk.0.attn_q.weight', inDim, outDim, rank, a, b }] }),
  );
  return new FinetuneStore(app.host.core.db).addAdapter({
    runId: null,
    name: 'pirate-lora',
    modelPath,
    ggufPath,
    peftPath: null,
    rank,
    alpha: 4,
  });
}

before(async () => {
  app = await startAppWithModel(await ensureRealVocabModel('small', 'F32'));
});

test('an adapter is chosen in the chat settings, named in the header, used for a reply, and removed', async () => {
  const model = (await app.api.api.models.list()).find((m) => m.active)!;
  const adapter = registerRandomAdapter(model.path, app.host.dataDir);
  const session = await app.api.api.sessions.create({ title: 'With adapter' });
  await app.api.api.chat.setConfig({ sessionId: session.id, sampling: { temperature: 0, maxTokens: 4 } });
  page = await openApp(app.browser, app.host, { hash: `#/chat/${session.id}` });
  await page.getByTestId('conversation-title').getByText('With adapter').waitFor();
  assert.equal(await page.getByTestId('chat-adapter-applied').count(), 0, 'no adapter yet');

  await page.getByRole('button', { name: 'Chat settings' }).click();
  const picker = page.getByTestId('chat-adapter-picker');
  await picker.getByLabel('Adapter scale').fill('0.5');
  await picker.getByLabel('LoRA adapter').selectOption({ label: 'pirate-lora (rank 2)' });
  await page.getByTestId('chat-adapter-applied').getByText('adapter: pirate-lora ×0.5').waitFor();
  const choice = await app.api.api.finetune.chatAdapter({});
  assert.equal(choice?.adapterId, adapter.id);
  assert.equal(choice?.scale, 0.5);

  // A reply with the adapter applied (llama.cpp loads it with the model's context).
  const box = page.getByLabel('Message', { exact: true });
  await box.fill('Ahoy?');
  await box.press('Enter');
  await page.waitForFunction(() => {
    const last = [...document.querySelectorAll('[data-testid="message-assistant"]')].at(-1);
    return last && last.getAttribute('data-status') === 'complete';
  });

  await picker.getByLabel('LoRA adapter').selectOption({ label: 'None' });
  await page.getByTestId('chat-adapter-applied').waitFor({ state: 'detached' });
  assert.equal(await app.api.api.finetune.chatAdapter({}), null);
  assert.deepEqual(pageErrors(page), []);
});
