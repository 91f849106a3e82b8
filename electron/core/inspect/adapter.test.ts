// The inspectors with a LoRA adapter applied (issue 14, "the inspectors run with the adapter applied"):
// the activation run's logits, an intervention rerun and the gradient report's loss equal what the
// CLI's `forward --lora` computes with the same adapter and scale, and differ from the base model's;
// an adapter made for another shape is refused with a clear message. The adapter is random (written
// with our GGUF adapter writer), not trained.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRealVocabModel } from '../../../test-support/models.ts';
import { PRESETS } from '../../../test-support/synth/presets.ts';
import { run as cliForward } from '../cli/commands/forward.ts';
import { writeGgufAdapter } from '../engine/export/adapter.ts';
import { readSafetensors } from '../engine/export/safetensors.ts';
import { loadGemma3, type Gemma3Config } from '../engine/models/gemma3/index.ts';
import { initAdapter, LORA_TARGETS } from '../engine/train/lora.ts';
import { mulberry32 } from '../engine/train/random.ts';
import { Inspector } from './inspector.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-inspect-adapter-'));
let modelPath = '';
let adapterPath = '';
let otherShapePath = '';
let inspector: Inspector;
const SCALE = 0.5;
const PROMPT = 'The capital of France is Paris. The capital of Italy is';

/** A random adapter on every projection (B non-zero, so it changes the output), as a GGUF file. */
function randomAdapter(c: Pick<Gemma3Config, 'layers' | 'hidden' | 'heads' | 'headDim' | 'kvHeads' | 'ffn'>, path: string, seed: number) {
  const ad = initAdapter(
    { layers: c.layers, hidden: c.hidden, qDim: c.heads * c.headDim, kvDim: c.kvHeads * c.headDim, ffn: c.ffn },
    { targets: LORA_TARGETS, rank: 4, alpha: 8, seed },
  );
  const rnd = mulberry32(seed + 1);
  for (const p of ad.pairs) for (let i = 0; i < p.b.length; i++) p.b[i] = (rnd() - 0.5) * 0.3;
  writeGgufAdapter(path, ad, { architecture: 'gemma3', name: `random-${seed}` });
}

