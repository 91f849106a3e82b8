// The shared prefix of a tagging batch is evaluated once and its KV state copied to the other
// sequences. Held to an evaluation from scratch: the next-token distribution after prefix + item must
// be the same. Not bit-exact: llama.cpp splits the work into different batches (prefix, then item,
// versus all at once), which reorders float sums; 0.01 absolute on the top-5 probabilities is well
// above that noise and far below what a wrong or missing prefix gives (a different context).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLlama, LlamaLogLevel, type LlamaContextSequence, type Token } from 'node-llama-cpp';
import { ensureRealVocabModel } from '../../../../test-support/models.ts';
import { tagPrompt } from '../prompts.ts';
import { chatPromptTokens } from './generate.ts';
import { commonPrefix, sharePrefix } from './tag.ts';

async function nextTokenProbs(seq: LlamaContextSequence, tokens: Token[]): Promise<Map<Token, number>> {
  const steps = seq.evaluateWithMetadata(tokens, { probabilities: true }, { temperature: 1, topK: 5, seed: 1 });
  const first = await steps.next();
  await steps.return();
  assert.ok(!first.done);
  return first.value.probabilities;
}

test('a copied prefix gives the distribution an evaluation from scratch gives', async () => {
  const llama = await getLlama({ gpu: false, maxThreads: 2, build: 'never', logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: await ensureRealVocabModel('small', 'F32') });
  const labels = [{ name: 'spam' }, { name: 'ham', description: 'a normal message' }];
  const prompts = ['Win a free cruise now!!!', 'See you at lunch tomorrow.', 'Meeting moved to 3pm'].map((x) =>
    chatPromptTokens(model, '', tagPrompt(labels, false, 'Is it spam?', x)),
  );
  const prefix = commonPrefix(prompts);
  assert.ok(prefix > 20 && prompts.every((p) => p.length > prefix));
  const shared = await model.createContext({ contextSize: 512, sequences: 3, threads: 2, swaFullCache: true });
  const seqs = [shared.getSequence(), shared.getSequence(), shared.getSequence()];
  await sharePrefix(seqs, prompts[0].slice(0, prefix));
  const fresh = await model.createContext({ contextSize: 512, sequences: 1, threads: 2 });
  for (const k of [1, 2]) {
    assert.deepEqual(seqs[k].contextTokens, prompts[0].slice(0, prefix), `sequence ${k} holds the prefix`);
    const copied = await nextTokenProbs(seqs[k], prompts[k].slice(prefix));
    const scratch = fresh.getSequence();
    const reference = await nextTokenProbs(scratch, prompts[k]);
    await scratch.dispose();
    assert.deepEqual([...copied.keys()][0], [...reference.keys()][0], 'the same most likely token');
    for (const [token, p] of reference) {
      const q = copied.get(token) ?? 0;
      assert.ok(Math.abs(p - q) < 0.01, `item ${k}, token ${token}: ${q} after the copied prefix vs ${p} from scratch`);
    }
  }
  await shared.dispose();
  await fresh.dispose();
  await model.dispose();
  await llama.dispose();
});
