// "Fixed seed: the same reply for the same prompt". On a float (F32) model llama.cpp's results depend
// on the batch shape a token was evaluated in, so a reply computed on a KV prefix left by an earlier
// evaluation (the previous reply, evaluated one token at a time) is not the reply a fresh evaluation
// gives. With a fixed seed or temperature 0 the app evaluates the prompt from the start instead.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { getLlama, LlamaLogLevel, type Token } from 'node-llama-cpp';
import { ensureRealVocabModel } from '../../../test-support/models.ts';
import { chatFixture, sendAndWait, type TestCore } from './test-core.ts';

let t: TestCore;
let modelPath: string;

before(async () => {
  modelPath = await ensureRealVocabModel('small');
  ({ t } = await chatFixture(modelPath));
});
after(() => t.close());

test('on a float model the batch shape changes the numbers (why a reused prefix is not enough)', async () => {
  const llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath });
  try {
    const context = await model.createContext({ contextSize: 256, threads: 2 });
    const seq = context.getSequence();
    const prompt = [
      model.tokens.bos!,
      ...model.tokenize('<start_of_turn>user\nTell me about the sea and the sky.<end_of_turn>\n<start_of_turn>model\n', true),
    ];
    const next = async (toEvaluate: Token[]) => {
      const steps = seq.evaluateWithMetadata(toEvaluate, { probabilities: true }, { temperature: 1, topK: 0, topP: 1, minP: 0 });
      const r = await steps.next();
      await steps.return();
      return r.value!.probabilities;
    };
    const whole = await next(prompt);
    await seq.clearHistory();
    await seq.evaluateWithoutGeneratingNewTokens(prompt.slice(0, -1));
    const split = await next(prompt.slice(-1));
    let maxDiff = 0;
    for (const [id, p] of whole) maxDiff = Math.max(maxDiff, Math.abs(p - (split.get(id) ?? 0)));
    assert.ok(maxDiff > 0, 'the last prompt token evaluated alone gives other probabilities than in one batch');
  } finally {
    await model.dispose();
    await llama.dispose();
  }
});

for (const sampling of [
  { name: 'a fixed seed', temperature: 0.8, seed: 5 },
  { name: 'temperature 0', temperature: 0, seed: null },
]) {
  test(`with ${sampling.name}, regenerating a later reply gives the same tokens and the same numbers`, async () => {
    const s = await t.call('sessions.create', { title: sampling.name });
    await t.call('chat.setConfig', {
      sessionId: s.id,
      sampling: { temperature: sampling.temperature, seed: sampling.seed, topK: 40, maxTokens: 8 }, // short: each reply ends with a whole-vocabulary pass per token
    });
    await sendAndWait(t, s.id, 'First question, please answer.');
    const { reply } = await sendAndWait(t, s.id, 'And a second one?');
    assert.equal(reply.stats!.reproducible, true);
    const again = await t.finished((await t.call('chat.regenerate', { sessionId: s.id, messageId: reply.id })).assistantMessage.id);
    assert.deepEqual(
      again.tokens!.map((x) => x.id),
      reply.tokens!.map((x) => x.id),
    );
    // Bit for bit: every probability equal, not merely the argmax (a float difference would show here first).
    assert.deepEqual(
      again.tokens!.map((x) => [x.prob, x.top.map((a) => a.prob)]),
      reply.tokens!.map((x) => [x.prob, x.top.map((a) => a.prob)]),
    );
  });
}

test('a random seed reuses the evaluated prefix and says the reply is not reproducible', async () => {
  const s = await t.call('sessions.create', { title: 'random' });
  await t.call('chat.setConfig', { sessionId: s.id, sampling: { temperature: 0.8, seed: null, maxTokens: 4 } });
  const { reply } = await sendAndWait(t, s.id, 'Hello');
  assert.equal(reply.stats!.reproducible, false);
  assert.ok(Number.isInteger(reply.stats!.sampling.seed), 'the seed it drew is recorded, so it can be reused');
});
