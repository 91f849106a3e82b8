// A file that passes our import gate must never abort llama.cpp. Header mutations of a real
// (generated) Gemma 3 model are run through the gate; every survivor is then loaded by llama.cpp in a
// child process, with a context and one decoded token. llama.cpp may refuse a file (a thrown error is
// fine); it must not abort, crash or hang, because in the app that would take the model worker down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestModels } from '../../../test-support/models.ts';
import { mutate, rng } from '../engine/gguf/fuzz-mutate.ts';
import { openGgufBuffer } from '../engine/gguf/reader.ts';
import { inspectModelFile, ModelFileError } from './library.ts';

const MUTATIONS = 1500;
const MAX_LOADS = 40;

// Loads each file named on the command line; prints one line per file before and after.
const CHILD = `
const { getLlama } = await import(process.env.NODE_LLAMA_CPP_URL);
const llama = await getLlama({ gpu: false, maxThreads: 1, logLevel: 'disabled', build: 'never' });
for (const path of process.argv.slice(2)) {
  console.log('load ' + path);
  try {
    const model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
    try {
      const ctx = await model.createContext({ contextSize: 64, threads: 1 });
      const seq = ctx.getSequence();
      await seq.evaluateWithoutGeneratingNewTokens(model.tokenize('a'));
      await ctx.dispose();
      console.log('ok');
    } finally {
      await model.dispose();
    }
  } catch (e) {
    console.log('refused ' + String(e?.message ?? e).split('\\n')[0]);
  }
}
`;

test('header mutations that pass the import gate never abort llama.cpp', { timeout: 300_000 }, async () => {
  const { nano } = await ensureTestModels();
  const base = new Uint8Array(readFileSync(nano));
  const headerEnd = openGgufBuffer(base).dataOffset;
  const r = rng(20261130);
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-llama-fuzz-'));
  try {
    const seen = new Set<string>();
    const survivors: string[] = [];
    let refused = 0;
    for (let i = 0; i < MUTATIONS && survivors.length < MAX_LOADS; i++) {
      const bytes = mutate(base, headerEnd, r);
      const hash = createHash('sha256').update(bytes).digest('hex');
      if (seen.has(hash)) continue;
      seen.add(hash);
      const path = join(dir, `m${i}.gguf`);
      writeFileSync(path, bytes);
      try {
        inspectModelFile(path);
        survivors.push(path);
      } catch (e) {
        assert.ok(e instanceof ModelFileError, `the gate throws only ModelFileError, got ${String(e)}`);
        refused++;
        rmSync(path);
      }
    }
    assert.ok(survivors.length >= 10, `enough mutated files pass the gate to test llama.cpp (${survivors.length}, ${refused} refused)`);
    // A file of its own: node-llama-cpp test-runs its binary in a child that inherits execArgv.
    const script = join(dir, 'load-each.mjs');
    writeFileSync(script, CHILD);
    const child = spawnSync(process.execPath, [script, ...survivors], {
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, NODE_LLAMA_CPP_URL: import.meta.resolve('node-llama-cpp') },
    });
    const lines = child.stdout.trim().split('\n');
    const last = [...lines].reverse().find((l) => l.startsWith('load '));
    assert.equal(
      child.status,
      0,
      `llama.cpp died (status ${child.status}, signal ${child.signal}) on ${last?.slice(5)}:\n${child.stderr.slice(-2000)}`,
    );
    assert.equal(lines.filter((l) => l.startsWith('load ')).length, survivors.length, 'every survivor was loaded');
    console.log(
      `llama fuzz: ${seen.size} distinct mutations, ${refused} refused by our gate, ${survivors.length} loaded by llama.cpp: ` +
        `${lines.filter((l) => l === 'ok').length} ok, ${lines.filter((l) => l.startsWith('refused')).length} refused by llama.cpp`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
