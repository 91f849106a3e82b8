// The model library and backend services through the dispatcher: imports checked by our GGUF reader
// (numbers cross-checked with node-llama-cpp's own GGUF parser), bad files refused with reasons while
// the app stays up, the active model loaded in the model worker, and the backend report/override.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { ensureTestModels, type TestModels } from '../../../test-support/models.ts';
import { userPath } from './models.ts';
import { startTestCore, type TestCore } from './test-core.ts';

let t: TestCore;
let models: TestModels;

before(async () => {
  models = await ensureTestModels();
  t = await startTestCore();
});
after(() => t.close());

test('import records architecture, parameters, quantization, context length and size', async () => {
  const m = await t.call('models.import', { path: models.miniQ8 });
  const info = await readGgufFileInfo(models.miniQ8, { readTensorInfo: true });
  const params = info.tensorInfo!.reduce((s, ti) => s + ti.dimensions.reduce((p: number, d) => p * Number(d), 1), 0);
  assert.equal(m.architecture, 'gemma3');
  assert.equal(m.parameterCount, params);
  assert.equal(m.quantization, 'Q8_0');
  assert.equal(m.contextLength, 1024);
  assert.equal(m.sizeBytes, statSync(models.miniQ8).size);
  assert.equal(m.hasChatTemplate, true);
  assert.equal(m.source, 'import');
  assert.equal(m.active, true, 'the first model of an empty library becomes the active one');
  assert.equal(m.alreadyInLibrary, false);
  assert.equal(m.fileExists, true);
  const f32 = await t.call('models.import', { path: models.miniF32 });
  assert.equal(f32.quantization, 'F32');
  assert.equal(f32.parameterCount, params, 'same shapes, same count');
  // Importing the same path again refreshes the entry instead of duplicating it.
  const again = await t.call('models.import', { path: models.miniQ8 });
  assert.equal(again.id, m.id);
  assert.equal(again.alreadyInLibrary, true, 're-importing says so instead of "added"');
  assert.equal(f32.active, false, 'only the first import is made active');
  assert.equal((await t.call('models.list', {})).length, 2);
});

test('a non-GGUF, an empty or a truncated file is refused with a reason; the app stays up', async () => {
  const text = join(t.dir, 'notes.gguf');
  writeFileSync(text, 'hello, I am a text file pretending to be a model\n');
  const empty = join(t.dir, 'empty.gguf');
  writeFileSync(empty, '');
  const cut = join(t.dir, 'cut.gguf');
  const bytes = readFileSync(models.miniQ8);
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const cases: [string, RegExp][] = [
    [text, /not a GGUF file/],
    [empty, /empty/],
    [cut, /cut short/],
    [join(t.dir, 'missing.gguf'), /no such file/],
  ];
  for (const [path, why] of cases) {
    const err = await t.fail('models.import', { path });
    assert.equal(err.code, 'bad_input', path);
    assert.match(err.message, why);
    // one sentence that names the file once, without the reader's error code or a second "cannot import"
    assert.ok(err.message.startsWith(`Could not import ${path}: `), err.message);
    assert.equal(err.message.split('import').length, 2, err.message);
    assert.doesNotMatch(err.message, /BAD_MAGIC|EMPTY_FILE|TRUNCATED|NOT_A_FILE| — /, err.message);
  }
  assert.equal(
    (await t.call('models.list', {})).every((m) => !m.path.startsWith(t.dir)),
    true,
    'nothing was recorded',
  );
  assert.ok((await t.call('workers.ping', { worker: 'model' })).pid > 0);
});

test('setActive loads the model in the worker; the report and status bar show model and backend', async () => {
  const m = (await t.call('models.list', {})).find((x) => x.quantization === 'Q8_0')!;
  const statusEvent = t.next('system.status', (s) => s.model?.name === m.name && s.backend !== null);
  const active = await t.call('models.setActive', { id: m.id });
  assert.equal(active!.active, true);
  const status = await statusEvent;
  assert.equal(status.backend!.name, 'cpu');
  const report = await t.call('backend.report', {});
  assert.equal(report.name, 'cpu');
  assert.equal(report.requested, 'auto');
  assert.equal(report.threads, 2, 'test mode defaults to 2 threads');
  assert.deepEqual(report.devices, []);
  assert.equal(report.vram, null);
  assert.ok(report.ram.totalBytes > 0);
  assert.equal(report.model!.id, m.id);
  assert.equal(report.model!.contextSize, 1024);
  assert.equal(report.model!.gpuLayers, 0);
  assert.equal(report.model!.totalLayers, 7, '6 blocks + output');
  assert.ok(
    report.fallbackReason && /GPU|gpu|Vulkan|CUDA/.test(report.fallbackReason),
    'auto on a machine without a GPU says why it uses the CPU',
  );
  assert.match(report.summary, /^CPU · 2 threads/);
  assert.equal((await t.call('models.list', {})).filter((x) => x.active).length, 1);
});

