// Chat through the core's dispatcher on a real llama.cpp model worker (a small random-weight Gemma 3
// with the real vocabulary):
// streaming with token probabilities, stop, regenerate, edit → branch, switching, system prompt and
// sampling, the context meter, bad prompts, and recovery from a worker crash.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureRealVocabModel } from '../../../test-support/models.ts';
import { PRESETS } from '../../../test-support/synth/index.ts';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import type { ChatDelta, TokenProb } from '../api/chat.ts';
import { chatFixture, sendAndWait, type TestCore } from './test-core.ts';

let t: TestCore;
let sessionId: string;
let modelName: string;
let modelPath: string;
// Replies are kept short: after each one the model's own probabilities are computed over the whole
// 262,144-token vocabulary for every token, which is most of a reply's cost on this small model.
const MAX = 12;

before(async () => {
  modelPath = await ensureRealVocabModel('small');
  const r = await chatFixture(modelPath, { maxTokens: MAX });
  ({ t, sessionId } = r);
  modelName = r.model.name;
});
after(() => t.close());

function checkTokens(tokens: TokenProb[], content: string) {
  assert.equal(tokens.map((x) => x.text).join(''), content, 'token texts concatenate to the message');
  for (const tok of tokens) {
    assert.ok(Number.isInteger(tok.id) && tok.id >= 0);
    assert.ok(tok.prob > 0 && tok.prob <= 1, `prob ${tok.prob} in (0, 1]`);
    assert.ok(tok.top.length >= 1 && tok.top.length <= 5);
    for (let i = 1; i < tok.top.length; i++) assert.ok(tok.top[i - 1].prob >= tok.top[i].prob, 'alternatives sorted, most likely first');
    // The picked token was sampled from the same distribution: it cannot beat the most likely one.
    assert.ok(tok.prob <= tok.top[0].prob + 1e-6);
    // The model's own distribution (whole vocabulary, temperature 1), from the pass after the reply.
    assert.ok(tok.modelProb! > 0 && tok.modelProb! <= 1, `model prob ${tok.modelProb} in (0, 1]`);
    assert.equal(tok.modelTop!.length, 5);
    for (let i = 1; i < 5; i++) assert.ok(tok.modelTop![i - 1].prob >= tok.modelTop![i].prob);
    assert.ok(tok.modelProb! <= tok.modelTop![0].prob + 1e-6);
  }
}

test('a reply streams as deltas with probabilities, and is committed with stats', async () => {
  const deltas: ChatDelta[] = [];
  const off = t.core.events.subscribe((e) => e.name === 'chat.delta' && deltas.push(e.payload));
  const { started, reply } = await sendAndWait(t, sessionId, 'Hello, who are you?');
  off();
  assert.equal(started.userMessage!.content, 'Hello, who are you?');
  assert.equal(started.assistantMessage.status, 'streaming');
  assert.equal(reply.status, 'complete');
  assert.equal(reply.parentId, started.userMessage!.id);
  const mine = deltas.filter((d) => d.messageId === reply.id);
  assert.ok(mine.length >= 1);
  assert.equal(mine.map((d) => d.text).join(''), reply.content, 'the streamed text is the stored text');
  assert.deepEqual(
    mine.flatMap((d) => d.tokens).map((x) => x.id),
    reply.tokens!.map((x) => x.id),
  );
  assert.equal(mine[0].index, 0);
  checkTokens(reply.tokens!, reply.content);
  const s = reply.stats!;
  assert.equal(s.model, modelName);
  assert.ok(s.generatedTokens === reply.tokens!.length && s.generatedTokens <= MAX);
  assert.equal(s.stopReason === 'maxTokens', s.generatedTokens === MAX, `stop reason ${s.stopReason} after ${s.generatedTokens} tokens`);
  assert.ok(s.promptTokens > 5, 'the prompt holds the chat template around the message');
  assert.ok(s.contextUsed === s.promptTokens + s.generatedTokens);
  assert.ok(s.timeToFirstTokenMs! > 0 && s.tokensPerSecond! > 0);
  assert.equal(s.sampling.seed, 7);

  const view = await t.call('chat.get', { sessionId });
  assert.deepEqual(view.path, [started.userMessage!.id, reply.id]);
  assert.equal(view.currentLeafId, reply.id);
  assert.equal(view.generatingMessageId, null);
  assert.deepEqual(view.messages.find((m) => m.id === reply.id)!.tokens, reply.tokens);
});

test('the same seed and history give the same reply', async () => {
  const a = await sendAndWait(t, sessionId, 'Tell me a story.');
  const again = await t.call('chat.regenerate', { sessionId, messageId: a.reply.id });
  const b = await t.finished(again.assistantMessage.id);
  assert.equal(b.parentId, a.reply.parentId, 'regenerate adds a sibling');
  assert.equal(b.content, a.reply.content, 'same seed, same history: same reply');
  assert.deepEqual(
    b.tokens!.map((x) => x.id),
    a.reply.tokens!.map((x) => x.id),
  );
});

