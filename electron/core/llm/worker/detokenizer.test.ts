// The streaming detokenizer against a full decode: per-token texts concatenate to exactly what
// detokenizing all tokens at once gives, also for text whose characters span several byte tokens.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel } from 'node-llama-cpp';
import { ensureRealVocabModel } from '../../../../test-support/models.ts';
import { StreamingDetokenizer } from './detokenizer.ts';

let llama: Llama;
let model: LlamaModel;
before(async () => {
  llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error });
  model = await llama.loadModel({ modelPath: await ensureRealVocabModel('small'), vocabOnly: true });
});
after(async () => {
  await model.dispose();
  await llama.dispose();
});

test('per-token pieces join to the full decode; incomplete characters are held back', () => {
  for (const text of [
    'Hello world, plain ASCII.',
    'Grüße aus Köln — naïve café',
    '日本語のテキスト 🙂👍🏽 emoji',
    ' leading space and\nnewlines\n\n',
  ]) {
    const tokens = model.tokenize(text);
    const d = new StreamingDetokenizer(model);
    const pieces = tokens.map((t) => d.push(t));
    pieces[pieces.length - 1] += d.flush();
    assert.equal(pieces.join(''), model.detokenize(tokens), JSON.stringify(text));
    for (const p of pieces) assert.ok(!p.includes('\uFFFD'), `no broken character in ${JSON.stringify(p)}`);
  }
});

test('a character spread over byte tokens comes out whole, on the token that completes it', () => {
  // Gemma 3's vocabulary has a piece for common emoji; rare scripts fall back to byte tokens <0xXX>.
  const byteTokens = (text: string) => model.tokenize(text).filter((t) => model.getTokenAttributes(t).byte);
  const char = ['𓂀', '𐌰', '𝔊', '🜁'].find((c) => byteTokens(c).length >= 2);
  assert.ok(char, 'one of these characters is spelled in byte tokens by the real vocabulary');
  const tokens = model.tokenize(char);
  assert.equal(byteTokens(char).length, tokens.length, `${char} is all byte tokens (${tokens.length})`);
  const d = new StreamingDetokenizer(model);
  const pieces = tokens.map((t) => d.push(t));
  assert.deepEqual(
    pieces.slice(0, -1).filter((p) => p !== ''),
    [],
    'earlier byte tokens add nothing yet',
  );
  assert.equal(pieces.at(-1), model.detokenize(tokens));
  assert.equal(d.flush(), '');
});
