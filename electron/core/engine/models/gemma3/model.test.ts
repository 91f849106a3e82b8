import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeGguf, openGgufBuffer, str } from '../../gguf/index.ts';
import { ensureTestModels } from '../../../../../test-support/models.ts';
import { assertClose } from '../../tensor/test-util.ts';
import { configFromMetadata, isSliding } from './config.ts';
import { Gemma3, argmax, loadGemma3 } from './index.ts';

let model: Gemma3;
let tokens: number[];
before(async () => {
  const { nano } = await ensureTestModels();
  model = await loadGemma3(nano, { threads: 2 });
  tokens = model.tokenize('Sliding windows are short; this sentence is longer than the window of the nano model.');
  assert.ok(tokens.length > model.config.window + 4);
});
after(() => model.dispose());

test('attention (sliding and global, GQA) matches a float64 reference built from the captured Q, K, V', () => {
  const { heads: H, kvHeads: Hkv, headDim: Dh, window: W } = model.config;
  const T = tokens.length;
  const { activations } = model.forward(tokens, { capture: { names: ['Qcur_rope', 'Kcur_rope', 'Vcur', 'kq_soft_max', 'kqv_out'] } });
  const layers = [0, 1];
  assert.deepEqual(
    layers.map((l) => isSliding(model.config, l)),
    [true, false],
    'nano: layer 0 local, layer 1 global',
  );
  for (const l of layers) {
    const q = activations[`Qcur_rope.${l}`].data,
      k = activations[`Kcur_rope.${l}`].data,
      v = activations[`Vcur.${l}`].data;
    const probs = new Float64Array(H * T * T);
    const out = new Float64Array(T * H * Dh);
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / Hkv));
      for (let t = 0; t < T; t++) {
        const lo = isSliding(model.config, l) ? Math.max(0, t - W + 1) : 0;
        const s: number[] = [];
        for (let j = lo; j <= t; j++) {
          let dot = 0;
          for (let d = 0; d < Dh; d++) dot += q[(t * H + h) * Dh + d] * k[(j * Hkv + g) * Dh + d];
          s.push(dot / Math.sqrt(Dh));
        }
        const m = Math.max(...s);
        const z = s.reduce((a, x) => a + Math.exp(x - m), 0);
        s.forEach((x, i) => (probs[(h * T + t) * T + lo + i] = Math.exp(x - m) / z));
        for (let d = 0; d < Dh; d++) {
          let acc = 0;
          for (let j = lo; j <= t; j++) acc += probs[(h * T + t) * T + j] * v[(j * Hkv + g) * Dh + d];
          out[(t * H + h) * Dh + d] = acc;
        }
      }
    }
    assert.deepEqual(activations[`kq_soft_max.${l}`].shape, [H, T, T]);
    assertClose(`kq_soft_max.${l}`, activations[`kq_soft_max.${l}`].data, probs, 1e-6);
    assertClose(`kqv_out.${l}`, activations[`kqv_out.${l}`].data, out, 1e-5, 1e-5);
  }
});

test('incremental decoding with the KV cache gives the same logits as one full pass', () => {
  const V = model.config.vocab;
  const full = model.forward(tokens, { logitPositions: 'all' }).logits;
  const cache = model.newCache();
  const split = 5;
  const first = model.forward(tokens.slice(0, split), { kvCache: cache, logitPositions: 'all' }).logits;
  assertClose('prefix logits', first, full.subarray(0, split * V), 1e-4, 1e-4);
  for (let t = split; t < tokens.length; t++) {
    const { logits, logitPositions } = model.forward([tokens[t]], { kvCache: cache });
    assert.deepEqual(logitPositions, [t]);
    assertClose(`decode step ${t}`, logits, full.subarray(t * V, (t + 1) * V), 1e-4, 1e-4);
  }
  assert.equal(cache.length, tokens.length);
});

test('captures honour layers and positions; logits only where asked', () => {
  const { hidden: D, vocab: V } = model.config;
  const all = model.forward(tokens, { logitPositions: 'all', capture: { names: ['l_out'] } });
  const picked = model.forward(tokens, {
    logitPositions: [2, 7],
    capture: { names: ['l_out', 'inp_embd'], layers: [1], positions: [3, 9] },
  });
  assert.deepEqual(Object.keys(picked.activations).sort(), ['inp_embd', 'l_out.1']);
  const l1 = picked.activations['l_out.1'];
  assert.deepEqual(l1.shape, [2, D]);
  assert.deepEqual(l1.positions, [3, 9]);
  assertClose(
    'l_out.1 rows',
    l1.data,
    [...all.activations['l_out.1'].data.subarray(3 * D, 4 * D), ...all.activations['l_out.1'].data.subarray(9 * D, 10 * D)],
    0,
  );
  assert.equal(picked.logits.length, 2 * V);
  assertClose('logit rows', picked.logits, [...all.logits.subarray(2 * V, 3 * V), ...all.logits.subarray(7 * V, 8 * V)], 1e-5, 1e-5);
  const none = model.forward(tokens, {});
  assert.deepEqual(none.activations, {});
  assert.deepEqual(none.logitPositions, [tokens.length - 1]);
});

