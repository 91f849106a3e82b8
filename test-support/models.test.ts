// ensureTestModels is safe when many test processes start at once on an empty cache: every process
// gets complete, identical files, and no temp files are left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openGguf } from '../electron/core/engine/gguf/index.ts';
import { generateGemma3 } from './synth/index.ts';

function run(dir: string): Promise<string> {
  const url = pathToFileURL(join(import.meta.dirname, 'models.ts')).href;
  const code = `import { ensureTestModels } from ${JSON.stringify(url)}; console.log(JSON.stringify(await ensureTestModels()));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      env: { ...process.env, GLASSBOX_MODELS_DIR: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (c) => (c === 0 ? resolve(out) : reject(new Error(`child exited ${c}`))));
  });
}

test('four processes generating the test models at once all get the same complete files', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-models-'));
  try {
    const outputs = await Promise.all([run(dir), run(dir), run(dir), run(dir)]);
    const paths = outputs.map((o) => JSON.parse(o.trim().split('\n').pop()!) as Record<string, string>);
    for (const p of paths) assert.deepEqual(p, paths[0]);
    assert.deepEqual(
      readdirSync(dir).sort(),
      Object.values(paths[0])
        .map((p) => p.split('/').pop())
        .sort(),
      'no temp files left',
    );
    const fresh = join(dir, '..', `${dir.split('/').pop()}-fresh.gguf`);
    generateGemma3(fresh, { preset: 'mini', weightType: 'Q8_0' });
    assert.deepEqual(readFileSync(paths[0].miniQ8), readFileSync(fresh));
    rmSync(fresh);
    for (const p of Object.values(paths[0])) openGguf(p).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ensureRealVocabModel: one cached file per size and type, carrying the real 262,144-token vocabulary', async () => {
  const { ensureRealVocabModel } = await import('./models.ts');
  const { statSync } = await import('node:fs');
  const small = await ensureRealVocabModel('small');
  assert.match(small, /glassbox-rv-small-f32-s1234-g\d+\.gguf$/);
  const mtime = statSync(small).mtimeMs;
  assert.equal(await ensureRealVocabModel('small', 'F32'), small, 'cached: the same path');
  assert.equal(statSync(small).mtimeMs, mtime, 'cached: not rewritten');
  const q8 = await ensureRealVocabModel('small', 'Q8_0');
  assert.notEqual(q8, small);
  for (const p of [small, q8]) {
    const f = openGguf(p);
    try {
      const tokens = f.metadata['tokenizer.ggml.tokens'] as string[];
      assert.equal(tokens.length, 262_144);
      assert.deepEqual([tokens[2], tokens[105], tokens[9259]], ['<bos>', '<start_of_turn>', 'Hello']);
      assert.deepEqual(f.tensor('token_embd.weight')!.dims, [64, 262_144]);
    } finally {
      f.close();
    }
  }
});