test('at temperature 0 each picked token is the most likely one, and the reply is what llama.cpp greedy gives', async () => {
  const s = await t.call('sessions.create', { title: 'Greedy' });
  await t.call('chat.setConfig', { sessionId: s.id, sampling: { temperature: 0, maxTokens: MAX, seed: 1 } });
  const { reply } = await sendAndWait(t, s.id, 'Count to five.');
  checkTokens(reply.tokens!, reply.content);
  for (const tok of reply.tokens!) {
    assert.equal(tok.prob, 1, 'greedy: the sampler always takes the most likely token');
    assert.ok(Math.abs(tok.modelProb! - tok.modelTop![0].prob) < 1e-6, "greedy picks the model's most likely token");
    assert.ok(tok.modelTop!.reduce((sum, x) => sum + x.prob, 0) <= 1 + 1e-5);
  }
  // Another seed changes nothing at temperature 0.
  await t.call('chat.setConfig', { sessionId: s.id, sampling: { seed: 2 } });
  const again = await t.finished((await t.call('chat.regenerate', { sessionId: s.id, messageId: reply.id })).assistantMessage.id);
  assert.deepEqual(
    again.tokens!.map((x) => x.id),
    reply.tokens!.map((x) => x.id),
  );

  // Independent reference: llama.cpp's own greedy sampler on the same file, driven token by token
  // on a raw sequence, with the Gemma 3 chat template written out here. Every generated token is
  // compared, including a lone byte token (an incomplete UTF-8 character) at the maxTokens cut, which
  // LlamaChatSession's onToken would hold back.
  const llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: modelPath });
  try {
    const context = await model.createContext({ contextSize: 1024, threads: 2 });
    const sequence = context.getSequence();
    const prompt = [model.tokens.bos!, ...model.tokenize('<start_of_turn>user\nCount to five.<end_of_turn>\n<start_of_turn>model\n', true)];
    assert.equal(reply.stats!.promptTokens, prompt.length, "the app's prompt is the Gemma template around the message");
    const ids: number[] = [];
    for await (const token of sequence.evaluate(prompt, { temperature: 0, yieldEogToken: true })) {
      if (model.isEogToken(token)) break;
      ids.push(token);
      if (ids.length === MAX) break;
    }
    assert.deepEqual(
      reply.tokens!.map((x) => x.id),
      ids,
    );
    assert.equal(reply.stats!.stopReason, ids.length === MAX ? 'maxTokens' : 'eos');
  } finally {
    await model.dispose();
    await llama.dispose();
  }
});

test('stop keeps the partial answer, marked stopped', async () => {
  // Greedy: a fixed path on any machine, and on this random model it never ends its turn early.
  await t.call('chat.setConfig', { sessionId, sampling: { maxTokens: 5000, temperature: 0 } });
  const started = await t.call('chat.send', { sessionId, content: 'Write a very long essay.' });
  await t.next('chat.delta', (d) => d.messageId === started.assistantMessage.id && d.index + d.tokens.length >= 3);
  const stopped = await t.call('chat.stop', { sessionId });
  assert.equal(stopped.stopped, true);
  const m = stopped.message!;
  assert.equal(m.status, 'stopped');
  assert.equal(m.stats!.stopReason, 'stopped');
  assert.ok(m.tokens!.length >= 3 && m.tokens!.length < 5000);
  checkTokens(m.tokens!, m.content);
  assert.deepEqual(await t.call('chat.stop', { sessionId }), { stopped: false, message: null });
  await t.call('chat.setConfig', { sessionId, sampling: { maxTokens: MAX, temperature: 0.8 } });
});

test('a second send while generating is a conflict', async () => {
  const started = await t.call('chat.send', { sessionId, content: 'First' });
  const err = await t.fail('chat.send', { sessionId, content: 'Second' });
  assert.equal(err.code, 'conflict');
  await t.finished(started.assistantMessage.id);
});

