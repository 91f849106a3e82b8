import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatDelta, ChatMessage, ChatSessionView, SessionConfig, TokenProb } from '../../../../electron/core/api/chat.ts';
import { chatReducer, initialChatState, threadOf, type ChatState } from './chatState.ts';

const config: SessionConfig = {
  systemPrompt: '',
  sampling: { temperature: 0, topK: 40, topP: 1, minP: 0, repeatPenalty: 1, seed: null, maxTokens: 64 },
};
let clock = 1000;
const msg = (p: Partial<ChatMessage> & Pick<ChatMessage, 'id' | 'role'>): ChatMessage => ({
  sessionId: 's1',
  parentId: null,
  content: '',
  status: 'complete',
  createdAt: ++clock,
  updatedAt: clock,
  tokens: null,
  stats: null,
  error: null,
  ...p,
});
const tok = (text: string, prob = 0.5): TokenProb => ({ id: text.length, text, prob, top: [{ text, prob }] });
const delta = (messageId: string, index: number, texts: string[]): ChatDelta => ({
  sessionId: 's1',
  messageId,
  jobId: 'j',
  index,
  text: texts.join(''),
  tokens: texts.map((t) => tok(t)),
  contextUsed: 10 + index + texts.length,
  contextSize: 512,
});
const view = (messages: ChatMessage[], leaf: string | null, generating: string | null = null): ChatSessionView => ({
  session: { id: 's1', title: 't', createdAt: 0, updatedAt: 0, messageCount: messages.length },
  config,
  messages,
  currentLeafId: leaf,
  path: [],
  generatingMessageId: generating,
});
const run = (s: ChatState, ...actions: Parameters<typeof chatReducer>[1][]) => actions.reduce(chatReducer, s);

test('a reply streams: deltas grow the text in order, the final message replaces it', () => {
  const u = msg({ id: 'u', role: 'user', content: 'hi' });
  const a = msg({ id: 'a', role: 'assistant', parentId: 'u', status: 'streaming' });
  let s = run(
    initialChatState('s1'),
    { type: 'loaded', view: view([], null) },
    { type: 'started', started: { jobId: 'j', userMessage: u, assistantMessage: a } },
  );
  assert.equal(s.generatingId, 'a');
  s = run(s, { type: 'delta', delta: delta('a', 0, ['Hel', 'lo']) });
  assert.equal(threadOf(s).at(-1)!.content, 'Hello');
  s = run(s, { type: 'delta', delta: delta('a', 2, [' there']) });
  assert.equal(threadOf(s).at(-1)!.content, 'Hello there');
  assert.deepEqual(s.liveContext, { used: 13, size: 512 });
  const final = {
    ...a,
    status: 'complete' as const,
    content: 'Hello there',
    tokens: [tok('Hel'), tok('lo'), tok(' there')],
    updatedAt: a.updatedAt + 5,
  };
  s = run(s, { type: 'message', message: final });
  assert.equal(s.generatingId, null);
  assert.deepEqual(s.live, {});
  assert.deepEqual(
    threadOf(s).map((m) => m.content),
    ['hi', 'Hello there'],
  );
});

test('deltas that arrive before the send returns, or twice, are not lost or doubled', () => {
  const u = msg({ id: 'u', role: 'user', content: 'hi' });
  const a = msg({ id: 'a', role: 'assistant', parentId: 'u', status: 'streaming' });
  let s = run(initialChatState('s1'), { type: 'loaded', view: view([], null) }, { type: 'delta', delta: delta('a', 0, ['A']) });
  s = run(
    s,
    { type: 'delta', delta: delta('a', 0, ['A']) },
    { type: 'started', started: { jobId: 'j', userMessage: u, assistantMessage: a } },
  );
  s = run(s, { type: 'delta', delta: delta('a', 1, ['B']) }, { type: 'delta', delta: delta('a', 1, ['B']) });
  assert.equal(threadOf(s).at(-1)!.content, 'AB');
  assert.equal(s.needsReload, false);
  // A gap asks for a reload instead of showing wrong text.
  s = run(s, { type: 'delta', delta: delta('a', 5, ['Z']) });
  assert.equal(s.needsReload, true);
  assert.equal(threadOf(s).at(-1)!.content, 'AB');
});

test('a final message that overtakes the send result is not undone by the stale placeholder', () => {
  const u = msg({ id: 'u', role: 'user', content: 'hi' });
  const a = msg({ id: 'a', role: 'assistant', parentId: 'u', status: 'streaming' });
  const final = { ...a, status: 'stopped' as const, content: 'par', updatedAt: a.updatedAt + 9 };
  const s = run(
    initialChatState('s1'),
    { type: 'loaded', view: view([], null) },
    { type: 'message', message: final },
    { type: 'started', started: { jobId: 'j', userMessage: u, assistantMessage: a } },
  );
  assert.equal(s.generatingId, null);
  assert.equal(threadOf(s).at(-1)!.status, 'stopped');
  assert.equal(s.currentLeafId, 'a');
});

