// Gradients through the engine's one forward (model.ts) and its backward (backward.ts), checked by
// finite differences of that same forward in float32: the weights are perturbed in place (F32
// weights in the heap, or the dequantized copy a Q8_0 model with float activations multiplies by),
// so the numeric derivative is of exactly the function the app runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTestModels } from '../../../../../test-support/models.ts';
import { rng } from '../../tensor/random.ts';
import { backward, forwardForLoss } from './backward.ts';
import { computeGradients, computeGradientsAsync } from './gradient-report.ts';
import { loadGemma3, type Gemma3 } from './index.ts';
import { completionTargets, nextTokenTargets, type LossTargets } from './loss.ts';
import { LoraAdapter } from './lora.ts';
import type { Gemma3Model, LinearAdapter } from './model.ts';

function promptOf(n: number, V: number, seed: number): number[] {
  const rand = rng(seed);
  return [2, ...Array.from({ length: n - 1 }, () => 4 + Math.floor(rand() * (V - 4)))];
}

/** The float32 values the forward multiplies by, writable in place. */
function weightValues(model: Gemma3Model, name: string): Float32Array {
  const spec = model.weights.specs.find((s) => s.name === name)!;
  return spec.kind === 'vector' ? model.weights.vector(name) : model.matmul.floatMatrix(model.weights.matrix(name));
}

/**
 * Central difference of the loss along `dir` (the gradient itself): (L(w + h·dir) − L(w − h·dir)),
 * against g·(Δ₊ − Δ₋) with the steps float32 actually took. Returns the relative error.
 */
function directional(values: Float32Array, g: ArrayLike<number>, lossAt: () => number, relStep = 1e-3): number {
  let gg = 0;
  for (let i = 0; i < g.length; i++) gg += g[i] * g[i];
  if (gg === 0) return 0;
  const base = lossAt();
  const h = (relStep * Math.max(Math.abs(base), 1)) / gg; // moves the loss by ≈ relStep·|L|
  const old = values.slice();
  let predicted = 0;
  for (let i = 0; i < values.length; i++) values[i] = old[i] + h * g[i];
  for (let i = 0; i < values.length; i++) predicted += g[i] * (values[i] - old[i]);
  const lp = lossAt();
  for (let i = 0; i < values.length; i++) values[i] = old[i] - h * g[i];
  for (let i = 0; i < values.length; i++) predicted -= g[i] * (values[i] - old[i]);
  const lm = lossAt();
  values.set(old);
  return Math.abs(lp - lm - predicted) / Math.abs(predicted);
}

async function fdThroughForward(path: string, label: string, tokensN: number, completion: boolean, entries: boolean): Promise<void> {
  const g: Gemma3 = await loadGemma3(path, { threads: 2, q8Activations: false });
  try {
    const model = g.model;
    const tokens = promptOf(tokensN, g.config.vocab, 5);
    const loss: LossTargets = completion ? completionTargets(tokens, Math.floor(tokensN / 2)) : nextTokenTargets(tokens);
    const { grads, report } = computeGradients(model, { tokens, targets: loss });
    const lossAt = () => forwardForLoss(model, tokens, loss).value;
    assert.ok(Math.abs(lossAt() - report.loss) <= 1e-6 * report.loss, "the report's loss is the forward's");
    let worstDir = 0,
      worstEntry = 0;
    for (const spec of model.weights.specs) {
      const gv = grads.get(spec.name);
      const w = weightValues(model, spec.name);
      const dirErr = directional(w, gv, lossAt);
      worstDir = Math.max(worstDir, dirErr);
      assert.ok(dirErr < 2e-3, `${label} ${spec.name}: directional derivative off by ${dirErr}`);
      if (!entries) continue;
      // the largest entry on its own (a single-entry float32 difference: small models only)
      let i = 0;
      for (let j = 1; j < gv.length; j++) if (Math.abs(gv[j]) > Math.abs(gv[i])) i = j;
      const old = w[i];
      const h = 1e-2 * Math.max(Math.abs(old), 0.05);
      w[i] = old + h;
      const hp = w[i] - old;
      const lp = lossAt();
      w[i] = old - h;
      const hm = old - w[i];
      const lm = lossAt();
      w[i] = old;
      const numeric = (lp - lm) / (hp + hm);
      const rel = Math.abs(numeric - gv[i]) / Math.max(Math.abs(numeric), Math.abs(gv[i]));
      worstEntry = Math.max(worstEntry, rel);
      assert.ok(rel < 5e-3, `${label} ${spec.name}[${i}]: analytic ${gv[i]} vs f32 finite difference ${numeric} (rel ${rel})`);
    }
    console.log(
      `  ${label}: ${model.weights.specs.length} tensors; directional max rel err ${worstDir.toExponential(2)}${entries ? `, largest entries ${worstEntry.toExponential(2)}` : ''}`,
    );
  } finally {
    g.dispose();
  }
}