test('editing a user message makes a branch; the old branch stays and can be shown again', async () => {
  const s = await t.call('sessions.create', { title: 'Branches' });
  await t.call('chat.setConfig', { sessionId: s.id, sampling: { maxTokens: 8, seed: 1 } });
  const first = await sendAndWait(t, s.id, 'Question one');
  const second = await sendAndWait(t, s.id, 'Question two');
  const oldPath = (await t.call('chat.get', { sessionId: s.id })).path;
  assert.equal(oldPath.length, 4);

  const edited = await t.call('chat.edit', {
    sessionId: s.id,
    messageId: second.started.userMessage!.id,
    content: 'Question two, reworded',
  });
  const editedReply = await t.finished(edited.assistantMessage.id);
  assert.equal(edited.userMessage!.parentId, first.reply.id, 'the edit is a sibling of the original');
  let view = await t.call('chat.get', { sessionId: s.id });
  assert.deepEqual(view.path, [first.started.userMessage!.id, first.reply.id, edited.userMessage!.id, editedReply.id]);
  assert.equal(view.messages.length, 6, 'nothing was overwritten');
  assert.equal(view.messages.find((m) => m.id === second.started.userMessage!.id)!.content, 'Question two');

  view = await t.call('chat.switchBranch', { sessionId: s.id, messageId: second.started.userMessage!.id });
  assert.deepEqual(view.path, oldPath, 'switching back shows the old branch down to its reply');
  // A new message now continues the old branch.
  const cont = await sendAndWait(t, s.id, 'Question three');
  assert.equal(cont.started.userMessage!.parentId, second.reply.id);
});

test('the system prompt reaches the model (Gemma has no system role) and the context meter counts it', async () => {
  const s = await t.call('sessions.create', { title: 'System' });
  const before = await t.call('chat.contextUsage', { sessionId: s.id, draft: 'Hi' });
  assert.equal(before.modelLoaded, true);
  assert.equal(before.contextSize, PRESETS['rv-small'].contextLength, "the model's trained context");
  await t.call('chat.setConfig', {
    sessionId: s.id,
    systemPrompt: 'You are a pirate. Answer in pirate speak, always, no matter what.',
    sampling: { maxTokens: MAX },
  });
  const withSystem = await t.call('chat.contextUsage', { sessionId: s.id, draft: 'Hi' });
  assert.ok(withSystem.usedTokens > before.usedTokens + 5, `${withSystem.usedTokens} > ${before.usedTokens} + 5`);
  const { reply } = await sendAndWait(t, s.id, 'Hi');
  assert.equal(reply.stats!.promptTokens, withSystem.usedTokens, 'the meter predicts the prompt the model got');
});

test('sampling settings are validated and kept per session', async () => {
  const err = await t.fail('chat.setConfig', { sessionId, sampling: { topP: 1.5 } });
  assert.equal(err.code, 'bad_input');
  const s2 = await t.call('sessions.create', { title: 'Other' });
  const cfg = await t.call('chat.setConfig', {
    sessionId: s2.id,
    sampling: { temperature: 0.2, topK: 5, minP: 0.05, repeatPenalty: 1.3, seed: 99 },
  });
  assert.deepEqual(cfg.sampling, { temperature: 0.2, topK: 5, topP: 0.95, minP: 0.05, repeatPenalty: 1.3, seed: 99, maxTokens: 1024 });
  assert.equal((await t.call('chat.get', { sessionId })).config.sampling.temperature, 0.8, 'other sessions keep theirs');
  await t.call('chat.setConfig', { sessionId: s2.id, sampling: { maxTokens: 10 } });
  const { reply } = await sendAndWait(t, s2.id, 'Hello');
  assert.equal(reply.status, 'complete');
  for (const tok of reply.tokens!) assert.ok(tok.top.length <= 5);
  assert.deepEqual(reply.stats!.sampling, {
    temperature: 0.2,
    topK: 5,
    topP: 0.95,
    minP: 0.05,
    repeatPenalty: 1.3,
    seed: 99,
    maxTokens: 10,
  });
});

test('a crash of the model worker mid-reply is reported; the worker restarts and chat works again', async () => {
  const s = await t.call('sessions.create', { title: 'Crash' });
  await t.call('chat.setConfig', { sessionId: s.id, sampling: { maxTokens: 5000, temperature: 0 } });
  const started = await t.call('chat.send', { sessionId: s.id, content: 'Keep talking' });
  await t.next('chat.delta', (d) => d.messageId === started.assistantMessage.id);
  const failedJob = t.next('jobs.update', (j) => j.jobId === started.jobId && j.state === 'failed');
  assert.deepEqual(await t.call('workers.crashForTest', { worker: 'model' }), { crashed: true });
  const m = await t.finished(started.assistantMessage.id);
  assert.equal(m.status, 'interrupted');
  assert.match(m.error!, /model worker .*(SIGKILL|killed)/);
  // what was kept (possibly nothing, if the crash came before the first save) is whole tokens
  assert.equal(m.tokens!.map((x) => x.text).join(''), m.content);
  assert.equal((await failedJob).error!.code, 'worker_crashed');

  await t.call('chat.setConfig', { sessionId: s.id, sampling: { maxTokens: 6, seed: 7, temperature: 0.8 } });
  const again = await sendAndWait(t, s.id, 'Are you back?');
  assert.equal(again.reply.status, 'complete');
  assert.ok(again.reply.tokens!.length > 0);
});
