// The offline first-run model: written once into the models folder, labelled as random weights,
// imported by models.createDemo, and loadable by llama.cpp (chat) and by our engine (the inspectors).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_MODEL_FILE, DEMO_MODEL_NAME, ensureDemoModel } from './demo-model.ts';
import { inspectModelFile } from './library.ts';
import { startTestCore } from './test-core.ts';

const t = await startTestCore();
after(() => t.close());

test('the demo model is a gemma3 GGUF named as random weights, written once', () => {
  const dir = join(t.dir, 'demo-only');
  const path = ensureDemoModel(dir);
  assert.equal(path, join(dir, DEMO_MODEL_FILE));
  const facts = inspectModelFile(path);
  assert.ok(facts.name.startsWith(DEMO_MODEL_NAME), facts.name); // the library adds the weight type
  assert.match(facts.name, /random weights/);
  assert.equal(facts.architecture, 'gemma3');
  assert.ok(facts.sizeBytes < 10e6, `small: ${facts.sizeBytes} bytes`);
  const written = statSync(path).mtimeMs;
  assert.equal(ensureDemoModel(dir), path);
  assert.equal(statSync(path).mtimeMs, written, 'an existing demo model is reused, not rewritten');
});

test(
  'models.createDemo puts it in the library (models folder) and llama.cpp loads it as the chat model',
  { timeout: 120_000 },
  async () => {
    const model = await t.call('models.createDemo', {});
    assert.ok(model.name.startsWith(DEMO_MODEL_NAME), model.name);
    assert.equal(model.path, join(t.core.paths.modelsDir, DEMO_MODEL_FILE));
    const again = await t.call('models.createDemo', {});
    assert.equal(again.id, model.id, 'a second click gives the same library entry');
    assert.equal((await t.call('models.list', {})).length, 1);
    const active = await t.call('models.setActive', { id: model.id });
    assert.equal(active?.active, true);
  },
);
