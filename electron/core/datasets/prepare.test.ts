// Preparing rows for training with a real model tokenizer: the loss starts after the chat
// template's "<start_of_turn>model\n", over-long rows are truncated or refused as chosen, empty
// answers refused, statistics name the rows over the maximum, another tokenizer is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestModels, ensureModel } from '../../../test-support/models.ts';
import { loadGemma3, type Gemma3 } from '../engine/models/gemma3/index.ts';
import { prepareExamples, PrepareError, splitRows, tokenStats, type Tokenize } from './prepare.ts';
import { checkSameTokenizer, tokenizerFingerprint } from './tokenizer.ts';

let g: Gemma3;
let tokenize: Tokenize;
let nanoPath: string;
before(async () => {
  nanoPath = (await ensureTestModels()).nano;
  g = await loadGemma3(nanoPath, { threads: 1 });
  tokenize = (text, o) => g.tokenize(text, { addBos: o.addBos });
});
after(() => g.dispose());

const row = (id: string, q: string, a: string) => ({
  id,
  messages: [
    { role: 'user' as const, content: q },
    { role: 'assistant' as const, content: a },
  ],
});

test('examples: prompt through the template, loss on the answer and <end_of_turn> only', () => {
  const [ex] = prepareExamples([row('r1', 'what is the water', 'the water is blue')], tokenize, 256, 'truncate');
  const prompt = g.tokenize('<start_of_turn>user\nwhat is the water<end_of_turn>\n<start_of_turn>model\n');
  assert.deepEqual(ex.tokens.slice(0, ex.promptLength), prompt);
  assert.equal(ex.tokens[0], 2, 'BOS first');
  const answer = ex.tokens.slice(ex.promptLength);
  assert.ok(answer.includes(106), 'the answer ends with <end_of_turn>, so the model learns to stop');
  assert.equal(ex.truncated, false);
});

test('over-long rows: truncated at the maximum, or refused by name', () => {
  const long = row('long', 'what', 'the water '.repeat(40));
  const short = row('short', 'what', 'yes');
  const stats = tokenStats([long, short], tokenize, 32);
  assert.equal(stats.overCount, 1);
  assert.deepEqual(
    stats.lengths.filter((l) => l.over).map((l) => l.rowId),
    ['long'],
  );
  assert.equal(
    stats.histogram.reduce((a, b) => a + b.count, 0),
    2,
  );
  const ex = prepareExamples([long, short], tokenize, 32, 'truncate');
  assert.equal(ex[0].tokens.length, 32);
  assert.equal(ex[0].truncated, true);
  assert.throws(
    () => prepareExamples([long, short], tokenize, 32, 'refuse'),
    (e: unknown) => e instanceof PrepareError && e.rowIds.join() === 'long' && /longer than 32 tokens/.test(e.message),
  );
  assert.throws(() => prepareExamples([row('p', 'the water '.repeat(40), 'x')], tokenize, 32, 'truncate'), /no answer token would be left/);
});

test('an empty answer is refused', () => {
  assert.throws(
    () => prepareExamples([row('e', 'q', ' ')], tokenize, 64, 'truncate'),
    (e: unknown) => e instanceof PrepareError && e.rowIds[0] === 'e',
  );
});

test('a dataset prepared for another tokenizer is refused', () => {
  const other = ensureModel({ preset: 'nano', weightType: 'F32', seed: 1234, config: { vocab: 640 } });
  const a = { model: 'nano', fingerprint: tokenizerFingerprint(nanoPath) };
  const b = { model: 'nano-640', fingerprint: tokenizerFingerprint(other) };
  assert.notEqual(a.fingerprint, b.fingerprint);
  assert.equal(tokenizerFingerprint(nanoPath), a.fingerprint, 'stable');
  checkSameTokenizer('d', a, a);
  checkSameTokenizer('d', null, a);
  assert.throws(() => checkSameTokenizer('d', b, a), /prepared for another tokenizer \(nano-640\)/);
});

test('split: deterministic, the requested share, at least one validation row', () => {
  const rows = Array.from({ length: 20 }, (_, i) => i);
  const a = splitRows(rows, 0.2, 7),
    b = splitRows(rows, 0.2, 7);
  assert.deepEqual(a, b);
  assert.equal(a.validation.length, 4);
  assert.equal(a.train.length + a.validation.length, 20);
  assert.equal(splitRows([1, 2, 3], 0.01, 1).validation.length, 1);
});