before(async () => {
  modelPath = await ensureRealVocabModel('small', 'F32');
  const g = await loadGemma3(modelPath, { threads: 2 });
  randomAdapter(g.config, (adapterPath = join(dir, 'random.gguf')), 7);
  g.dispose();
  const m = PRESETS.mini;
  randomAdapter({ ...m, headDim: m.headDim }, (otherShapePath = join(dir, 'for-mini.gguf')), 9);
  inspector = new Inspector({ threads: 2 });
});
after(() => {
  inspector?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** The CLI's logits [T, V] for `tokens`, with the adapter at `scale` (or none). */
async function cliLogits(tokens: number[], lora: { path: string; scale: number } | null): Promise<{ data: Float32Array; V: number }> {
  const out = join(dir, `forward-${lora ? 'lora' : 'base'}.safetensors`);
  const log = console.log;
  console.log = () => {}; // the command prints what it wrote
  try {
    await cliForward([
      '--model',
      modelPath,
      '--tokens',
      tokens.join(','),
      '--out',
      out,
      '--threads',
      '2',
      ...(lora ? ['--lora', lora.path, '--lora-scale', String(lora.scale)] : []),
    ]);
  } finally {
    console.log = log;
  }
  const logits = readSafetensors(readFileSync(out)).logits;
  return { data: logits.data, V: logits.shape[1] };
}

const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

test('activation, intervention and gradient inspectors with an adapter give the CLI forward --lora numbers, not the base model’s', async () => {
  const adapter = { path: adapterPath, scale: SCALE };
  const withAdapter = await inspector.run({ modelPath, prompt: PROMPT, topK: 10, addBos: true, adapter });
  const base = await inspector.run({ modelPath, prompt: PROMPT, topK: 10, addBos: true });
  assert.deepEqual(withAdapter.adapter, { path: adapterPath, name: 'random', scale: SCALE, rank: 4, alpha: 8 });
  assert.equal(base.adapter, null);

  const tokens = withAdapter.tokens.map((t) => t.id);
  const T = tokens.length;
  const cli = await cliLogits(tokens, adapter);
  const cliBase = await cliLogits(tokens, null);
  const at = (l: { data: Float32Array; V: number }, t: number, id: number) => l.data[t * l.V + id];

  // the activation run's next-token logits (its top 10) are the CLI's at the last position
  const ids = withAdapter.next.map((n) => n.id);
  const ours = withAdapter.next.map((n) => n.logit);
  const theirs = ids.map((id) => at(cli, T - 1, id));
  const d = maxDiff(ours, theirs);
  console.log(`# inspector vs CLI forward --lora (scale ${SCALE}): max |Δlogit| over the top 10 = ${d.toExponential(2)}`);
  assert.ok(d <= 1e-5, `logits differ from the CLI by ${d}`);
  // ... and not the base model's
  const baseDiff = maxDiff(
    ids.map((id) => at(cliBase, T - 1, id)),
    theirs,
  );
  assert.ok(baseDiff > 1e-2, `the adapter should change the logits (Δ ${baseDiff})`);
  assert.ok(
    maxDiff(
      base.next.map((n) => n.logit),
      base.next.map((n) => at(cliBase, T - 1, n.id)),
    ) <= 1e-5,
    'without it: the base CLI',
  );

  // an intervention rerun keeps the adapter: a head scaled by 1 changes nothing, so "after" is the CLI's adapted logits
  const iv = await inspector.intervene({
    runId: withAdapter.runId,
    interventions: [{ kind: 'head', layer: 0, head: 0, scale: 1 }],
    topK: 10,
  });
  const ivd = maxDiff(
    iv.after.map((n) => n.logit),
    iv.after.map((n) => at(cli, T - 1, n.id)),
  );
  assert.ok(ivd <= 1e-5, `intervention rerun differs from the adapted CLI by ${ivd}`);
  assert.ok(iv.kl < 1e-9, `a no-op intervention on the adapted run moves nothing (KL ${iv.kl})`);

  // the gradient report's loss is the mean next-token cross-entropy of the CLI's adapted logits
  const grads = await inspector.gradients({ modelPath, prompt: PROMPT, target: '', addBos: true, adapter });
  const ce = (l: { data: Float32Array; V: number }) => {
    let sum = 0;
    for (let t = 0; t < T - 1; t++) {
      const row = l.data.subarray(t * l.V, (t + 1) * l.V);
      let m = -Infinity;
      for (const x of row) m = Math.max(m, x);
      let z = 0;
      for (const x of row) z += Math.exp(x - m);
      sum += m + Math.log(z) - row[tokens[t + 1]];
    }
    return sum / (T - 1);
  };
  assert.deepEqual(grads.adapter, withAdapter.adapter);
  assert.ok(Math.abs(grads.loss - ce(cli)) <= 1e-4 * Math.max(1, ce(cli)), `gradient loss ${grads.loss} vs CLI ${ce(cli)}`);
  assert.ok(Math.abs(grads.loss - ce(cliBase)) > 1e-3, 'and not the base model’s loss');
});

test('an adapter made for another shape, or a missing one, is refused with a clear message', async () => {
  await assert.rejects(
    inspector.run({ modelPath, prompt: PROMPT, topK: 5, addBos: true, adapter: { path: otherShapePath, scale: 1 } }),
    (err: Error) => {
      assert.equal(err.name, 'InspectError');
      assert.match(err.message, /^the adapter for-mini does not fit glassbox-rv-small-f32-s1234-g3: .*made for another model/);
      return true;
    },
  );
  await assert.rejects(
    inspector.run({ modelPath, prompt: PROMPT, topK: 5, addBos: true, adapter: { path: join(dir, 'gone.gguf'), scale: 1 } }),
    /no adapter at .*gone\.gguf/,
  );
  // the model is not the adapter: a refused adapter leaves the inspector working
  const ok = await inspector.run({ modelPath, prompt: PROMPT, topK: 5, addBos: true });
  assert.equal(ok.adapter, null);
});
