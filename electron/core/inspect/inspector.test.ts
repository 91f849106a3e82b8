// The inspector's numbers against independent computations: the model's own logits, naive
// statistics, sorted top-k, and interventions that must (or must not) change the output.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestModels } from '../../../test-support/models.ts';
import { loadGemma3, type Gemma3 } from '../engine/models/gemma3/index.ts';
import { Inspector } from './inspector.ts';
import { FP16_MAX, histogram, rowNorms, tensorStats } from './stats.ts';
import { klDivergence, topK } from './topk.ts';

// The made-up vocabulary on purpose: these numeric checks need a model deeper than two layers (a middle
// layer to intervene at, a cancel between layers) and a vocabulary small enough for the eager every-
// position lens; the real vocabulary is covered by service.test.ts and e2e/inspect.test.ts.
let models: Awaited<ReturnType<typeof ensureTestModels>>;
let mini: Gemma3;
let inspector: Inspector;
const PROMPT = 'The quick brown fox jumps over the lazy dog, and then the dog sleeps in the warm sun.';

before(async () => {
  models = await ensureTestModels();
  mini = await loadGemma3(models.miniF32, { threads: 2 });
  inspector = new Inspector({ threads: 2 });
});
after(() => {
  mini?.dispose();
  inspector?.dispose();
});

function softmax(row: ArrayLike<number>): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < row.length; i++) m = Math.max(m, row[i]);
  const e = Float64Array.from(row, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

test('tensorStats and rowNorms equal a naive two-pass computation', () => {
  const x = Float32Array.from(
    { length: 999 },
    (_, i) => Math.sin(i * 1.3) * 1000 * (i % 7) + (i === 5 ? 70000 : 0) - (i === 9 ? 80000 : 0),
  );
  const s = tensorStats(x);
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const std = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length);
  assert.ok(Math.abs(s.mean - mean) < 1e-9 * Math.abs(mean) + 1e-9, `${s.mean} vs ${mean}`);
  assert.ok(Math.abs(s.std - std) < 1e-9 * std, `${s.std} vs ${std}`);
  assert.equal(s.maxAbs, Math.max(...x.map(Math.abs)));
  assert.ok(s.maxAbs > FP16_MAX);
  assert.equal(s.fp16Overflow, x.filter((v) => Math.abs(v) > FP16_MAX).length / x.length);
  const norms = rowNorms(x, 9, 111);
  for (let r = 0; r < 9; r++) assert.ok(Math.abs(norms[r] - Math.hypot(...x.subarray(r * 111, (r + 1) * 111))) < 1e-6 * norms[r]);
  const h = histogram([0, 0.5, 0.99, 1, -1, 2], 0, 1, 2);
  assert.deepEqual(h, { edges: [0, 0.5, 1], counts: [1, 2], under: 1, over: 2 });
});

test('topK equals sorting the softmax; entropy and KL match direct sums', () => {
  const logits = Float32Array.from({ length: 300 }, (_, i) => Math.cos(i * 0.77) * 5 + (i % 13) * 0.1);
  const d = topK(logits, 7);
  const p = softmax(logits);
  const order = [...p.keys()].sort((a, b) => p[b] - p[a]).slice(0, 7);
  assert.deepEqual(d.ids, order);
  d.probs.forEach((v, i) => assert.ok(Math.abs(v - p[order[i]]) < 1e-12));
  const H = -p.reduce((a, v) => a + (v > 0 ? v * Math.log(v) : 0), 0);
  assert.ok(Math.abs(d.entropy - H) < 1e-9, `${d.entropy} vs ${H}`);
  const q = logits.map((v, i) => v + (i % 3) * 0.2);
  const pq = softmax(q);
  const kl = p.reduce((a, v, i) => a + v * Math.log(v / pq[i]), 0);
  assert.ok(Math.abs(klDivergence(logits, q) - kl) < 1e-9);
  assert.equal(klDivergence(logits, logits), 0);
});

