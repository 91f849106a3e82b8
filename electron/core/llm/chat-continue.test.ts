// Continue and delete (issue 11 item 5) through the core's dispatcher on a real llama.cpp worker and
// the real-vocabulary small model: a reply cut at the reply limit is continued into the same message
// (deltas go on at the next index, the stored tokens are the old ones then the new ones, every token
// has the model's own probability from one pass over the whole reply); deleting a message removes
// everything below it, from the search index too, and moves the shown branch.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureRealVocabModel } from '../../../test-support/models.ts';
import type { ChatDelta, ChatMessage } from '../api/chat.ts';
import { chatFixture, sendAndWait, type TestCore } from './test-core.ts';

let t: TestCore;
let sessionId: string;

before(async () => {
  ({ t, sessionId } = await chatFixture(await ensureRealVocabModel('small', 'F32'), { temperature: 0, maxTokens: 6, seed: 1 }));
});
after(() => t.close());

/** The next final chat.message of `id` published after events[from]. */
async function finishedAfter(from: number, id: string): Promise<ChatMessage> {
  const done = (m: ChatMessage) => m.id === id && m.status !== 'streaming';
  const seen = t.events.slice(from).find((e) => e.name === 'chat.message' && done(e.payload.message));
  if (seen && seen.name === 'chat.message') return seen.payload.message;
  return (await t.next('chat.message', (p) => done(p.message))).message;
}

test('a reply cut at the reply limit continues into the same message, its tokens and stats consistent', async () => {
  const { reply: first } = await sendAndWait(t, sessionId, 'Tell me a long story about the sea.');
  assert.equal(first.status, 'complete');
  assert.equal(first.stats!.stopReason, 'maxTokens', 'the random model keeps going past 6 tokens');
  assert.equal(first.tokens!.length, 6);

  await t.call('chat.setConfig', { sessionId, sampling: { maxTokens: 8 } });
  const from = t.events.length;
  const started = await t.call('chat.continue', { sessionId, messageId: first.id });
  assert.equal(started.userMessage, null);
  assert.equal(started.assistantMessage.id, first.id, 'the same message, not a new one');
  assert.equal(started.assistantMessage.status, 'streaming');
  const reply = await finishedAfter(from, first.id);
  const deltas = t.events
    .slice(from)
    .flatMap((e) => (e.name === 'chat.delta' && e.payload.messageId === first.id ? [e.payload as ChatDelta] : []));

  assert.ok(reply.tokens!.length > 6, 'tokens were added');
  assert.ok(reply.tokens!.length <= 6 + 8);
  assert.deepEqual(
    reply.tokens!.slice(0, 6).map((x) => x.id),
    first.tokens!.map((x) => x.id),
    'the earlier tokens are kept, in order',
  );
  assert.ok(reply.content.startsWith(first.content), 'the text is appended to');
  assert.equal(reply.tokens!.map((x) => x.text).join(''), reply.content, 'token texts concatenate to the message');
  assert.equal(deltas[0].index, 6, 'the stream goes on at the next token index');
  assert.deepEqual(
    deltas.flatMap((d) => d.tokens).map((x) => x.id),
    reply.tokens!.slice(6).map((x) => x.id),
  );
  assert.equal(first.content + deltas.map((d) => d.text).join(''), reply.content);
  // One exact pass over the whole reply: every token has the model's own probability; at temperature 0
  // each picked token is (up to float noise between batch shapes) the model's most likely one.
  for (const tok of reply.tokens!) {
    assert.ok(tok.modelProb! > 0 && tok.modelProb! <= 1);
    assert.ok(tok.modelProb! >= tok.modelTop![0].prob - 1e-3, `token ${tok.id}: ${tok.modelProb} vs top ${tok.modelTop![0].prob}`);
  }
  const s = reply.stats!;
  assert.equal(s.generatedTokens, reply.tokens!.length, 'the count is the whole reply');
  assert.equal(s.continued, 1);
  assert.equal(s.reproducible, false, 'a reply in two parts is not what one generation gives');
  assert.ok(s.durationMs > first.stats!.durationMs, 'durations add up');
  assert.equal(s.sampling.maxTokens, 8);
  // Stored as shown.
  const stored = (await t.call('chat.get', { sessionId })).messages.find((m) => m.id === first.id)!;
  assert.deepEqual(stored.tokens, reply.tokens);
  assert.equal(stored.content, reply.content);
});

test('a reply that ended on its own, or a user message, is not continued (clear error, nothing changed)', async () => {
  const view = await t.call('chat.get', { sessionId });
  const user = view.messages.find((m) => m.role === 'user')!;
  const e1 = await t.fail('chat.continue', { sessionId, messageId: user.id });
  assert.equal(e1.code, 'bad_input');
  assert.match(e1.message, /only an assistant reply/);
  const e2 = await t.fail('chat.continue', { sessionId, messageId: 'no-such-message' });
  assert.equal(e2.code, 'not_found');
  assert.deepEqual((await t.call('chat.get', { sessionId })).messages, view.messages);
});

test('deleting a message removes it and everything below it, from search too, and shows the branch left', async () => {
  const s = await t.call('sessions.create', { title: 'Delete me' });
  await t.call('chat.setConfig', { sessionId: s.id, sampling: { temperature: 0, maxTokens: 3, seed: 1 } });
  const { reply: a1 } = await sendAndWait(t, s.id, 'zebrafirst question');
  const { started: s2, reply: a2 } = await sendAndWait(t, s.id, 'quokkasecond question');
  // A second branch under a1: an edit of the second question.
  const s3 = await t.call('chat.edit', { sessionId: s.id, messageId: s2.userMessage!.id, content: 'wombatbranch question' });
  await t.finished(s3.assistantMessage.id);
  assert.equal((await t.call('chat.search', { query: 'quokkasecond' })).length, 1);

  // Deleting the edited branch's user message takes its reply; the other branch is shown.
  const gone = t.next('chat.messagesDeleted', (p) => p.sessionId === s.id);
  const r = await t.call('chat.deleteMessage', { sessionId: s.id, messageId: s3.userMessage!.id });
  assert.deepEqual(new Set(r.deletedIds), new Set([s3.userMessage!.id, s3.assistantMessage.id]));
  assert.deepEqual((await gone).ids.sort(), r.deletedIds.slice().sort());
  assert.equal(r.view.currentLeafId, a2.id, 'the branch left under the parent is shown');
  assert.equal(r.view.messages.length, 4);
  assert.equal((await t.call('chat.search', { query: 'wombatbranch' })).length, 0, 'the index follows the delete');

  // Deleting the first question takes the whole thread below it.
  const r2 = await t.call('chat.deleteMessage', { sessionId: s.id, messageId: a1.parentId! });
  assert.equal(r2.deletedIds.length, 4);
  assert.equal(r2.view.messages.length, 0);
  assert.equal(r2.view.currentLeafId, null);
  assert.equal((await t.call('chat.search', { query: 'quokkasecond' })).length, 0);
  assert.equal((await t.call('chat.search', { query: 'zebrafirst' })).length, 0);
  assert.equal((await t.call('sessions.list', {})).find((x) => x.id === s.id)!.messageCount, 0);
  const e = await t.fail('chat.deleteMessage', { sessionId: s.id, messageId: a1.id });
  assert.equal(e.code, 'not_found');
});
