// Adapter files and the adapter CLI against independent references:
//   - PEFT and GGUF adapters round-trip through our loader bit for bit, with PEFT's names/layouts;
//   - `glassbox forward --lora` agrees with llama.cpp loading the same GGUF adapter (F32 mini model,
//     prompt beyond the sliding window): argmax identical, TV ≤ 2e-3 (the engine agreement test's
//     F32 bound: our 'llama' numerics vs llama.cpp's f16 KV cache, and exact numerics vs an f32 KV cache);
//   - `glassbox grad --lora` matches central differences of the mean next-token CE computed in
//     float64 from `glassbox forward --lora` logits (a separate path: forward only, no backward);
//   - an adapter for another model is refused with a message that says so.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Llama } from 'node-llama-cpp';
import { ensureTestModels, type TestModels } from '../../../../test-support/models.ts';
import { glassbox, tempDir, testLlama } from '../../../../test-support/lora-fixtures.ts';
import { loadGemma3 } from '../models/gemma3/index.ts';
import { PRESETS } from '../../../../test-support/synth/presets.ts';
import { initAdapter, LORA_TARGETS, type Adapter } from '../train/lora.ts';
import { mulberry32 } from '../train/random.ts';
import { checkAdapterMatchesModel, loadAdapter, writeGgufAdapter, writePeftAdapter } from './adapter.ts';
import { readSafetensors } from './safetensors.ts';

const { dir, remove } = tempDir('glassbox-adapter-');
let models: TestModels;
let llama: Llama;
before(async () => {
  models = await ensureTestModels();
  llama = await testLlama();
});
after(async () => {
  await llama?.dispose();
  remove();
});

function miniAdapter(seed: number, rank = 4, scaleB = 0.15): Adapter {
  const c = PRESETS.mini;
  const ad = initAdapter(
    { layers: c.layers, hidden: c.hidden, qDim: c.heads * c.headDim, kvDim: c.kvHeads * c.headDim, ffn: c.ffn },
    { targets: LORA_TARGETS, rank, alpha: 2 * rank, seed },
  );
  const rnd = mulberry32(seed + 1);
  for (const p of ad.pairs) for (let i = 0; i < p.b.length; i++) p.b[i] = (rnd() - 0.5) * scaleB;
  return ad;
}

test('PEFT and GGUF adapters round-trip through our loader', () => {
  const ad = miniAdapter(3);
  const peft = join(dir, 'peft');
  writePeftAdapter(peft, ad, { baseModel: 'google/gemma-3-270m' });
  assert.deepEqual(readdirSync(peft).sort(), ['adapter_config.json', 'adapter_model.safetensors']);
  const cfg = JSON.parse(readFileSync(join(peft, 'adapter_config.json'), 'utf8'));
  assert.equal(cfg.r, 4);
  assert.equal(cfg.lora_alpha, 8);
  assert.deepEqual(cfg.target_modules, ['down_proj', 'gate_proj', 'k_proj', 'o_proj', 'q_proj', 'up_proj', 'v_proj']);
  const st = readSafetensors(readFileSync(join(peft, 'adapter_model.safetensors')));
  const qa = st['base_model.model.model.layers.2.self_attn.q_proj.lora_A.weight'];
  const db = st['base_model.model.model.layers.5.mlp.down_proj.lora_B.weight'];
  assert.deepEqual(qa.shape, [4, PRESETS.mini.hidden]);
  assert.deepEqual(db.shape, [PRESETS.mini.hidden, 4]);

  const gguf = join(dir, 'a.gguf');
  writeGgufAdapter(gguf, ad, { architecture: 'gemma3' });
  for (const back of [loadAdapter(peft), loadAdapter(gguf)]) {
    assert.equal(back.rank, 4);
    assert.equal(back.alpha, 8);
    assert.equal(back.pairs.length, ad.pairs.length);
    for (const p of ad.pairs) {
      const q = back.pairs.find((x) => x.base === p.base)!;
      assert.ok(q, `${back.format}: ${p.base} missing`);
      assert.deepEqual([q.inDim, q.outDim, q.rank], [p.inDim, p.outDim, p.rank]);
      assert.deepEqual(q.a, p.a);
      assert.deepEqual(q.b, p.b);
    }
  }
});

