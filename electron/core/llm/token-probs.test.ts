// Token probabilities, each named for what it is: the sampler's (the distribution the token was drawn
// from, after top-k etc., renormalised) and the model's own (softmax of the raw logits over the whole
// vocabulary at temperature 1), the latter checked against our own Gemma 3 engine on the same file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureRealVocabModel } from '../../../test-support/models.ts';
import { loadGemma3, softmax } from '../engine/models/gemma3/index.ts';
import { chatFixture, sendAndWait, type TestCore } from './test-core.ts';

let t: TestCore;
let modelPath: string;

before(async () => {
  modelPath = await ensureRealVocabModel('small');
  ({ t } = await chatFixture(modelPath));
});
after(() => t.close());

test("the model's own probability is the whole-vocabulary softmax; the sampler's is renormalised over what top-k kept", async () => {
  const s = await t.call('sessions.create', { title: 'probs' });
  // Temperature 1 and no penalty: the sampler's logits are the model's, so the two differ only by top-k.
  await t.call('chat.setConfig', {
    sessionId: s.id,
    sampling: { temperature: 1, topK: 3, topP: 1, minP: 0, repeatPenalty: 1, seed: 3, maxTokens: 12 },
  });
  const { reply } = await sendAndWait(t, s.id, 'Say something surprising.');
  const tokens = reply.tokens!;
  assert.ok(tokens.length >= 4, `${tokens.length} tokens`);

  // Independent reference: our engine's logits on the same prompt (Gemma template written out; our
  // tokenizer gives llama.cpp's ids, tokenizer-agreement.test.ts) and reply.
  const engine = await loadGemma3(modelPath, { threads: 2, numerics: 'llama' });
  try {
    const prompt = engine.tokenize('<start_of_turn>user\nSay something surprising.<end_of_turn>\n<start_of_turn>model\n', {
      addBos: true,
      special: true,
    });
    assert.equal(reply.stats!.promptTokens, prompt.length);
    const ids = [...prompt, ...tokens.map((x) => x.id)];
    const { logits } = engine.forward(ids, { logitPositions: 'all' });
    const V = logits.length / ids.length;
    let inflated = 0;
    tokens.forEach((tok, i) => {
      const p = softmax(logits, (prompt.length - 1 + i) * V, V);
      assert.ok(Math.abs(tok.modelProb! - p[tok.id]) < 1e-2, `token ${i}: model prob ${tok.modelProb} vs engine ${p[tok.id]}`);
      const kept = tok.modelTop!.slice(0, 3).reduce((sum, a) => sum + a.prob, 0);
      assert.ok(
        Math.abs(tok.prob - tok.modelProb! / kept) < 1e-3,
        `token ${i}: sampler ${tok.prob} = model ${tok.modelProb} / top-3 mass ${kept}`,
      );
      assert.ok(tok.prob >= tok.modelProb! - 1e-6, 'renormalising over fewer candidates can only raise it');
      if (tok.prob > 1.5 * tok.modelProb!) inflated++;
    });
    assert.ok(inflated > 0, 'on this flat random model the sampler number overstates the model for some token');
  } finally {
    engine.dispose();
  }
});