test("nano F32: every weight's gradient matches finite differences through the engine forward (directional + largest entry)", async () => {
  const { nano } = await ensureTestModels();
  await fdThroughForward(nano, 'nano F32, next-token loss', 10, false, true);
});

test('mini Q8_0 with float activations (the SIMD kernels on the dequantized copy): completion loss, prompt beyond the window, GQA', async () => {
  const { miniQ8 } = await ensureTestModels();
  await fdThroughForward(miniQ8, 'mini Q8_0, completion loss', 20, true, false);
});

test('LoRA hooks: adapter factor gradients match finite differences through the whole model; frozen weights get no dW', async () => {
  const { nano } = await ensureTestModels();
  const g = await loadGemma3(nano, { threads: 2 });
  try {
    const model = g.model;
    const { hidden: D, heads: H, headDim: Dh, ffn: F } = g.config;
    const rand = rng(31);
    const randArr = (n: number, s: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * s);
    const r = 4;
    const q = new LoraAdapter(model.matmul, randArr(r * D, 0.2), randArr(H * Dh * r, 0.2), r, D, H * Dh, 2);
    const down = new LoraAdapter(model.matmul, randArr(r * F, 0.1), randArr(D * r, 0.2), r, F, D, 0.5);
    const adapters = new Map<string, LinearAdapter>([
      ['blk.0.attn_q.weight', q],
      ['blk.1.ffn_down.weight', down],
    ]);
    const tokens = promptOf(9, g.config.vocab, 3);
    const loss = nextTokenTargets(tokens);
    const lossAt = () => forwardForLoss(model, tokens, loss, { adapters }).value;
    assert.notEqual(lossAt(), forwardForLoss(model, tokens, loss).value, 'the adapters change the forward');

    // the base model frozen: the sink says null for every weight, and no dW is ever formed
    const asked = new Set<string>();
    const mm = model.matmul;
    const original = mm.linearBackward.bind(mm);
    let dwFormed = 0;
    mm.linearBackward = (w, dy, x, T, dx, dw) => {
      if (dw) dwFormed++;
      original(w, dy, x, T, dx, dw);
    };
    try {
      backward(model, forwardForLoss(model, tokens, loss, { adapters }), (name) => (asked.add(name), null), { adapters });
    } finally {
      mm.linearBackward = original;
    }
    assert.equal(dwFormed, 0);
    assert.equal(asked.size, model.weights.specs.length, 'the sink was asked about every weight');

    let worst = 0;
    for (const [label, a] of [
      ['q', q],
      ['down', down],
    ] as const) {
      for (const [name, values, grad] of [
        ['A', a.A, a.gradA],
        ['B', a.B, a.gradB],
      ] as const) {
        assert.ok(
          grad.some((v) => v !== 0),
          `${label}.${name} got a gradient`,
        );
        const err = directional(values, grad, lossAt);
        worst = Math.max(worst, err);
        assert.ok(err < 2e-3, `LoRA ${label}.${name}: directional derivative off by ${err}`);
      }
    }
    console.log(`  LoRA on attn_q (layer 0) and ffn_down (layer 1), base frozen: max directional rel err ${worst.toExponential(2)}`);
  } finally {
    g.dispose();
  }
});

test('computeGradientsAsync: the same report as the sync call, progress per layer to 1, cancellable', async () => {
  const { nano } = await ensureTestModels();
  const g = await loadGemma3(nano, { threads: 1 });
  try {
    const tokens = promptOf(9, g.config.vocab, 8);
    const sync = computeGradients(g.model, { tokens }).report;
    const progress: number[] = [];
    const { report } = await computeGradientsAsync(g.model, { tokens }, { onProgress: (f) => progress.push(f) });
    assert.equal(report.loss, sync.loss);
    assert.deepEqual(report.perTensor, sync.perTensor);
    assert.deepEqual(report.attribution, sync.attribution);
    assert.equal(progress.length, 2 * g.config.layers + 1, `one step per forward layer and backward layer: ${progress}`);
    assert.equal(progress.at(-1), 1);
    assert.ok(
      progress.every((p, i) => i === 0 || p > progress[i - 1]),
      `progress ${progress}`,
    );
    const ac = new AbortController();
    const pending = computeGradientsAsync(
      g.model,
      { tokens },
      {
        signal: ac.signal,
        onProgress: (f) => {
          if (f > 0.5) ac.abort();
        },
      },
    );
    await assert.rejects(pending, (e: Error) => e.name === 'AbortError');
    // frozen tensors: zero, the rest not
    const { grads } = computeGradients(g.model, { tokens }, { freeze: (n) => n.includes('ffn_up') });
    assert.ok(grads.get('blk.1.ffn_up.weight').every((v) => v === 0));
    assert.ok(grads.get('blk.1.ffn_gate.weight').some((v) => v !== 0));
  } finally {
    g.dispose();
  }
});

