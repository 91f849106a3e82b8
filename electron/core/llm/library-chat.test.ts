// Chat library details a user trips over (issue 11, items 5 and 12): a search of only punctuation or
// operators says so instead of "no messages match"; a re-imported chat gets its own title; the
// Markdown export says it holds only the branch shown; a "New chat" is named after its first message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatStore } from '../store/chat.ts';
import { titleFromMessage } from './chat.ts';
import { startTestCore, type TestCore } from './test-core.ts';

let t: TestCore;
before(async () => {
  t = await startTestCore();
});
after(() => t.close());

test('a search without any word is a clear error; a word still finds its message', async () => {
  const s = await t.call('sessions.create', { title: 'Search' });
  new ChatStore(t.core.db).add({ sessionId: s.id, parentId: null, role: 'user', content: 'rivers and mountains' });
  for (const query of ['"((', '-- ..', '***']) {
    const err = await t.fail('chat.search', { query, limit: 10 });
    assert.equal(err.code, 'bad_input', query);
    assert.match(err.message, /^Search syntax not understood: there are no words/);
  }
  // FTS5 syntax works when it is valid, and says what it did not understand when it is not.
  assert.equal((await t.call('chat.search', { query: '"rivers and"', limit: 10 })).length, 1, 'a phrase');
  assert.equal((await t.call('chat.search', { query: 'lakes OR mountains', limit: 10 })).length, 1, 'OR');
  assert.equal((await t.call('chat.search', { query: 'rivers NOT mountains', limit: 10 })).length, 0, 'NOT');
  const err = await t.fail('chat.search', { query: '"river', limit: 10 });
  assert.equal(err.code, 'bad_input');
  assert.match(err.message, /^Search syntax not understood: unterminated string.*Hint: /);
});

test('importing the same chat twice gives the copy its own title; Markdown says it holds the branch shown', async () => {
  const s = await t.call('sessions.create', { title: 'Branchy' });
  const store = new ChatStore(t.core.db);
  const q = store.add({ sessionId: s.id, parentId: null, role: 'user', content: 'q' });
  store.add({ sessionId: s.id, parentId: q.id, role: 'assistant', content: 'first answer' });
  const second = store.add({ sessionId: s.id, parentId: q.id, role: 'assistant', content: 'second answer' });
  store.setCurrentLeaf(s.id, second.id);
  const md = (await t.call('chat.export', { sessionId: s.id, format: 'markdown' })).content;
  assert.match(md, /the branch shown \(2 of 3 messages\)\. The JSON export holds every branch\./);
  assert.ok(md.includes('second answer') && !md.includes('first answer'));
  const json = (await t.call('chat.export', { sessionId: s.id, format: 'json' })).content;
  const a = await t.call('chat.import', { content: json });
  const b = await t.call('chat.import', { content: json });
  assert.deepEqual([a.title, b.title], ['Branchy (imported)', 'Branchy (imported 2)']);
});

test('chat titles from a first message: first line, whitespace collapsed, cut at a word', () => {
  assert.equal(titleFromMessage('  How do rivers   form?\nAnd where do they go?'), 'How do rivers form?');
  assert.equal(titleFromMessage('\n\n  Hi'), 'Hi');
  const long = titleFromMessage('Explain the difference between sliding window attention and global attention in Gemma 3');
  assert.ok(long.length <= 49 && long.endsWith('…'), long);
  assert.equal(long, 'Explain the difference between sliding window…');
});