test('run: residual norms, stats and next-token top-k agree with the engine captured directly; lens at the last layer is the model output', async () => {
  const run = await inspector.run({ modelPath: models.miniF32, prompt: PROMPT, topK: 5, addBos: true });
  const tokens = run.tokens.map((t) => t.id);
  const T = tokens.length,
    D = mini.config.hidden,
    L = mini.config.layers;
  assert.ok(T > mini.config.window, `prompt must exceed the window (${T} tokens)`);
  const fwd = mini.forward(tokens, { capture: { names: ['l_out', 'inp_embd'] }, logitPositions: 'all' });
  assert.equal(run.residualNorms.length, L + 1);
  for (let l = 0; l < L; l++) {
    const x = fwd.activations[`l_out.${l}`].data;
    const naive = rowNorms(x, T, D);
    run.residualNorms[l + 1].forEach((v, t) => assert.ok(Math.abs(v - naive[t]) <= 1e-6 * naive[t]));
    assert.ok(Math.abs(run.layerStats[l + 1].maxAbs - Math.max(...x.map(Math.abs))) <= 1e-6 * run.layerStats[l + 1].maxAbs);
  }
  // next-token distribution = softmax of the last row of the model's logits
  const V = mini.config.vocab;
  const p = softmax(fwd.logits.subarray((T - 1) * V, T * V));
  run.next.forEach((t) => assert.ok(Math.abs(t.prob - p[t.id]) < 1e-6, `${t.prob} vs ${p[t.id]}`));
  // lens: small vocabulary → every position is computed; the last block's row is the model's output
  assert.equal(run.lens.length, T);
  let worst = 0;
  for (const lens of run.lens) {
    const last = lens.layers.at(-1)!;
    assert.equal(last.layer, L - 1);
    const pt = softmax(fwd.logits.subarray(lens.position * V, (lens.position + 1) * V));
    for (const t of last.top) worst = Math.max(worst, Math.abs(t.prob - pt[t.id]));
    const argmax = pt.indexOf(Math.max(...pt));
    assert.equal(last.top[0].id, argmax, `position ${lens.position}`);
  }
  console.log(`  lens(last layer) vs model probabilities: max |Δp| ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-6);
  // lazily fetched lens equals the eager one
  const again = await inspector.lens(run.runId, 3, 5);
  assert.deepEqual(again, run.lens[3]);
  // MLP histograms count every (token, unit) pair
  for (const m of run.mlp) {
    const n = m.gate.counts.reduce((a, b) => a + b, 0) + m.gate.under + m.gate.over;
    assert.equal(n, T * mini.config.ffn);
  }
});

test('attention maps: rows are distributions, zero outside the causal window on sliding layers', async () => {
  const run = await inspector.run({ modelPath: models.miniF32, prompt: PROMPT, topK: 3, addBos: true });
  const T = run.tokens.length;
  const W = mini.config.window;
  let globalSeen = false;
  for (const layer of [0, mini.config.layers - 1]) {
    const map = await inspector.attention(run.runId, layer, 1);
    assert.equal(map.sliding, run.model.sliding[layer]);
    for (let q = 0; q < T; q++) {
      let s = 0;
      for (let k = 0; k < T; k++) {
        const v = map.data[q * T + k];
        const visible = k <= q && (!map.sliding || k > q - W);
        if (!visible) assert.equal(v, 0, `layer ${layer} q ${q} k ${k}`);
        s += v;
      }
      assert.ok(Math.abs(s - 1) < 1e-5);
    }
    // some key beyond the window is visible on the global layer
    if (!map.sliding) {
      assert.ok(map.data[(T - 1) * T + 0] > 0);
      globalSeen = true;
    }
  }
  assert.ok(globalSeen, 'the last layer of mini is global, so the check above ran');
  await assert.rejects(inspector.attention(run.runId, 99, 0), /layer 99 does not exist/);
});

test('interventions: scale 1 and a zero steering vector change nothing; ablating every head equals zeroing the attention branch', async () => {
  const run = await inspector.run({ modelPath: models.miniF32, prompt: PROMPT, topK: 5, addBos: true });
  const noop = await inspector.intervene({
    runId: run.runId,
    topK: 5,
    interventions: [
      { kind: 'head', layer: 2, head: 1, scale: 1 },
      { kind: 'mlp', layer: 3, unit: 7, scale: 1 },
    ],
  });
  assert.equal(noop.kl, 0);
  noop.changes.forEach((c) => assert.equal(c.delta, 0));
  const zeroSteer = await inspector.intervene({
    runId: run.runId,
    topK: 5,
    interventions: [{ kind: 'steer', layer: 2, promptA: 'hello there', promptB: 'hello there', scale: 4, from: 'mean' }],
  });
  assert.equal(zeroSteer.steeringNorms[0], 0);
  assert.equal(zeroSteer.kl, 0);
  // at an earlier position the baseline comes from the stored residual through the lens: still identical to a rerun
  const early = await inspector.intervene({
    runId: run.runId,
    topK: 5,
    position: 3,
    interventions: [{ kind: 'head', layer: 0, head: 0, scale: 1 }],
  });
  assert.equal(early.position, 3);
  assert.ok(early.kl < 1e-12, `KL ${early.kl}`);
  early.changes.forEach((c) => assert.ok(Math.abs(c.delta) < 1e-7));

  // every head of layer 1 scaled to 0 ⇒ kqv_out = 0 ⇒ attn_out = 0 ⇒ the post-attention norm outputs 0
  const H = mini.config.heads,
    L1 = 1,
    V = mini.config.vocab;
  const all = await inspector.intervene({
    runId: run.runId,
    topK: 5,
    interventions: Array.from({ length: H }, (_, head) => ({ kind: 'head' as const, layer: L1, head, scale: 0 })),
  });
  const ref = mini.forward(
    run.tokens.map((t) => t.id),
    {
      hooks: [{ name: 'attn_post_norm', layers: [L1], fn: ({ data }) => void data.fill(0) }],
      logitPositions: 'last',
    },
  );
  const p = softmax(ref.logits.subarray(0, V));
  all.after.forEach((t) => assert.ok(Math.abs(t.prob - p[t.id]) < 1e-6, `${t.prob} vs ${p[t.id]}`));
  assert.ok(all.kl > 1e-4, `ablating a whole attention layer should move the distribution (KL ${all.kl})`);
  // before = the run's own next-token distribution
  assert.deepEqual(
    all.before.map((t) => t.id),
    run.next.map((t) => t.id),
  );

  // one head at 0 changes the output, and the reported delta is after − before
  const one = await inspector.intervene({ runId: run.runId, topK: 5, interventions: [{ kind: 'head', layer: 5, head: 0, scale: 0 }] });
  assert.ok(one.kl > 0);
  for (const c of one.changes) assert.equal(c.delta, c.after - c.before);

  // steering: the vector is resid(A) − resid(B) at the layer, added at every position
  const steer = await inspector.intervene({
    runId: run.runId,
    topK: 5,
    interventions: [{ kind: 'steer', layer: 2, promptA: 'I love it', promptB: 'I hate it', scale: 3, from: 'last' }],
  });
  const resid = (text: string) => {
    const ids = mini.tokenize(text, { addBos: true, special: true });
    const x = mini.forward(ids, { capture: { names: ['l_out'], layers: [2] }, logitPositions: 'none' }).activations['l_out.2'].data;
    const D = mini.config.hidden;
    return x.slice((ids.length - 1) * D, ids.length * D);
  };
  const a = resid('I love it'),
    b = resid('I hate it');
  const v = a.map((x, i) => x - b[i]);
  assert.ok(Math.abs(steer.steeringNorms[0] - Math.hypot(...v)) < 1e-4 * steer.steeringNorms[0]);
  const manual = mini.forward(
    run.tokens.map((t) => t.id),
    {
      hooks: [
        {
          name: 'l_out',
          layers: [2],
          fn: ({ data, shape }) => {
            for (let t = 0; t < shape[0]; t++) for (let d = 0; d < v.length; d++) data[t * v.length + d] += 3 * v[d];
          },
        },
      ],
      logitPositions: 'last',
    },
  );
  const pm = softmax(manual.logits);
  steer.after.forEach((t) => assert.ok(Math.abs(t.prob - pm[t.id]) < 1e-6));
});

test('compare: identical prompts are identical at every layer', async () => {
  const r = await inspector.compare({
    modelPath: models.miniF32,
    promptA: 'same words here',
    promptB: 'same words here',
    topK: 3,
    addBos: true,
  });
  for (const s of r.similarity) {
    assert.ok(Math.abs(s.cosineLast - 1) < 1e-6 && Math.abs(s.cosineMean - 1) < 1e-6);
  }
  const d = await inspector.compare({ modelPath: models.miniF32, promptA: 'a cat sat', promptB: 'numbers 1 2 3 4', topK: 3, addBos: true });
  assert.ok(d.similarity.some((s) => s.cosineLast < 0.999));
});

test("gradients: the loss equals cross-entropy of the forward engine's own logits on the target", async () => {
  const r = await inspector.gradients({ modelPath: models.miniF32, prompt: 'The quick brown', target: ' fox jumps', addBos: true });
  const ids = r.tokens.map((t) => t.id);
  const V = mini.config.vocab;
  const fwd = mini.forward(ids, { logitPositions: r.lossPositions });
  let ce = 0;
  r.lossPositions.forEach((_, i) => {
    const p = softmax(fwd.logits.subarray(i * V, (i + 1) * V));
    ce -= Math.log(p[r.lossTargets[i]]);
  });
  ce /= r.lossPositions.length;
  console.log(`  gradient inspector loss ${r.loss.toFixed(6)} vs forward engine ${ce.toFixed(6)}`);
  assert.ok(Math.abs(r.loss - ce) < 1e-4 * ce, `${r.loss} vs ${ce}`);
  assert.equal(r.lossPositions[0], r.promptLength - 1);
  assert.deepEqual(r.lossTargets, ids.slice(r.promptLength));
  assert.equal(r.residualNorm.length, mini.config.layers + 1);
  assert.equal(r.attribution.length, ids.length);
  assert.ok(r.perLayer.every((v) => v > 0));
});

test('bad input: a missing file and a non-GGUF file are clear errors', async () => {
  await assert.rejects(inspector.run({ modelPath: '/nonexistent/model.gguf', prompt: 'x', topK: 3, addBos: true }), /no model file at/);
  await assert.rejects(inspector.run({ modelPath: new URL(import.meta.url).pathname, prompt: 'x', topK: 3, addBos: true }), /cannot load/);
  await assert.rejects(inspector.lens('no-such-run', 0, 3), /no longer held/);
});

test('lensAll equals the per-position lens; a cancelled run stops with an abort and the inspector keeps working', async () => {
  const run = await inspector.run({ modelPath: models.miniF32, prompt: PROMPT, topK: 4, addBos: true });
  const steps: string[] = [];
  const every = await inspector.lensAll(run.runId, 4, (_, m) => steps.push(m));
  assert.equal(every.length, run.tokens.length);
  assert.deepEqual(every, run.lens);
  assert.equal(steps.at(-1), 'done');

  const ctl = new AbortController();
  let layersSeen = 0;
  const cancelled = inspector.run(
    { modelPath: models.miniF32, prompt: PROMPT, topK: 4, addBos: true },
    (_, m) => {
      if (m.startsWith('layer') && ++layersSeen === 2) ctl.abort();
    },
    ctl.signal,
  );
  await assert.rejects(cancelled, (e: Error) => e.name === 'AbortError');
  assert.ok(layersSeen >= 2 && layersSeen < mini.config.layers, `stopped after ${layersSeen} layers`);
  const after = await inspector.run({ modelPath: models.miniF32, prompt: 'still fine', topK: 3, addBos: true });
  assert.ok(after.next.length === 3);
});

test('gradients report real progress (forward, then the backward layer by layer) and cancel in the backward; the inspector keeps working', async () => {
  const input = { modelPath: models.miniF32, prompt: 'The quick brown', target: ' fox jumps', addBos: true };
  const first = await inspector.gradients(input);
  const L = mini.config.layers;
  const seen: { f: number; m: string }[] = [];
  const again = await inspector.gradients(input, (f, m) => seen.push({ f, m }));
  assert.equal(again.loss, first.loss, 'the same input gives the same loss');
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i].f >= seen[i - 1].f, `progress went back: ${seen[i - 1].f} → ${seen[i].f}`);
  assert.equal(seen.at(-1)!.f, 1);
  // the backward starts, then reports once per layer
  const backward = seen.filter((s) => s.m.startsWith('backward')).map((s) => s.m);
  assert.deepEqual(
    backward,
    Array.from({ length: L + 1 }, (_, k) => `backward, ${k} of ${L} layers`),
    seen.map((s) => s.m).join(' | '),
  );
  assert.ok(seen.findIndex((s) => s.m.startsWith('forward')) < seen.findIndex((s) => s.m.startsWith('backward')));

  const ctl = new AbortController();
  let steps = 0;
  const cancelled = inspector.gradients(
    input,
    (_, m) => {
      if (m.startsWith('backward') && ++steps === 2) ctl.abort();
    },
    ctl.signal,
  );
  await assert.rejects(cancelled, (e: Error) => e.name === 'AbortError');
  assert.equal(steps, 2, 'no backward step ran after the abort (one layer was done)');
  const after = await inspector.gradients(input);
  assert.equal(after.loss, first.loss);
  assert.deepEqual(after.perLayer, first.perLayer);
});

test('a run computed again under its own id (a stored run the engine lost) has the same numbers', async () => {
  const a = await inspector.run({ modelPath: models.miniF32, prompt: PROMPT, topK: 5, addBos: true });
  const b = await inspector.run({ modelPath: models.miniF32, prompt: PROMPT, topK: 5, addBos: true, runId: 'stored-run-1' });
  assert.equal(b.runId, 'stored-run-1');
  assert.ok(inspector.holds('stored-run-1'));
  assert.deepEqual(b.residualNorms, a.residualNorms);
  assert.deepEqual(b.next, a.next);
  const maps = inspector.attentionMaps('stored-run-1', Infinity)!;
  assert.equal(maps.length, mini.config.layers);
  const T = a.tokens.length;
  const viaView = await inspector.attention('stored-run-1', 1, 2);
  assert.deepEqual(maps[1].slice(2 * T * T, 3 * T * T), viaView.data);
  assert.equal(inspector.attentionMaps('stored-run-1', 100), null, 'maps beyond the byte budget are not handed out');
});
