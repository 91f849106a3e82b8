// The pass for the model's own token probabilities runs after a reply has streamed (issue 11 item 13).
// On a real vocabulary it takes a while (the whole 262,144-token distribution per token), so the core
// says when it starts (chat.scoring, after the last delta, before the final message), and Stop cuts it
// short without losing the reply: the tokens it did not reach keep only the sampler's probability.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureRealVocabModel } from '../../../test-support/models.ts';
import { chatFixture, type TestCore } from './test-core.ts';

let t: TestCore;
let sessionId: string;

before(async () => {
  ({ t, sessionId } = await chatFixture(await ensureRealVocabModel('small', 'F32'), { temperature: 0, maxTokens: 6, seed: 1 }));
});
after(() => t.close());

test('chat.scoring comes after the last delta and before the final message, naming the reply tokens', async () => {
  const from = t.events.length;
  const started = await t.call('chat.send', { sessionId, content: 'Tell me about the sea.' });
  const id = started.assistantMessage.id;
  const reply = await t.finished(id);
  const mine = t.events.slice(from).filter((e) => 'messageId' in e.payload || e.name === 'chat.message');
  const at = (pred: (e: (typeof mine)[number]) => boolean) => mine.findIndex(pred);
  const scoring = at((e) => e.name === 'chat.scoring' && e.payload.messageId === id);
  const lastDelta = mine.findLastIndex((e) => e.name === 'chat.delta' && e.payload.messageId === id);
  const final = at((e) => e.name === 'chat.message' && e.payload.message.id === id && e.payload.message.status !== 'streaming');
  assert.ok(scoring >= 0, 'chat.scoring was published');
  assert.ok(lastDelta >= 0 && lastDelta < scoring, 'every delta came before it');
  assert.ok(scoring < final, 'the final message came after it');
  const ev = mine[scoring];
  assert.equal(ev.name === 'chat.scoring' && ev.payload.tokens, reply.tokens!.length);
  assert.ok(
    reply.tokens!.every((x) => typeof x.modelProb === 'number'),
    'every token has the model probability',
  );
});

test('Stop during the pass keeps the reply; the tokens not reached keep the sampler probability only', async () => {
  // 48 tokens: three batches of the pass, so a stop sent when it starts lands before it ends
  await t.call('chat.setConfig', { sessionId, sampling: { maxTokens: 48 } });
  const started = await t.call('chat.send', { sessionId, content: 'Tell me a long story about the sea.' });
  const id = started.assistantMessage.id;
  const scoring = await t.next('chat.scoring', (p) => p.messageId === id);
  await t.call('chat.stop', { sessionId });
  const reply = await t.finished(id);
  assert.notEqual(reply.status, 'failed');
  assert.equal(reply.tokens!.length, scoring.tokens, 'no token lost');
  assert.equal(reply.tokens!.map((x) => x.text).join(''), reply.content);
  assert.ok(
    reply.tokens!.every((x) => typeof x.prob === 'number'),
    'every token keeps the sampler probability',
  );
  const scored = reply.tokens!.filter((x) => typeof x.modelProb === 'number').length;
  assert.ok(scored < reply.tokens!.length, `the pass was cut short (${scored} of ${reply.tokens!.length} scored)`);
});
