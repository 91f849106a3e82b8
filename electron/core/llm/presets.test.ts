// Settings → Chat defaults and per-model sampling presets (issue 11 item 11): a new chat starts with
// the app-wide system prompt and sampling (older chats keep theirs); presets are saved, replaced and
// deleted per model; what a GGUF file recommends (general.sampling.*) is read as llama.cpp names it;
// bad values are refused with a clear error and change nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { defaultSampling } from '../api/chat.ts';
import { f32, i32, str, u32 } from '../engine/gguf/meta.ts';
import { writeGguf } from '../engine/gguf/writer.ts';
import { ensureRealVocabModel } from '../../../test-support/models.ts';
import { modelFileSampling, samplingFromMetadata } from './presets.ts';
import { startTestCore, type TestCore } from './test-core.ts';

let t: TestCore;
before(async () => {
  t = await startTestCore();
});
after(() => t.close());

test('a new chat starts with the app-wide defaults; chats made before keep their own', async () => {
  const old = await t.call('sessions.create', { title: 'before' });
  const oldConfig = (await t.call('chat.get', { sessionId: old.id })).config;
  assert.deepEqual(oldConfig, { systemPrompt: '', sampling: defaultSampling });

  const sampling = { ...defaultSampling, temperature: 0.3, topK: 20, maxTokens: 77, seed: 5 };
  await t.call('settings.set', { key: 'chat.defaultSampling', value: sampling });
  await t.call('settings.set', { key: 'chat.defaultSystemPrompt', value: 'You answer in French.' });
  const fresh = await t.call('sessions.create', {});
  assert.deepEqual((await t.call('chat.get', { sessionId: fresh.id })).config, { systemPrompt: 'You answer in French.', sampling });
  assert.deepEqual((await t.call('chat.get', { sessionId: old.id })).config, oldConfig, 'an existing chat is not changed');

  const bad = await t.fail('settings.set', { key: 'chat.defaultSampling', value: { ...sampling, temperature: 9 } });
  assert.equal(bad.code, 'bad_input');
  assert.match(bad.message, /temperature/);
  assert.deepEqual((await t.call('settings.getAll', {}))['chat.defaultSampling'], sampling, 'nothing changed');
});

test('presets are saved per model, replaced by name, applied by the caller, and deleted', async () => {
  const model = await t.call('models.import', { path: await ensureRealVocabModel('small', 'F32') });
  await t.call('models.setActive', { id: model.id });
  const none = await t.call('chat.presets', {});
  assert.equal(none.modelId, model.id, 'the active model by default');
  assert.deepEqual(none.saved, []);
  assert.equal(none.modelDefault, null, 'the generated model file recommends no sampling');

  const precise = { ...defaultSampling, temperature: 0, maxTokens: 64 };
  await t.call('chat.savePreset', { modelId: model.id, name: 'Precise', sampling: precise });
  let p = await t.call('chat.savePreset', { modelId: model.id, name: 'Loose', sampling: { ...defaultSampling, temperature: 1.4 } });
  assert.deepEqual(
    p.saved.map((x) => x.name),
    ['Loose', 'Precise'],
  );
  p = await t.call('chat.savePreset', { modelId: model.id, name: 'Precise', sampling: { ...precise, maxTokens: 32 } });
  assert.equal(p.saved.length, 2, 'the same name replaces');
  assert.equal(p.saved.find((x) => x.name === 'Precise')!.sampling.maxTokens, 32);
  assert.equal((await t.call('settings.getAll', {}))['chat.samplingPresets'].length, 2, 'kept in settings');

  assert.equal((await t.fail('chat.savePreset', { modelId: model.id, name: '  ', sampling: precise })).code, 'bad_input');
  assert.equal((await t.fail('chat.savePreset', { modelId: model.id, name: 'x', sampling: { ...precise, topP: 2 } })).code, 'bad_input');
  assert.equal((await t.fail('chat.savePreset', { modelId: 'nope', name: 'x', sampling: precise })).code, 'not_found');
  assert.equal((await t.fail('chat.presets', { modelId: 'nope' })).code, 'not_found');

  p = await t.call('chat.deletePreset', { modelId: model.id, name: 'Loose' });
  assert.deepEqual(
    p.saved.map((x) => x.name),
    ['Precise'],
  );
  assert.equal((await t.fail('chat.deletePreset', { modelId: model.id, name: 'Loose' })).code, 'not_found');
});

test("a model file's own sampling (GGUF general.sampling.*) is read; values out of range are left out", () => {
  const path = join(t.dir, 'sampling.gguf');
  writeGguf(path, {
    metadata: {
      'general.architecture': str('gemma3'),
      'general.sampling.temp': f32(0.7),
      'general.sampling.top_k': i32(40),
      'general.sampling.top_p': f32(0.9),
      'general.sampling.min_p': f32(0.05),
      'general.sampling.penalty_repeat': f32(9), // beyond what we allow
      'general.sampling.mirostat': u32(2), // not offered
    },
    tensors: [],
  });
  const r = modelFileSampling(path)!;
  assert.deepEqual(Object.keys(r.sampling).sort(), ['minP', 'temperature', 'topK', 'topP']);
  assert.ok(Math.abs(r.sampling.temperature! - 0.7) < 1e-6);
  assert.equal(r.sampling.topK, 40);
  assert.ok(Math.abs(r.sampling.topP! - 0.9) < 1e-6);
  assert.deepEqual(r.keys.sort(), ['general.sampling.min_p', 'general.sampling.temp', 'general.sampling.top_k', 'general.sampling.top_p']);
  assert.deepEqual(samplingFromMetadata({ 'general.sampling.top_k': 12n }).sampling, { topK: 12 }, 'u64/i64 values too');
  assert.equal(modelFileSampling(join(t.dir, 'missing.gguf')), null);
});
