// Our SentencePiece tokenizer against llama.cpp's on the generated vocabulary.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { getLlama, type LlamaModel } from 'node-llama-cpp';
import { openGguf } from '../../gguf/index.ts';
import { ensureTestModels } from '../../../../../test-support/models.ts';
import { Tokenizer } from './tokenizer.ts';

const STRINGS = [
  'Hello world',
  '  leading and  double  spaces ',
  'line one\nline two\n\n\ttabbed',
  '<start_of_turn>user\nHi!<end_of_turn>\n<start_of_turn>model\n',
  'mixed <start_of_turn> control in the middle<end_of_turn>',
  'bytes: ümlaut, emoji 🙂🚀, CJK 漢字, Ωmega',
  'numbers 0123456789 and punctuation ?!.,;:()[]{}',
  'the the the theory thermal there',
  '',
];

let lm: LlamaModel;
let tok: Tokenizer;
before(async () => {
  const { miniF32 } = await ensureTestModels();
  const llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: 'error' as never });
  lm = await llama.loadModel({ modelPath: miniF32 });
  const file = openGguf(miniF32);
  tok = new Tokenizer(file.metadata);
  file.close();
});
after(async () => {
  await lm.dispose();
});

test('tokenize equals llama.cpp on test strings (with BOS, control tokens parsed)', () => {
  for (const s of STRINGS) {
    const theirs = [Number(lm.tokens.bos), ...lm.tokenize(s, true).map(Number)];
    assert.deepEqual(tok.encode(s), theirs, JSON.stringify(s));
  }
});

test('control tokens stay text when special parsing is off, as in llama.cpp', () => {
  const s = '<start_of_turn>user';
  assert.deepEqual(tok.encode(s, { addBos: false, special: false }), lm.tokenize(s, false).map(Number));
});

test('detokenize inverts tokenize (byte fallback included) and equals llama.cpp', () => {
  for (const s of STRINGS) {
    const ids = tok.encode(s, { addBos: false });
    assert.equal(tok.decode(ids, { special: true }), s, JSON.stringify(s));
    assert.equal(tok.decode(ids, { special: true }), lm.detokenize(ids as never, true));
  }
});