test('report: attribution sums to d/dα L(α·x0), the last position gets no gradient, heap buffers are reused', async () => {
  const { nano } = await ensureTestModels();
  const g = await loadGemma3(nano, { threads: 1 });
  try {
    const tokens = promptOf(7, g.config.vocab, 4);
    const { report } = computeGradients(g.model, { tokens });
    const used = g.model.matmul.heap.bytesUsed;
    computeGradients(g.model, { tokens });
    assert.equal(g.model.matmul.heap.bytesUsed, used, 'a second call grew the heap');
    assert.equal(report.attribution[tokens.length - 1].gradNorm, 0);
    assert.ok(report.attribution[0].gradNorm > 0);
    assert.equal(report.residualNorm.length, g.config.layers + 1);
    // Σ grad×input = dL/dα of L(α·x0) at α = 1: scale inp_embd with a hook, difference in float32
    const total = report.attribution.reduce((a, r) => a + r.gradXInput, 0);
    const loss = nextTokenTargets(tokens);
    const lossAt = (alpha: number) => {
      const r = g.model.forward(tokens, {
        logitPositions: loss.positions,
        hooks: [{ name: 'inp_embd', fn: ({ data }) => data.map((v) => v * alpha) }],
      });
      const V = g.config.vocab;
      let l = 0;
      loss.positions.forEach((_, p) => {
        let m = -Infinity;
        for (let i = 0; i < V; i++) m = Math.max(m, r.logits[p * V + i]);
        let s = 0;
        for (let i = 0; i < V; i++) s += Math.exp(r.logits[p * V + i] - m);
        l += (m + Math.log(s) - r.logits[p * V + loss.targets[p]]) / loss.positions.length;
      });
      return l;
    };
    const h = 1e-2;
    const numeric = (lossAt(1 + h) - lossAt(1 - h)) / (2 * h);
    console.log(`  Σ grad×input ${total.toFixed(6)} vs float32 finite difference ${numeric.toFixed(6)}`);
    assert.ok(Math.abs(total - numeric) < 1e-2 * Math.max(1e-3, Math.abs(numeric)) + 1e-4, `Σ grad×input ${total} vs d/dα ${numeric}`);
  } finally {
    g.dispose();
  }
});

test('reportOnly (the Gradients tab): the same report without forming the embedding gradient; its norm from the tied parts', async () => {
  const { nano, miniF32 } = await ensureTestModels();
  for (const path of [nano, miniF32]) {
    const g = await loadGemma3(path, { threads: 2 });
    try {
      // a repeated token: its embedding row gets two input contributions and the head's
      const tokens = [...promptOf(9, g.config.vocab, 12), 7, 7];
      for (const targets of [undefined, completionTargets(tokens, 6)]) {
        const full = computeGradients(g.model, { tokens, targets }, { freeze: (n) => n.includes('ffn_up') }).report;
        const lean = computeGradients(g.model, { tokens, targets }, { reportOnly: true, freeze: (n) => n.includes('ffn_up') });
        assert.equal(lean.grads, null);
        assert.equal(lean.report.loss, full.loss);
        assert.deepEqual(lean.report.attribution, full.attribution);
        for (const t of full.perTensor) {
          const l = lean.report.perTensor.find((x) => x.name === t.name)!;
          const rel = Math.abs(l.gradNorm - t.gradNorm) / Math.max(t.gradNorm, 1e-30);
          assert.ok(t.gradNorm === 0 ? l.gradNorm === 0 : rel < 1e-4, `${t.name}: ${l.gradNorm} vs ${t.gradNorm}`);
        }
        assert.ok(full.perTensor.find((t) => t.name === 'token_embd.weight')!.gradNorm > 0);
      }
    } finally {
      g.dispose();
    }
  }
});