test('events of another session are ignored; branch changes follow sessionChanged', () => {
  const u1 = msg({ id: 'u1', role: 'user', content: 'one' });
  const a1 = msg({ id: 'a1', role: 'assistant', parentId: 'u1', content: 'A' });
  const a1b = msg({ id: 'a1b', role: 'assistant', parentId: 'u1', content: 'B' });
  let s = run(initialChatState('s1'), { type: 'loaded', view: view([u1, a1, a1b], 'a1b') });
  s = run(
    s,
    { type: 'message', message: { ...a1, sessionId: 'other', id: 'x' } },
    { type: 'delta', delta: { ...delta('x', 0, ['q']), sessionId: 'other' } },
  );
  assert.equal(s.messages.length, 3);
  assert.deepEqual(
    threadOf(s).map((m) => m.content),
    ['one', 'B'],
  );
  s = run(s, { type: 'sessionChanged', currentLeafId: 'a1', config });
  assert.deepEqual(
    threadOf(s).map((m) => m.content),
    ['one', 'A'],
  );
});

test('deleted messages leave the state (and a repeat changes nothing); a deleted leaf waits for the core to name the next', () => {
  const u = msg({ id: 'u', role: 'user' });
  const a = msg({ id: 'a', role: 'assistant', parentId: 'u' });
  const u2 = msg({ id: 'u2', role: 'user', parentId: 'a' });
  let s = chatReducer(initialChatState('s1'), { type: 'loaded', view: view([u, a, u2], 'u2') });
  s = chatReducer(s, { type: 'deleted', ids: ['u2'] });
  assert.deepEqual(
    s.messages.map((m) => m.id),
    ['u', 'a'],
  );
  assert.equal(s.currentLeafId, null);
  assert.equal(chatReducer(s, { type: 'deleted', ids: ['u2'] }), s, 'a repeat returns the same state');
  s = chatReducer(s, { type: 'sessionChanged', currentLeafId: 'a', config });
  assert.deepEqual(
    threadOf(s).map((m) => m.id),
    ['u', 'a'],
  );
});

test('a continued reply streams on from its stored tokens: deltas at the next index extend it', () => {
  const u = msg({ id: 'u', role: 'user' });
  const a = msg({ id: 'a', role: 'assistant', parentId: 'u', status: 'stopped', content: 'Hel', tokens: [tok('Hel')] });
  let s = chatReducer(initialChatState('s1'), { type: 'loaded', view: view([u, a], 'a') });
  const again = { ...a, status: 'streaming' as const, updatedAt: a.updatedAt + 1 };
  s = chatReducer(s, { type: 'started', started: { jobId: 'j', userMessage: null, assistantMessage: again } });
  assert.equal(s.generatingId, 'a');
  s = chatReducer(s, { type: 'delta', delta: delta('a', 1, ['lo', '!']) });
  assert.equal(threadOf(s).at(-1)!.content, 'Hello!');
  assert.equal(s.needsReload, false);
});

test("a frame's deltas applied at once equal them one by one, without touching the previous state's arrays", () => {
  const u = msg({ id: 'u', role: 'user' });
  const a = msg({ id: 'a', role: 'assistant', parentId: 'u', status: 'streaming' });
  const base = chatReducer(initialChatState('s1'), { type: 'loaded', view: view([u, a], 'a', 'a') });
  const first = chatReducer(base, { type: 'delta', delta: delta('a', 0, ['A', 'B']) });
  const frozen = first.live.a.slice();
  const ds = [delta('a', 2, ['C']), delta('a', 1, ['B', 'C', 'D']) /* overlaps: a repeat plus one new */, delta('a', 4, ['E'])];
  const batched = chatReducer(first, { type: 'deltas', deltas: ds });
  const oneByOne = ds.reduce((s, d) => chatReducer(s, { type: 'delta', delta: d }), first);
  assert.equal(threadOf(batched).at(-1)!.content, 'ABCDE');
  assert.deepEqual(batched.live, oneByOne.live);
  assert.deepEqual(batched.liveContext, oneByOne.liveContext);
  assert.deepEqual(first.live.a, frozen, 'the earlier state is unchanged');
  const gap = chatReducer(batched, { type: 'deltas', deltas: [delta('a', 9, ['Z'])] });
  assert.equal(gap.needsReload, true);
  assert.equal(threadOf(gap).at(-1)!.content, 'ABCDE');
});