test('the backend override: an unavailable GPU backend falls back with a reason; threads and context apply', async () => {
  let r = await t.call('backend.setConfig', { gpu: 'cuda' });
  assert.equal(r.config.gpu, 'cuda');
  assert.equal(r.report.requested, 'cuda');
  assert.equal(r.report.name, 'cpu');
  assert.match(r.report.fallbackReason!, /cuda/i);
  r = await t.call('backend.setConfig', { gpu: 'cpu', threads: 1, contextSize: 512 });
  assert.equal(r.report.fallbackReason, null);
  assert.equal(r.report.threads, 1);
  assert.equal(r.report.model!.contextSize, 512, 'the active model was reloaded with the new context');
  assert.deepEqual(await t.call('backend.getConfig', {}), { gpu: 'cpu', threads: 1, gpuLayers: 'auto', contextSize: 512 });
  const bad = await t.fail('backend.setConfig', { gpu: 'tpu' } as never);
  assert.equal(bad.code, 'bad_input');
  r = await t.call('backend.setConfig', { gpu: 'auto', threads: null, contextSize: null });
  assert.equal(r.report.threads, 2);
  assert.equal(r.report.model!.contextSize, 1024);
});

test('removing the active model unloads it; deleteFile refuses files outside the models folder', async () => {
  const active = (await t.call('models.list', {})).find((x) => x.active)!;
  const err = await t.fail('models.remove', { id: active.id, deleteFile: true });
  assert.equal(err.code, 'conflict');
  assert.match(err.message, /outside the models folder/);
  assert.ok(statSync(active.path).size > 0, 'the file is untouched');
  assert.equal((await t.call('models.list', {})).find((x) => x.id === active.id)?.active, true, 'and the model is still there');
  assert.deepEqual(await t.call('models.remove', { id: active.id }), { removed: true });
  assert.equal(
    (await t.call('models.list', {})).some((x) => x.id === active.id),
    false,
  );
  const report = await t.call('backend.report', {});
  assert.equal(report.model, null);
  const status = await t.call('system.status', {});
  assert.equal(status.model, null);
  const s = await t.call('sessions.create', { title: 'No model' });
  const noModel = await t.fail('chat.send', { sessionId: s.id, content: 'hi' });
  assert.equal(noModel.code, 'conflict');
  assert.match(noModel.message, /no chat model is selected/);
  assert.equal((await t.call('chat.get', { sessionId: s.id })).messages.length, 0, 'no orphan user message');
});

test('the default download is Gemma 3 270M instruction-tuned Q8_0', async () => {
  const d = await t.call('models.defaultDownload', {});
  assert.equal(d.uri, 'hf:ggml-org/gemma-3-270m-it-GGUF:Q8_0');
});

test('a typed path: quotes removed, ~ expanded, a relative path refused with a clear error', async () => {
  assert.equal(userPath('  "/models/my model.gguf"  ', '/home/ada'), '/models/my model.gguf');
  assert.equal(userPath("'/models/x.gguf'", '/home/ada'), '/models/x.gguf');
  assert.equal(userPath('~/models/x.gguf', '/home/ada'), '/home/ada/models/x.gguf');
  assert.throws(
    () => userPath('models/x.gguf', '/home/ada'),
    /Could not import "models\/x\.gguf": give the full path of the \.gguf file \(starting with \/ or ~\), not a relative one\.$/,
  );
  const quoted = await t.call('models.import', { path: `"${models.miniQ8}"` });
  assert.equal(quoted.path, models.miniQ8);
  const err = await t.fail('models.import', { path: 'relative/model.gguf' });
  assert.equal(err.code, 'bad_input');
});
