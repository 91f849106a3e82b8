import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel } from 'node-llama-cpp';
import { REPO_ROOT, ensureRealVocabModel } from '../../../../test-support/models.ts';

function glassbox(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'electron/core/cli/glassbox.ts'), ...args], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
  });
}
const ids = (r: ReturnType<typeof glassbox>) => {
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as number[];
};

const TEXT = 'Hi <start_of_turn>user\n\tcafé 🙂  x';
const dir = mkdtempSync(join(tmpdir(), 'glassbox-tokenize-'));
let model: string;
let llama: Llama;
let lm: LlamaModel;
before(async () => {
  model = await ensureRealVocabModel('small');
  llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error });
  lm = await llama.loadModel({ modelPath: model, vocabOnly: true });
});
after(async () => {
  await lm?.dispose();
  await llama?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('glassbox tokenize prints the ids llama.cpp gives, as a JSON array; --no-bos and --special as in llama.cpp', () => {
  const bos = Number(lm.tokens.bos);
  assert.deepEqual(ids(glassbox(['tokenize', '--model', model, '--text', TEXT])), [bos, ...lm.tokenize(TEXT, false).map(Number)]);
  assert.deepEqual(ids(glassbox(['tokenize', '--model', model, '--text', TEXT, '--special'])), [
    bos,
    ...lm.tokenize(TEXT, true).map(Number),
  ]);
  const noBos = ids(glassbox(['tokenize', '--model', model, '--text', TEXT, '--no-bos', '--special']));
  assert.deepEqual(noBos, lm.tokenize(TEXT, true).map(Number));
  assert.ok(noBos.includes(105), '<start_of_turn> parsed as the control token with --special');
  assert.deepEqual(ids(glassbox(['tokenize', '--model', model, '--text', ''])), [bos]);
});

test('--file is read verbatim (a trailing newline is a token); --pieces shows the tokens', () => {
  const f = join(dir, 'in.txt');
  writeFileSync(f, `${TEXT}\n`);
  assert.deepEqual(ids(glassbox(['tokenize', '--model', model, '--file', f, '--no-bos'])), lm.tokenize(`${TEXT}\n`, false).map(Number));
  const r = glassbox(['tokenize', '--model', model, '--text', 'Hi the\n', '--special', '--pieces']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => l.trim().replace(/\s+/, ' ')),
    ['2 [control] <bos>', '10979 Hi', '506 ▁the', '107 \\n'],
  );
});

test('bad input is a clear error and exit code 1', () => {
  const usage = glassbox(['tokenize', '--model', model]);
  assert.equal(usage.status, 1);
  assert.match(usage.stderr, /usage: tokenize --model M\.gguf \(--text "…" \| --file F\)/);
  assert.match(glassbox(['tokenize', '--model', model, '--text', 'a', '--file', 'b']).stderr, /usage: tokenize/);
  const missing = glassbox(['tokenize', '--model', model, '--file', join(dir, 'nope.txt')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /--file: cannot read .*nope\.txt: ENOENT/);
  const binary = join(dir, 'bin.dat');
  writeFileSync(binary, Buffer.from([0x66, 0xff, 0xfe, 0x00]));
  assert.match(glassbox(['tokenize', '--model', model, '--file', binary]).stderr, /--file: .*bin\.dat is not UTF-8 text/);
  const notGguf = join(dir, 'x.gguf');
  writeFileSync(notGguf, 'not a gguf file at all');
  const bad = glassbox(['tokenize', '--model', notGguf, '--text', 'a']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /glassbox tokenize: /);
});
