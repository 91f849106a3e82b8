// The adapter gradients of model-step.ts against central differences of its own loss, on the nano
// model (both window kinds, GQA), every target kind, through the engine's float32 forward.
// Bound: the engine's f32 forward makes the finite difference itself noisy (loss ~ 6, f32 rounding
// ~ 5e-7 relative), so we pick each tensor's largest-gradient entry and a step h = 1e-2 and allow
// 2e-2 relative error; a wrong formula (missing scale, transposed A/B, wrong sign) is off by ≥ 50%.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestModels } from '../../../../test-support/models.ts';
import { backward, forwardForLoss, loadGemma3, type Gemma3, type LoraAdapter } from '../models/gemma3/index.ts';
import { nextTokenTargets } from '../models/gemma3/index.ts';
import { createModelStep, packBatch, type ModelStep } from './model-step.ts';
import { initAdapter, LORA_TARGETS, type Adapter } from './lora.ts';
import { mulberry32 } from './random.ts';

let g: Gemma3;
let step: ModelStep;
before(async () => {
  const m = await ensureTestModels();
  g = await loadGemma3(m.nano, { threads: 1 });
  step = await createModelStep(g);
});
after(() => {
  step.dispose();
  g.dispose();
});

function randomAdapter(): Adapter {
  const ad = initAdapter(step.shape, { targets: LORA_TARGETS, rank: 4, alpha: 8, seed: 7 });
  const rnd = mulberry32(99);
  for (const p of ad.pairs) for (let i = 0; i < p.b.length; i++) p.b[i] = (rnd() - 0.5) * 0.2;
  return ad;
}

const batch = [
  { tokens: [2, 17, 40, 99, 5, 300, 41, 8, 12, 77], loss: nextTokenTargets([2, 17, 40, 99, 5, 300, 41, 8, 12, 77], 4) },
  { tokens: [2, 9, 9, 120, 64], loss: nextTokenTargets([2, 9, 9, 120, 64], 1) },
];

test('B = 0: the adapter leaves the loss exactly at the base model', async () => {
  const ad = initAdapter(step.shape, { targets: ['q', 'down'], rank: 2, alpha: 4, seed: 1 });
  const base = await step.loss({ ...ad, pairs: [] }, batch);
  const withAd = await step.loss(ad, batch);
  assert.equal(withAd.loss, base.loss);
  assert.equal(withAd.positions, 5 + 3); // positions 4..8 and 1..3
});

test('adapter gradients match central differences (largest entry of every A and B)', async () => {
  const ad = randomAdapter();
  const r = await step.lossAndGrads(ad, batch);
  assert.ok(Number.isFinite(r.loss));
  const h = 1e-2;
  let worst = { err: 0, where: '' };
  for (const p of ad.pairs) {
    const gr = r.grads.get(p.base)!;
    for (const which of ['a', 'b'] as const) {
      const grad = gr[which];
      let idx = 0;
      for (let i = 1; i < grad.length; i++) if (Math.abs(grad[i]) > Math.abs(grad[idx])) idx = i;
      const arr = p[which];
      const keep = arr[idx];
      arr[idx] = keep + h;
      const up = (await step.loss(ad, batch)).loss;
      arr[idx] = keep - h;
      const down = (await step.loss(ad, batch)).loss;
      arr[idx] = keep;
      const fd = (up - down) / (2 * h);
      const err = Math.abs(fd - grad[idx]) / Math.max(Math.abs(fd), Math.abs(grad[idx]), 1e-4);
      if (err > worst.err) worst = { err, where: `${p.base}.${which}[${idx}]: analytic ${grad[idx]}, numeric ${fd}` };
    }
  }
  console.log(`worst relative error ${worst.err.toExponential(2)} at ${worst.where}`);
  assert.ok(worst.err < 2e-2, `adapter gradient off: ${worst.where} (rel ${worst.err})`);
});

test('the base model is untouched by every call (the adapter never writes into its weights)', async () => {
  const before = step.logits(null, [2, 17, 40], 'all');
  await step.lossAndGrads(randomAdapter(), batch);
  const afterCall = step.logits(null, [2, 17, 40], 'all');
  assert.deepEqual(afterCall, before);
  const withAd = step.logits(randomAdapter(), [2, 17, 40], 'all');
  assert.notDeepEqual(withAd, before);
});

