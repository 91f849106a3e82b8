// Whole-model gradient checks of the Gemma 3 backward.
// 1. float64 reference forward + backward vs central differences on random parameter entries of
//    every tensor of a tiny random model with sliding and global layers, GQA and a soft-cap.
// 2. the float32 path against the float64 one (what f32 rounding costs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareGrad, rng } from '../gradcheck.ts';
import { modelBackward } from './backward.ts';
import { completionTargets, nextTokenTargets, type LossTargets } from './cache.ts';
import { referenceForward } from './forward.ts';
import { allocFlat } from './params.ts';
import { randomParams, tinyShape } from './testModel.ts';
import type { Gemma3Shape } from './shape.ts';

function fdCheck(s: Gemma3Shape, tokens: number[], loss: LossTargets, label: string, perTensor = 6): number {
  const params = randomParams(s, 42);
  const W = (n: string) => params.get(n);
  const grads = allocFlat(s, 'f64');
  const { cache } = referenceForward(s, W, tokens, loss);
  modelBackward(s, W, cache, (n) => grads.get(n));
  const rand = rng(7);
  const h = 1e-5;
  let worst = 0;
  for (const spec of params.specs) {
    const v = params.get(spec.name);
    const idx: number[] = [];
    // for the embedding, prefer rows the prompt reads (both input and head gradient land there)
    for (let k = 0; k < perTensor; k++) {
      if (spec.name === 'token_embd.weight' && k % 2 === 0) idx.push(tokens[k % tokens.length] * s.D + Math.floor(rand() * s.D));
      else idx.push(Math.floor(rand() * v.length));
    }
    const numeric = idx.map((i) => {
      const old = v[i];
      v[i] = old + h;
      const lp = referenceForward(s, W, tokens, loss).loss;
      v[i] = old - h;
      const lm = referenceForward(s, W, tokens, loss).loss;
      v[i] = old;
      return (lp - lm) / (2 * h);
    });
    const r = compareGrad(grads.get(spec.name), numeric, idx);
    worst = Math.max(worst, r.maxRelErr);
    assert.ok(r.maxRelErr < 1e-5,
      `${label} ${spec.name}[${r.worst.index}]: analytic ${r.worst.analytic} vs numeric ${r.worst.numeric} (rel ${r.maxRelErr})`);
  }
  console.log(`  ${label}: max rel err over ${params.specs.length} tensors × ${perTensor} entries = ${worst.toExponential(2)}`);
  return worst;
}

test('whole model, float64: next-token loss over all positions matches finite differences', () => {
  const tokens = [2, 5, 9, 5, 1, 7];
  fdCheck(tinyShape, tokens, nextTokenTargets(tokens), 'mean next-token CE');
});

test('whole model, float64: completion-only loss, soft-capped logits, GQA 4:2', () => {
  const s: Gemma3Shape = { ...tinyShape, H: 4, Hkv: 2, softcap: 3, L: 4, slidingPattern: 3 };
  const tokens = [2, 3, 4, 8, 10, 0, 6];
  fdCheck(s, tokens, completionTargets(tokens, 4), 'completion CE, softcap');
});

test('float32 backward agrees with float64 to f32 rounding', () => {
  const s = tinyShape;
  const p64 = randomParams(s, 42);
  const p32 = allocFlat(s, 'f32');
  p32.flat.set(p64.flat);
  const tokens = [2, 5, 9, 5, 1, 7];
  const loss = nextTokenTargets(tokens);
  const g64 = allocFlat(s, 'f64'), g32 = allocFlat(s, 'f32');
  const r64 = referenceForward(s, (n) => p64.get(n), tokens, loss);
  const r32 = referenceForward(s, (n) => p32.get(n), tokens, loss, { precision: 'f32' });
  modelBackward(s, (n) => p64.get(n), r64.cache, (n) => g64.get(n));
  modelBackward(s, (n) => p32.get(n), r32.cache, (n) => g32.get(n));
  assert.ok(Math.abs(r64.loss - r32.loss) < 1e-5 * r64.loss);
  let worst = 0;
  for (const spec of p64.specs) {
    const a = g64.get(spec.name), b = g32.get(spec.name);
    let diff = 0, scale = 0;
    for (let i = 0; i < a.length; i++) { diff = Math.max(diff, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(a[i])); }
    const rel = diff / scale;
    worst = Math.max(worst, rel);
    assert.ok(rel < 1e-4, `${spec.name}: f32 vs f64 normwise rel diff ${rel}`);
  }
  console.log(`  f32 vs f64 gradients: max normwise rel diff ${worst.toExponential(2)}`);
});
