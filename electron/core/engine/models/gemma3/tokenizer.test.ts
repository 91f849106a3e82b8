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

test('a vocabulary our tokenizer cannot use is refused with a clear error', () => {
  const meta = { 'tokenizer.ggml.model': 'llama', 'tokenizer.ggml.tokens': ['<unk>', 'a', 'b'] };
  assert.throws(() => new Tokenizer({ ...meta, 'tokenizer.ggml.model': 'gpt2' }), /unsupported tokenizer 'gpt2'/);
  assert.throws(() => new Tokenizer({ 'tokenizer.ggml.model': 'llama' }), /tokenizer\.ggml\.tokens is missing/);
  assert.throws(() => new Tokenizer({ ...meta, 'tokenizer.ggml.scores': [0, 0] }), /scores has 2 entries for 3 tokens/);
  assert.throws(() => new Tokenizer({ ...meta, 'tokenizer.ggml.token_type': [1] }), /token_type has 1 entries for 3 tokens/);
});

test('decode rejects ids outside the vocabulary and keeps a leading U+FEFF', () => {
  assert.throws(() => tok.decode([tok.vocabSize]), /outside the vocabulary/);
  assert.throws(() => tok.decode([-1]), /outside the vocabulary/);
  const s = '\uFEFFbom first';
  assert.equal(tok.decode(tok.encode(s, { addBos: false })), s);
  assert.equal(lm.detokenize(tok.encode(s, { addBos: false }) as never), s);
});