test('forward --lora agrees with llama.cpp loading the same adapter (F32: argmax, TV ≤ 2e-3)', async () => {
  const ad = miniAdapter(11);
  const adapterPath = join(dir, 'agree.gguf');
  writeGgufAdapter(adapterPath, ad, { architecture: 'gemma3' });
  const lm = await llama.loadModel({ modelPath: models.miniF32 });
  try {
    const text = 'The quick brown fox jumps over the lazy dog, then it runs back home before the sun sets.';
    const ids = [lm.tokens.bos!, ...lm.tokenize(text, true)].map(Number);
    assert.ok(ids.length > PRESETS.mini.window + 8, 'the prompt must pass the sliding window');
    const V = PRESETS.mini.vocab;
    const llamaProbs = async (kvF32: boolean, adapter: boolean) => {
      const ctx = await lm.createContext({
        contextSize: 256,
        threads: 2,
        flashAttention: false,
        ...(kvF32 ? { experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' } : {}),
        ...(adapter ? { lora: { adapters: [{ filePath: adapterPath, scale: 1 }] } } : {}),
      } as never);
      try {
        const out = await ctx
          .getSequence()
          .controlledEvaluate(ids.map((t) => [t, { generateNext: { probabilities: true } }] as [number, object]) as never);
        return out.map((r) => {
          const p = new Float64Array(V);
          for (const [tok, pr] of (r as { next: { probabilities: Map<number, number> } }).next.probabilities) p[Number(tok)] = pr;
          return p;
        });
      } finally {
        await ctx.dispose();
      }
    };
    const ours = (numerics: string) => {
      const out = join(dir, `fwd-${numerics}.safetensors`);
      const r = glassbox([
        'forward',
        '--model',
        models.miniF32,
        '--lora',
        adapterPath,
        '--tokens',
        ids.join(','),
        '--out',
        out,
        '--threads',
        '2',
        '--numerics',
        numerics,
      ]);
      assert.equal(r.status, 0, r.stderr);
      return readSafetensors(readFileSync(out)).logits.data;
    };
    const compare = (logits: Float32Array, ref: Float64Array[], label: string) => {
      let worst = 0;
      for (let t = 0; t < ids.length; t++) {
        let m = -Infinity;
        for (let i = 0; i < V; i++) m = Math.max(m, logits[t * V + i]);
        let z = 0;
        for (let i = 0; i < V; i++) z += Math.exp(logits[t * V + i] - m);
        let tv = 0,
          a = 0,
          b = 0;
        for (let i = 0; i < V; i++) {
          const p = Math.exp(logits[t * V + i] - m) / z;
          tv += Math.abs(p - ref[t][i]);
          if (logits[t * V + i] > logits[t * V + a]) a = i;
          if (ref[t][i] > ref[t][b]) b = i;
        }
        assert.equal(a, b, `${label}: argmax differs at position ${t}`);
        worst = Math.max(worst, tv / 2);
      }
      return worst;
    };
    const tvLlama = compare(ours('llama'), await llamaProbs(false, true), 'llama numerics vs f16 KV');
    const tvExact = compare(ours('exact'), await llamaProbs(true, true), 'exact vs f32 KV');
    // the adapter must matter, or agreement would prove nothing about how it is applied
    const base = await llamaProbs(true, false),
      withAd = await llamaProbs(true, true);
    let moved = 0;
    for (let t = 0; t < ids.length; t++) {
      let tv = 0;
      for (let i = 0; i < V; i++) tv += Math.abs(base[t][i] - withAd[t][i]);
      moved = Math.max(moved, tv / 2);
    }
    console.log(
      `# adapter agreement: worst TV ${tvLlama.toExponential(3)} ('llama' numerics, f16 KV), ${tvExact.toExponential(3)} (exact, f32 KV); the adapter itself moves TV by up to ${moved.toFixed(3)}`,
    );
    assert.ok(moved > 0.05, `the random adapter barely changes llama.cpp's output (TV ${moved})`);
    assert.ok(tvLlama <= 2e-3, `TV ${tvLlama} > 2e-3`);
    assert.ok(tvExact <= 2e-3, `TV ${tvExact} > 2e-3`);
  } finally {
    await lm.dispose();
  }
});

test('grad --lora matches central differences of the forward --lora loss', async () => {
  const ad = miniAdapter(5, 2, 0.2);
  const tokens = [2, 17, 40, 99, 5, 300, 41, 8, 12, 77, 500, 3, 64, 19, 250, 33, 7];
  const adapterPath = join(dir, 'grad.gguf');
  writeGgufAdapter(adapterPath, ad, { architecture: 'gemma3' });
  const out = join(dir, 'g.safetensors');
  const r = glassbox([
    'grad',
    '--model',
    models.miniF32,
    '--lora',
    adapterPath,
    '--tokens',
    tokens.join(','),
    '--out',
    out,
    '--threads',
    '2',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const grads = readSafetensors(readFileSync(out));
  assert.equal(Object.keys(grads).filter((k) => /\.lora_[ab]$/.test(k)).length, 2 * ad.pairs.length);
  assert.deepEqual(grads['blk.0.attn_q.weight.lora_a'].shape, [2, PRESETS.mini.hidden]);
  assert.deepEqual(grads['blk.0.attn_q.weight.lora_b'].shape, [PRESETS.mini.heads * PRESETS.mini.headDim, 2]);
  assert.ok(
    Object.keys(grads).every((k) => !k.endsWith('.weight')),
    'only adapter gradients are written',
  );

  // independent loss: the engine's forward with the adapter on its LoRA hooks (the forward CLI
  // path, step.logits), mean next-token CE in float64
  const g = await loadGemma3(models.miniF32, { threads: 2, numerics: 'exact' });
  const { createModelStep } = await import('../train/model-step.ts');
  const step = await createModelStep(g);
  try {
    const V = g.config.vocab;
    const lossOf = () => {
      const logits = step.logits(ad, tokens, 'all');
      let sum = 0;
      for (let t = 0; t < tokens.length - 1; t++) {
        let m = -Infinity;
        for (let i = 0; i < V; i++) m = Math.max(m, logits[t * V + i]);
        let z = 0;
        for (let i = 0; i < V; i++) z += Math.exp(logits[t * V + i] - m);
        sum += Math.log(z) + m - logits[t * V + tokens[t + 1]];
      }
      return sum / (tokens.length - 1);
    };
    assert.ok(Math.abs(lossOf() - grads.loss.data[0]) < 1e-4, `loss ${grads.loss.data[0]} vs forward ${lossOf()}`);
    const h = 1e-2;
    let worst = { err: 0, where: '' };
    for (const p of ad.pairs.filter((_, i) => i % 3 === 0)) {
      for (const which of ['a', 'b'] as const) {
        const gv = grads[`${p.base}.lora_${which}`].data;
        let idx = 0;
        for (let i = 1; i < gv.length; i++) if (Math.abs(gv[i]) > Math.abs(gv[idx])) idx = i;
        const keep = p[which][idx];
        p[which][idx] = keep + h;
        const up = lossOf();
        p[which][idx] = keep - h;
        const down = lossOf();
        p[which][idx] = keep;
        const fd = (up - down) / (2 * h);
        const err = Math.abs(fd - gv[idx]) / Math.max(Math.abs(fd), Math.abs(gv[idx]), 1e-4);
        if (err > worst.err) worst = { err, where: `${p.base}.lora_${which}[${idx}]: analytic ${gv[idx]}, numeric ${fd}` };
      }
    }
    console.log(`# grad --lora vs central differences: worst relative error ${worst.err.toExponential(2)} (${worst.where})`);
    assert.ok(worst.err < 2e-2, worst.where);
  } finally {
    step.dispose();
    g.dispose();
  }
});

test('an adapter made for another model is refused with a clear message', async () => {
  const c = PRESETS.nano;
  const nanoAd = initAdapter(
    { layers: c.layers, hidden: c.hidden, qDim: c.heads * c.headDim, kvDim: c.kvHeads * c.headDim, ffn: c.ffn },
    { targets: ['q'], rank: 2, alpha: 4, seed: 1 },
  );
  const path = join(dir, 'nano.gguf');
  writeGgufAdapter(path, nanoAd, { architecture: 'gemma3' });
  assert.throws(() => checkAdapterMatchesModel(path, models.miniF32), /made for another model/);
  const r = glassbox(['forward', '--model', models.miniF32, '--lora', path, '--tokens', '2,17,40', '--out', join(dir, 'x.safetensors')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /made for another model/);
  assert.throws(() => loadAdapter(models.nano), /not a LoRA adapter/);
});
