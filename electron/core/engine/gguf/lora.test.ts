// A LoRA adapter written by our writer is accepted by llama.cpp and acts as W + (alpha/r)·B·A:
// B = 0 leaves every probability unchanged; a random B·A moves them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel } from 'node-llama-cpp';
import { ensureTestModels } from '../../../../test-support/models.ts';
import { PRESETS } from '../../../../test-support/synth/presets.ts';
import { GgufError } from './errors.ts';
import { loraAdapterSpec, type LoraPair } from './lora.ts';
import { openGguf } from './reader.ts';
import { writeGguf } from './writer.ts';
import { GgmlType } from './types.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-lora-'));
let llama: Llama | undefined;
after(async () => {
  await llama?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function pairs(scaleB: number): LoraPair[] {
  const cfg = PRESETS.mini;
  const r = 4;
  let s = 42;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const make = (base: string, inDim: number, outDim: number): LoraPair => ({
    base,
    inDim,
    outDim,
    rank: r,
    a: Float32Array.from({ length: r * inDim }, () => rnd() / Math.sqrt(inDim)),
    b: Float32Array.from({ length: outDim * r }, () => rnd() * scaleB),
  });
  return [
    make('blk.0.attn_q.weight', cfg.hidden, cfg.heads * cfg.headDim),
    make('blk.3.ffn_down.weight', cfg.ffn, cfg.hidden),
    make('blk.5.attn_output.weight', cfg.heads * cfg.headDim, cfg.hidden),
  ];
}

async function nextTokenProbs(model: LlamaModel, adapter?: string): Promise<Map<number, number>> {
  const ctx = await model.createContext({
    contextSize: 128,
    threads: 2,
    ...(adapter ? { lora: { adapters: [{ filePath: adapter, scale: 1 }] } } : {}),
  });
  try {
    const prompt = [model.tokens.bos!, ...model.tokenize('the small cat sat on the mat and then', false)];
    const res = await ctx
      .getSequence()
      .controlledEvaluate(prompt.map((t, i) => (i === prompt.length - 1 ? [t, { generateNext: { probabilities: true } }] : t)));
    return res[res.length - 1]!.next!.probabilities! as Map<number, number>;
  } finally {
    await ctx.dispose();
  }
}

function tv(p: Map<number, number>, q: Map<number, number>): number {
  let s = 0;
  for (const k of new Set([...p.keys(), ...q.keys()])) s += Math.abs((p.get(k) ?? 0) - (q.get(k) ?? 0));
  return s / 2;
}

test('adapters round-trip through our reader with llama.cpp shapes and metadata', () => {
  const path = join(dir, 'a.gguf');
  writeGguf(path, loraAdapterSpec({ architecture: 'gemma3', alpha: 8, pairs: pairs(0.5) }));
  const f = openGguf(path);
  try {
    assert.equal(f.metadata['general.type'], 'adapter');
    assert.equal(f.metadata['adapter.type'], 'lora');
    assert.equal(f.metadata['adapter.lora.alpha'], 8);
    assert.deepEqual(f.tensor('blk.0.attn_q.weight.lora_a')!.dims, [128, 4]);
    assert.deepEqual(f.tensor('blk.0.attn_q.weight.lora_b')!.dims, [4, 256]);
  } finally {
    f.close();
  }
  assert.throws(
    () => loraAdapterSpec({ architecture: 'gemma3', alpha: 1, pairs: [{ ...pairs(1)[0], base: 'blk.0.attn_norm.weight' }] }),
    (e: GgufError) => e.code === 'INVALID_ARGUMENT',
  );
});

test('llama.cpp applies our adapter: B = 0 changes nothing, random B·A changes the distribution', async () => {
  const { miniF32 } = await ensureTestModels();
  const zero = join(dir, 'zero.gguf');
  const live = join(dir, 'live.gguf');
  writeGguf(zero, loraAdapterSpec({ architecture: 'gemma3', alpha: 8, pairs: pairs(0) }));
  writeGguf(live, loraAdapterSpec({ architecture: 'gemma3', alpha: 8, pairs: pairs(2) }));
  llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: miniF32 });
  try {
    const base = await nextTokenProbs(model);
    const withZero = await nextTokenProbs(model, zero);
    const withLive = await nextTokenProbs(model, live);
    const dZero = tv(base, withZero);
    const dLive = tv(base, withLive);
    console.log(`LoRA: total variation vs base, B = 0: ${dZero.toExponential(2)}; random B·A: ${dLive.toFixed(3)}`);
    assert.ok(dZero < 1e-5, `a zero adapter moved probabilities by ${dZero}`);
    assert.ok(dLive > 0.02, `a random adapter barely moved probabilities (${dLive})`);
  } finally {
    await model.dispose();
  }
});

test('the adapter means W + (alpha/r)·B·A: merging it into the weights gives the same distribution', async () => {
  const { miniF32 } = await ensureTestModels();
  const alpha = 8;
  const ps = pairs(0.5);
  const adapter = join(dir, 'merge-check.gguf');
  writeGguf(adapter, loraAdapterSpec({ architecture: 'gemma3', alpha, pairs: ps }));

  // Merge by hand: W is stored as `out` rows of `in` values, so W'[o][i] = W[o][i] + s·Σ_k B[o][k]·A[k][i].
  const merged = join(dir, 'merged.gguf');
  const src = openGguf(miniF32);
  try {
    const byBase = new Map(ps.map((p) => [p.base, p]));
    writeGguf(merged, {
      metadata: src.typedMetadata,
      tensors: src.tensors.map((t) => ({
        name: t.name,
        dims: t.dims,
        type: t.type,
        produce: () => {
          const w = src.readTensorF32(t.name);
          const p = byBase.get(t.name);
          if (!p) return w;
          assert.equal(t.type, GgmlType.F32);
          const scale = alpha / p.rank;
          for (let o = 0; o < p.outDim; o++)
            for (let i = 0; i < p.inDim; i++) {
              let acc = 0;
              for (let k = 0; k < p.rank; k++) acc += p.b[o * p.rank + k] * p.a[k * p.inDim + i];
              w[o * p.inDim + i] += scale * acc;
            }
          return w;
        },
      })),
    });
  } finally {
    src.close();
  }

  llama ??= await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error });
  const base = await llama.loadModel({ modelPath: miniF32 });
  const mergedModel = await llama.loadModel({ modelPath: merged });
  try {
    const viaAdapter = await nextTokenProbs(base, adapter);
    const viaMerge = await nextTokenProbs(mergedModel);
    const plain = await nextTokenProbs(base);
    const d = tv(viaAdapter, viaMerge);
    console.log(`LoRA: adapter vs merged weights TV ${d.toExponential(2)} (adapter vs base ${tv(viaAdapter, plain).toFixed(3)})`);
    assert.ok(tv(viaAdapter, plain) > 0.02, 'the adapter should matter for this check to mean anything');
    assert.ok(d < 5e-3, `adapter and merged weights disagree: TV ${d}`);
  } finally {
    await base.dispose();
    await mergedModel.dispose();
  }
});
