// Gradients of real GGUF models (the generated nano and mini Gemma 3s):
// 1. the float64 reference backward vs central finite differences on random entries of every
//    tensor of the nano model (tight: this is the whole-model gradient check);
// 2. the fast path (the engine's own forward with captures + SIMD backward gemms in float32) vs
//    that float64 reference, tensor by tensor, on nano (F32) and mini (Q8_0, dequantized weights,
//    sliding + global layers, GQA, prompt longer than the window).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestModels } from '../../../../test-support/models.ts';
import { openGguf } from '../gguf/index.ts';
import { loadGemma3, type Gemma3 } from '../models/gemma3/index.ts';
import { compareGrad, rng } from './gradcheck.ts';
import { computeGradients, computeGradientsAsync } from './inspect/computeGradients.ts';
import { engineGradientModel, shapeOfEngine } from './engineModel.ts';
import { modelBackward } from './model/backward.ts';
import { completionTargets, nextTokenTargets, type LossTargets } from './model/cache.ts';
import { referenceForward } from './model/forward.ts';
import { allocFlat, type FlatParams } from './model/params.ts';
import type { Gemma3Shape } from './model/shape.ts';

function f64Params(path: string, s: Gemma3Shape): FlatParams {
  const file = openGguf(path);
  try {
    const p = allocFlat(s, 'f64');
    for (const spec of p.specs) p.get(spec.name).set(file.readTensorF32(spec.name));
    return p;
  } finally {
    file.close();
  }
}

function reference(s: Gemma3Shape, p: FlatParams, tokens: number[], loss: LossTargets) {
  const W = (n: string) => p.get(n);
  const grads = allocFlat(s, 'f64');
  const r = referenceForward(s, W, tokens, loss);
  modelBackward(s, W, r.cache, (n) => grads.get(n));
  return { loss: r.loss, grads };
}

function promptOf(n: number, V: number, seed: number): number[] {
  const rand = rng(seed);
  return [2, ...Array.from({ length: n - 1 }, () => 4 + Math.floor(rand() * (V - 4)))];
}

test('nano GGUF, float64: whole-model backward matches finite differences on random entries of every tensor', async () => {
  const { nano } = await ensureTestModels();
  const g = await loadGemma3(nano, { threads: 1 });
  const s = shapeOfEngine(g);
  g.dispose();
  const p = f64Params(nano, s);
  const tokens = promptOf(10, s.V, 1);
  const loss = nextTokenTargets(tokens);
  const { grads } = reference(s, p, tokens, loss);
  const rand = rng(9);
  const h = 1e-5;
  let worst = 0, checked = 0;
  for (const spec of p.specs) {
    const v = p.get(spec.name);
    const idx = Array.from({ length: 4 }, (_, k) =>
      spec.name === 'token_embd.weight' && k < 2 ? tokens[1 + k] * s.D + Math.floor(rand() * s.D) : Math.floor(rand() * v.length));
    const numeric = idx.map((i) => {
      const old = v[i];
      v[i] = old + h;
      const lp = referenceForward(s, (n) => p.get(n), tokens, loss).loss;
      v[i] = old - h;
      const lm = referenceForward(s, (n) => p.get(n), tokens, loss).loss;
      v[i] = old;
      return (lp - lm) / (2 * h);
    });
    const r = compareGrad(grads.get(spec.name), numeric, idx);
    worst = Math.max(worst, r.maxRelErr);
    checked += idx.length;
    assert.ok(r.maxRelErr < 1e-5, `${spec.name}[${r.worst.index}]: analytic ${r.worst.analytic} vs numeric ${r.worst.numeric}`);
  }
  console.log(`  nano f64 whole-model FD: ${checked} entries in ${p.specs.length} tensors, max rel err ${worst.toExponential(2)}`);
});

