// Chunking by the model's own tokens: every chunk within the limit, split at paragraph, then
// sentence, then word boundaries, nothing lost or reordered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import { ensureRealVocabModel } from '../../../test-support/models.ts';
import { chunkByTokens } from './chunk.ts';
import { sentences } from './fixtures.ts';

const words = (s: string) => s.split(/\s+/).filter(Boolean);

test('chunks hold at most maxTokens of the model tokenizer and keep every word in order', async () => {
  const llama = await getLlama({ gpu: false, maxThreads: 2, build: 'never', logLevel: LlamaLogLevel.error });
  // Gemma 3's real vocabulary: chunk sizes are what a real Gemma 3 file gives.
  const model = await llama.loadModel({ modelPath: await ensureRealVocabModel('small', 'F32'), vocabOnly: true });
  const count = (t: string) => model.tokenize(t).length;
  const paragraphs = Array.from({ length: 40 }, (_, i) => sentences(3 + (i % 7), i + 1));
  const text = paragraphs.join('\n\n');
  const max = 2 * Math.max(...paragraphs.map(count)); // room for whole paragraphs, and for two in some chunks
  const chunks = chunkByTokens(text, max, count);
  assert.ok(paragraphs.every((p) => count(p) <= max));
  assert.ok(count(text) > max * 3, 'the document needs several chunks');
  assert.ok(chunks.length >= Math.ceil(count(text) / max), 'no fewer chunks than the tokens need');
  for (const c of chunks) {
    assert.ok(c.tokens <= max, `chunk ${c.index} has ${c.tokens} tokens`);
    assert.equal(c.tokens, count(c.text));
  }
  assert.deepEqual(words(chunks.map((c) => c.text).join(' ')), words(text), 'every word, in order');
  // Paragraphs that fit are never cut: each chunk starts at the start of one of the paragraphs.
  for (const c of chunks)
    assert.ok(
      paragraphs.some((p) => c.text.startsWith(p.slice(0, 30))),
      `chunk ${c.index} starts at a paragraph`,
    );
  // Packing is greedy: two neighbours together would not fit.
  for (let i = 1; i < chunks.length; i++) assert.ok(count(`${chunks[i - 1].text}\n\n${chunks[i].text}`) > max);
  await model.dispose();
  await llama.dispose();
});

test('a paragraph longer than a chunk is split at sentences, a sentence longer than a chunk at words', () => {
  const count = (t: string) => words(t).length; // a word-counting tokenizer makes the bounds exact
  const long = sentences(20, 3);
  const chunks = chunkByTokens(long, 25, count);
  assert.ok(chunks.length > 1);
  for (const c of chunks) {
    assert.ok(c.tokens <= 25);
    assert.match(c.text, /\.$/, 'sentence boundaries where sentences fit');
  }
  const sentence = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ') + '.';
  const parts = chunkByTokens(sentence, 10, count);
  assert.equal(parts.length, 5);
  assert.deepEqual(words(parts.map((c) => c.text).join(' ')), words(sentence));
  assert.throws(() => chunkByTokens('x', 4, count), /too small/);
});