test('an adapter for another shape is refused with a clear message', async () => {
  const ad = randomAdapter();
  ad.pairs[0] = { ...ad.pairs[0], inDim: ad.pairs[0].inDim * 2, a: new Float32Array(ad.pairs[0].a.length * 2) };
  await assert.rejects(step.loss(ad, batch), /made for another model/);
});

test('a packed batch gives what its items give one at a time (each sees only itself, from position 0)', async () => {
  const ad = randomAdapter();
  const long = Array.from({ length: 19 }, (_, i) => 2 + ((i * 37) % 500)); // longer than nano's window of 8
  const items = [...batch, { tokens: long, loss: nextTokenTargets(long, 3) }];
  assert.equal(packBatch(items, 5 + 3 + 15).length, 1, 'one forward for the three');
  const packed = await step.lossAndGrads(ad, items);
  const total = packed.positions;
  let loss = 0;
  const sum = new Map<string, { a: Float64Array; b: Float64Array }>();
  for (const it of items) {
    const r = await step.lossAndGrads(ad, [it]); // one item: a pack of one sequence, the unpacked path
    const w = r.positions / total;
    loss += w * r.loss;
    for (const [name, gr] of r.grads) {
      const s = sum.get(name) ?? { a: new Float64Array(gr.a.length), b: new Float64Array(gr.b.length) };
      for (let i = 0; i < gr.a.length; i++) s.a[i] += w * gr.a[i];
      for (let i = 0; i < gr.b.length; i++) s.b[i] += w * gr.b[i];
      sum.set(name, s);
    }
  }
  assert.ok(Math.abs(packed.loss - loss) <= 1e-6 * loss, `packed ${packed.loss} vs one by one ${loss}`);
  for (const [name, s] of sum) {
    const gr = packed.grads.get(name)!;
    for (const which of ['a', 'b'] as const) {
      let err = 0,
        mag = 0;
      for (let i = 0; i < s[which].length; i++) {
        err = Math.max(err, Math.abs(gr[which][i] - s[which][i]));
        mag = Math.max(mag, Math.abs(s[which][i]));
      }
      assert.ok(mag > 0 && err <= 1e-5 * mag, `${name}.${which}: max error ${err} of ${mag}`);
    }
  }
});

test('packing keeps a pack within its limits and skips items without a loss', () => {
  const item = (n: number, p: number) => ({
    tokens: Array(n).fill(5),
    loss: { positions: [...Array(p).keys()], targets: Array(p).fill(5) },
  });
  // 600 rows > 512: a new pack; 40 + 100 positions > 128: a new pack
  const packs = packBatch([item(300, 100), item(300, 10), item(10, 0), item(100, 30), item(50, 100)], 240);
  assert.deepEqual(
    packs.map((p) => p.segments),
    [[300], [300, 100], [50]],
  );
  assert.deepEqual(packs[1].loss.positions.slice(10, 12), [300, 301], 'positions index the packed rows');
  assert.ok(packs.every((p) => p.loss.weights!.every((w) => w === 1 / 240)));
});

test('the heap arena changes no number: every call gives the plain forward and backward bit for bit', async () => {
  const ad = randomAdapter();
  const it = batch[0];
  const plainLoss = step.withAdapter(ad, (adapters) => forwardForLoss(g.model, it.tokens, it.loss, { adapters }).value);
  const plainGrads = step.withAdapter(ad, (adapters) => {
    backward(g.model, forwardForLoss(g.model, it.tokens, it.loss, { adapters }), () => null, { adapters, inputGrad: false });
    return [...adapters.values()].map((a) => [(a as LoraAdapter).gradA.slice(), (a as LoraAdapter).gradB.slice()]);
  });
  // the first call sizes the arena (its arrays are plain), the later ones run in it
  for (let call = 0; call < 3; call++) {
    const r = await step.lossAndGrads(ad, [it]);
    assert.equal(r.loss, plainLoss, `call ${call}`);
    const got = [...r.grads.values()].map((gr) => [gr.a, gr.b]);
    assert.deepEqual(got, plainGrads, `call ${call}`);
  }
});
