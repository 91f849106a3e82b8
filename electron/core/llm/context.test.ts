// Prompts against a tiny context: a thread too long is shortened from the start (whole turns), a
// single message too long is a clear error, and a reply stops when the context is full.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureRealVocabModel } from '../../../test-support/models.ts';
import { ChatStore } from '../store/chat.ts';
import { chatFixture, sendAndWait, type TestCore } from './test-core.ts';

let t: TestCore;
let sessionId: string;
let contextSize: number;

before(async () => {
  ({ t, sessionId } = await chatFixture(await ensureRealVocabModel('small'), { maxTokens: 8 }));
  const { report } = await t.call('backend.setConfig', { contextSize: 256 });
  contextSize = report.model!.contextSize;
  assert.ok(contextSize >= 256 && contextSize < 1024);
});
after(() => t.close());

const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 50}`).join(' ');

test('a single message longer than the context fails with a clear error; chat goes on', async () => {
  const usage = await t.call('chat.contextUsage', { sessionId, draft: words(600) });
  assert.ok(usage.usedTokens > usage.contextSize, 'the meter shows the overflow before sending');
  const started = await t.call('chat.send', { sessionId, content: words(600) });
  const failedJob = t.next('jobs.update', (j) => j.jobId === started.jobId && j.state !== 'running');
  const m = await t.finished(started.assistantMessage.id);
  assert.equal(m.status, 'failed');
  assert.match(m.error!, /too long for the context: the prompt takes \d+ tokens and the context holds \d+/);
  const job = await failedJob;
  assert.equal(job.state, 'failed');
  assert.equal(job.error!.code, 'bad_input');
  const ok = await sendAndWait(t, sessionId, 'short one');
  assert.equal(ok.reply.status, 'complete');
});

test('a long thread is shortened from its oldest turns to fit, and the reply says how many were left out', async () => {
  const s = await t.call('sessions.create', { title: 'Long' });
  await t.call('chat.setConfig', { sessionId: s.id, sampling: { maxTokens: 8, seed: 3 } });
  const store = new ChatStore(t.core.db);
  let parent: string | null = null;
  for (let i = 0; i < 8; i++) {
    parent = store.add({ sessionId: s.id, parentId: parent, role: i % 2 ? 'assistant' : 'user', content: `${i}: ${words(40)}` }).id;
  }
  store.setCurrentLeaf(s.id, parent);
  const meter = await t.call('chat.contextUsage', { sessionId: s.id, draft: 'and now?' });
  assert.ok(meter.fullTokens! > contextSize, `thread of ${meter.fullTokens} tokens exceeds ${contextSize}`);
  assert.ok(meter.usedTokens <= contextSize - meter.reserveTokens!, 'the meter counts what will be sent, not the whole thread');
  assert.equal(meter.policy, 'keepSystem');
  const { reply } = await sendAndWait(t, s.id, 'and now?');
  assert.equal(reply.status, 'complete');
  const st = reply.stats!;
  assert.equal(st.promptTokens, meter.usedTokens, 'the meter predicted the prompt exactly');
  assert.equal(st.droppedTurns, meter.droppedTurns, 'and which turns would be left out');
  assert.ok(st.droppedTurns! >= 2 && st.droppedTurns! % 2 === 0, `whole user/assistant pairs dropped (${st.droppedTurns})`);
  assert.ok(st.promptTokens + Math.min(8, 128) <= contextSize, 'room is left for the answer');
  assert.ok(st.contextUsed <= contextSize);
});

test('a reply that fills the context stops with contextFull without overflowing', async () => {
  const s = await t.call('sessions.create', { title: 'Fill' });
  // A random-weight model may end its turn early by chance; the first seed that does not shows the stop.
  for (let seed = 11; seed < 21; seed++) {
    await t.call('chat.setConfig', { sessionId: s.id, sampling: { maxTokens: 5000, temperature: 1, topK: 0, topP: 1, seed } });
    // The message itself fills all but ~24 tokens of the context (measured with the app's own meter):
    // each generated token costs a whole-vocabulary probability pass.
    let n = 10;
    const draft = () => `go ${seed}: ${words(n)}`;
    while ((await t.call('chat.contextUsage', { sessionId: s.id, draft: draft() })).usedTokens < contextSize - 24) n += 2;
    const { reply } = await sendAndWait(t, s.id, draft());
    assert.ok(reply.stats!.promptTokens < contextSize, 'the message fits, with room to answer');
    const st = reply.stats!;
    assert.ok(st.contextUsed <= contextSize);
    assert.ok(['contextFull', 'eos'].includes(st.stopReason), st.stopReason);
    if (st.stopReason === 'contextFull') {
      assert.equal(st.contextUsed, contextSize);
      assert.equal(st.generatedTokens, contextSize - st.promptTokens);
      return;
    }
  }
  assert.fail('no reply reached the end of the context in 10 seeds');
});

test('context policies: keepSystem keeps the system prompt, dropOldest lets it go with the oldest turns, refuse sends nothing', async () => {
  const s = await t.call('sessions.create', { title: 'Policies' });
  await t.call('chat.setConfig', { sessionId: s.id, systemPrompt: `Rules: ${words(30)}`, sampling: { maxTokens: 8, seed: 3 } });
  const store = new ChatStore(t.core.db);
  let parent: string | null = null;
  for (let i = 0; i < 8; i++)
    parent = store.add({ sessionId: s.id, parentId: parent, role: i % 2 ? 'assistant' : 'user', content: `${i}: ${words(40)}` }).id;
  store.setCurrentLeaf(s.id, parent);

  const keep = await t.call('chat.contextUsage', { sessionId: s.id, draft: 'next?' });
  assert.equal(keep.systemPromptDropped, false);
  assert.ok(keep.droppedTurns! > 0);

  await t.call('settings.set', { key: 'chat.contextPolicy', value: 'dropOldest' });
  const drop = await t.call('chat.contextUsage', { sessionId: s.id, draft: 'next?' });
  assert.equal(drop.policy, 'dropOldest');
  assert.equal(drop.systemPromptDropped, true);
  assert.ok(
    drop.usedTokens < keep.usedTokens || drop.droppedTurns! < keep.droppedTurns!,
    'without the system prompt more of the thread fits',
  );
  const { reply } = await sendAndWait(t, s.id, 'next?');
  assert.equal(reply.stats!.systemPromptDropped, true);
  assert.equal(reply.stats!.promptTokens, drop.usedTokens);

  await t.call('settings.set', { key: 'chat.contextPolicy', value: 'refuse' });
  const refuse = await t.call('chat.contextUsage', { sessionId: s.id, draft: 'again?' });
  assert.equal(refuse.refused, true);
  assert.ok(refuse.usedTokens > contextSize, 'refused: the meter shows the whole thread, over the limit');
  const before = (await t.call('chat.get', { sessionId: s.id })).messages.length;
  const err = await t.fail('chat.send', { sessionId: s.id, content: 'again?' });
  assert.equal(err.code, 'bad_input');
  assert.match(err.message, /no longer fits the model's context window: .* Nothing was sent \(context policy: refuse\)/);
  assert.equal((await t.call('chat.get', { sessionId: s.id })).messages.length, before, 'nothing was written');
  const bad = await t.fail('settings.set', { key: 'chat.contextPolicy', value: 'sometimes' });
  assert.equal(bad.code, 'bad_input');
  await t.call('settings.set', { key: 'chat.contextPolicy', value: 'keepSystem' });
});