async function engineVsReference(
  path: string, label: string, tokensN: number, completion: boolean, forward?: 'engine' | 'reference',
): Promise<void> {
  let g: Gemma3 | undefined;
  const model = await (async () => {
    g = await loadGemma3(path, { threads: 1, q8Activations: false });
    return engineGradientModel(g, { threads: 2, forward });
  })();
  try {
    const s = model.shape;
    const tokens = promptOf(tokensN, s.V, 3);
    const targets = completion ? completionTargets(tokens, Math.floor(tokensN / 2)) : undefined;
    const { report, grads } = computeGradients(model, { tokens, targets });
    const ref = reference(s, f64Params(path, s), tokens, targets ?? nextTokenTargets(tokens));
    const lossRel = Math.abs(report.loss - ref.loss) / ref.loss;
    let worst = 0, worstName = '';
    for (const spec of grads.specs) {
      const a = grads.get(spec.name), b = ref.grads.get(spec.name);
      let diff = 0, scale = 0;
      for (let i = 0; i < a.length; i++) { diff = Math.max(diff, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
      const rel = scale > 0 ? diff / scale : diff;
      if (rel > worst) { worst = rel; worstName = spec.name; }
    }
    console.log(`  ${label}: loss ${report.loss.toFixed(5)} (f64 ${ref.loss.toFixed(5)}, rel ${lossRel.toExponential(1)}); ` +
      `worst tensor ${worstName}: max |Δ| / max |g| = ${worst.toExponential(2)}; fwd ${report.timing.forward.toFixed(0)} ms, bwd ${report.timing.backward.toFixed(0)} ms`);
    assert.ok(lossRel < 1e-4, `${label}: loss ${report.loss} vs ${ref.loss}`);
    assert.ok(worst < 1e-3, `${label}: ${worstName} differs from the float64 reference by ${worst} (normwise)`);
  } finally {
    model.dispose();
    g?.dispose();
  }
}

test('engine path (captured forward + SIMD backward, f32) = float64 reference: nano F32, all positions', async () => {
  const { nano } = await ensureTestModels();
  await engineVsReference(nano, 'nano F32', 12, false);
});

test('engine path = float64 reference: mini Q8_0, completion-only loss, prompt beyond the window', async () => {
  const { miniQ8 } = await ensureTestModels();
  await engineVsReference(miniQ8, 'mini Q8_0, engine forward', 20, true, 'engine');
  await engineVsReference(miniQ8, 'mini Q8_0, reference forward on the SIMD kernels', 20, true);
});

test('engine path, float32 end to end: central differences through the engine forward itself (largest entry of every tensor)', async () => {
  const { nano } = await ensureTestModels();
  const g = await loadGemma3(nano, { threads: 1 });
  const model = await engineGradientModel(g, { threads: 1 });
  try {
    const s = model.shape;
    const tokens = promptOf(10, s.V, 5);
    const loss = nextTokenTargets(tokens);
    const { grads } = computeGradients(model, { tokens, targets: loss });
    let worst = 0;
    for (const spec of grads.specs) {
      const gv = grads.get(spec.name);
      let i = 0;
      for (let j = 1; j < gv.length; j++) if (Math.abs(gv[j]) > Math.abs(gv[i])) i = j;
      // perturb the engine's own weight in place (heap view or norm vector), in float32
      const w = model.weight(spec.name);
      const old = w[i];
      const h = 1e-2 * Math.max(Math.abs(old), 0.05);
      w[i] = old + h;
      const hp = w[i] - old; // the step float32 actually took
      const lp = model.forward(tokens, loss).loss;
      w[i] = old - h;
      const hm = old - w[i];
      const lm = model.forward(tokens, loss).loss;
      w[i] = old;
      const numeric = (lp - lm) / (hp + hm);
      const rel = Math.abs(numeric - gv[i]) / Math.max(Math.abs(numeric), Math.abs(gv[i]));
      worst = Math.max(worst, rel);
      assert.ok(rel < 5e-3, `${spec.name}[${i}]: analytic ${gv[i]} vs f32 finite difference ${numeric} (rel ${rel})`);
    }
    console.log(`  nano f32 through the engine forward: ${grads.specs.length} tensors, max rel err ${worst.toExponential(2)} (f32 differences: bound 5e-3)`);
  } finally {
    model.dispose();
    g.dispose();
  }
});

test('computeGradientsAsync: same report as the sync call, progress to 1, cancellable', async () => {
  const { nano } = await ensureTestModels();
  const g = await loadGemma3(nano, { threads: 1 });
  const model = await engineGradientModel(g, { threads: 1 });
  try {
    const tokens = promptOf(9, model.shape.V, 8);
    const sync = computeGradients(model, { tokens }).report;
    const progress: number[] = [];
    const { report } = await computeGradientsAsync(model, { tokens }, { onProgress: (f) => progress.push(f) });
    assert.equal(report.loss, sync.loss);
    assert.deepEqual(report.perLayer, sync.perLayer);
    assert.deepEqual(report.attribution, sync.attribution);
    assert.equal(progress.at(-1), 1);
    assert.ok(progress.every((p, i) => i === 0 || p >= progress[i - 1]), `progress ${progress}`);
    const ac = new AbortController();
    const pending = computeGradientsAsync(model, { tokens }, { signal: ac.signal, onProgress: (f) => { if (f > 0.4) ac.abort(); } });
    await assert.rejects(pending, (e: Error) => e.name === 'AbortError');
  } finally {
    model.dispose();
    g.dispose();
  }
});

test('a second gradient model for the same loaded model reuses its heap buffers (no heap growth)', async () => {
  const { miniQ8 } = await ensureTestModels();
  const g = await loadGemma3(miniQ8, { threads: 1, q8Activations: false });
  try {
    const tokens = promptOf(8, g.config.vocab, 2);
    const first = await engineGradientModel(g, { threads: 1 });
    const a = computeGradients(first, { tokens }).report;
    first.dispose();
    const used = g.model.matmul.heap.bytesUsed;
    const second = await engineGradientModel(g, { threads: 1 });
    const b = computeGradients(second, { tokens }).report;
    second.dispose();
    assert.equal(g.model.matmul.heap.bytesUsed, used, 'heap grew on the second gradient model');
    assert.equal(a.loss, b.loss);
    assert.deepEqual(a.perTensor, b.perTensor);
  } finally {
    g.dispose();
  }
});