test('a hook can read and replace an activation (ablation changes the logits, identity does not)', () => {
  const base = model.forward(tokens).logits;
  let seen = 0;
  const identity = model.forward(tokens, {
    hooks: [
      {
        name: 'ffn_out',
        layers: [0],
        fn: ({ data }) => {
          seen = data.length;
        },
      },
    ],
  }).logits;
  assert.equal(seen, tokens.length * model.config.hidden);
  assertClose('identity hook', identity, base, 0);
  const ablated = model.forward(tokens, {
    hooks: [{ name: 'ffn_out', layers: [0], fn: ({ data }) => new Float32Array(data.length) }],
    capture: { names: ['ffn_out'], layers: [0] },
  });
  assert.ok(
    ablated.activations['ffn_out.0'].data.every((x) => x === 0),
    'capture sees the replaced tensor',
  );
  let diff = 0;
  for (let i = 0; i < base.length; i++) diff = Math.max(diff, Math.abs(base[i] - ablated.logits[i]));
  assert.ok(diff > 1e-3, `ablating ffn_out.0 should move the logits (max change ${diff})`);
  assert.throws(() => model.forward(tokens, { hooks: [{ name: 'l_out', fn: () => new Float32Array(3) }] }), /returned 3 values/);
});

test('greedy generation follows the argmax chain; sampling is reproducible from a seed', () => {
  const prompt = tokens.slice(0, 8);
  const { tokens: greedy } = model.generate(prompt, { maxTokens: 6, stopTokens: [] });
  const seq = [...prompt];
  for (let i = 0; i < 6; i++) {
    const { logits } = model.forward(seq);
    seq.push(argmax(logits));
  }
  assert.deepEqual(greedy, seq.slice(prompt.length));
  const a = model.generate(prompt, { maxTokens: 12, temperature: 1.5, topK: 50, topP: 0.95, seed: 7, stopTokens: [] }).tokens;
  const b = model.generate(prompt, { maxTokens: 12, temperature: 1.5, topK: 50, topP: 0.95, seed: 7, stopTokens: [] }).tokens;
  const c = model.generate(prompt, { maxTokens: 12, temperature: 1.5, topK: 50, topP: 0.95, seed: 8, stopTokens: [] }).tokens;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('forwardAsync can be cancelled between layers', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(model.forwardAsync(tokens, { signal: ac.signal }), { name: 'AbortError' });
  const r = await model.forwardAsync(tokens, {});
  assertClose('async = sync', r.logits, model.forward(tokens).logits, 0);
});

test('bad input: unknown architecture and out-of-range tokens get clear errors', async () => {
  assert.throws(() => configFromMetadata({ 'general.architecture': 'llama' }), /unsupported architecture 'llama' \(supported: gemma3\)/);
  const file = openGgufBuffer(encodeGguf({ metadata: { 'general.architecture': str('qwen2') }, tensors: [] }));
  await assert.rejects(Gemma3.fromFile(file), /unsupported architecture 'qwen2' \(supported: gemma3\)/);
  assert.throws(() => model.forward([1, model.config.vocab]), /outside the vocabulary/);
  assert.throws(() => model.forward([]), /at least one token/);
});

test('logitsOut: the logits are written into the given array, equal to a fresh forward; a wrong length is refused', () => {
  const V = model.config.vocab;
  const positions = [2, 5, tokens.length - 1];
  const fresh = model.forward(tokens, { logitPositions: positions }).logits;
  const buf = new Float32Array(4 * V).fill(7);
  const out = buf.subarray(0, positions.length * V);
  const r = model.forward(tokens, { logitPositions: positions, logitsOut: out });
  assert.equal(r.logits, out);
  assert.deepEqual(out, fresh);
  assert.equal(buf[positions.length * V], 7, 'nothing written past the view');
  assert.throws(() => model.forward(tokens, { logitPositions: positions, logitsOut: buf }), /logitsOut has .* values, expected 3×/);
});
