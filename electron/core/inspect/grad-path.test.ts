// `glassbox grad` and the app's Gradients inspector take the same path (the engine's
// computeGradients on a loaded Gemma3Model): one test runs both on the same prompt and compares
// the file's gradients with the inspector's per-tensor norms and with an in-process call.
// (The gradients themselves are checked by finite differences in models/gemma3/backward.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, ensureTestModels } from '../../../test-support/models.ts';
import { readSafetensors } from '../engine/export/safetensors.ts';
import { openGguf } from '../engine/gguf/index.ts';
import { completionTargets, computeGradients, loadGemma3, nextTokenTargets } from '../engine/models/gemma3/index.ts';
import { Inspector } from './inspector.ts';

function glassbox(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'electron/core/cli/glassbox.ts'), ...args], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
  });
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

test("glassbox grad and the app's inspector give the same loss and gradients (one path); every GGUF tensor is in the file", async () => {
  // nano on purpose: every tensor's gradient is compared element by element, the embedding's (V × D) included
  const { nano } = await ensureTestModels();
  const dir = mkdtempSync(join(tmpdir(), 'grad-'));
  const file = openGguf(nano);
  const names = file.tensors.map((t) => t.name);
  file.close();
  const g = await loadGemma3(nano, { threads: 1, q8Activations: false });
  const inspector = new Inspector({ threads: 1 });
  try {
    // by token ids, with and without a target, against the same function called in process
    const prompt = [2, 17, 40, 99],
      target = [3, 250];
    for (const withTarget of [false, true]) {
      const out = join(dir, `g${withTarget}.safetensors`);
      const args = ['grad', '--model', nano, '--tokens', prompt.join(','), '--out', out, '--threads', '1'];
      if (withTarget) args.push('--target-tokens', target.join(','));
      const r = glassbox(args);
      assert.equal(r.status, 0, r.stderr);
      const st = readSafetensors(new Uint8Array(readFileSync(out)));
      const tokens = withTarget ? [...prompt, ...target] : prompt;
      const loss = withTarget ? completionTargets(tokens, prompt.length) : nextTokenTargets(tokens);
      const { report, grads } = computeGradients(g.model, { tokens, targets: loss });
      assert.equal(st.loss.data[0], Math.fround(report.loss));
      assert.deepEqual([...st.loss_positions.data], loss.positions);
      for (const name of names) assert.ok(st[name], `no gradient for ${name}`);
      assert.deepEqual(st['blk.0.attn_q.weight'].shape, [g.config.heads * g.config.headDim, g.config.hidden]);
      assert.deepEqual(st['output_norm.weight'].shape, [g.config.hidden]);
      for (const spec of grads.specs) assert.deepEqual(st[spec.name].data, grads.get(spec.name), spec.name);
    }

    // by text: the inspector (as the app's engine worker runs it) and the command line
    const text = 'the quick brown fox';
    const out = join(dir, 'text.safetensors');
    const r = glassbox(['grad', '--model', nano, '--text', text, '--out', out, '--threads', '1']);
    assert.equal(r.status, 0, r.stderr);
    const st = readSafetensors(new Uint8Array(readFileSync(out)));
    const app = await inspector.gradients({ modelPath: nano, prompt: text, target: '', addBos: true });
    assert.deepEqual(
      app.tokens.map((t) => t.id),
      [...st.tokens.data],
    );
    assert.equal(Math.fround(app.loss), st.loss.data[0]);
    for (const t of app.perTensor) {
      const fileNorm = norm(st[t.name].data);
      // the tab never forms the embedding's gradient: its norm comes from the tied parts (reportOnly)
      const tol = t.name === 'token_embd.weight' ? 1e-5 : 1e-9;
      assert.ok(Math.abs(t.gradNorm - fileNorm) <= 1e-12 + tol * fileNorm, `${t.name}: inspector ‖g‖ ${t.gradNorm} vs file ${fileNorm}`);
    }
  } finally {
    inspector.dispose();
    g.dispose();
  }
  const bad = glassbox(['grad', '--model', nano, '--tokens', '2', '--out', join(dir, 'x.safetensors')]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /at least 2 tokens/);
});

test("Q8_0 as the app runs it (the engine worker's inspectGradients task, quantized activations): close to the exact float-activation gradients, with real progress", async () => {
  // a quantization check: Q8_0 weights of the 6-layer mini model (per-layer progress over several layers)
  const { miniQ8 } = await ensureTestModels();
  const { inspectTasks } = await import('./tasks.ts');
  const events: { progress: number; message: string }[] = [];
  const ctx = { signal: new AbortController().signal, emit: (e: unknown) => void events.push(e as { progress: number; message: string }) };
  const prompt = 'a quick brown fox jumps over the lazy dog and runs far away';
  const target = ' into the woods';
  const app = await inspectTasks.inspectGradients({ modelPath: miniQ8, prompt, target, addBos: true }, ctx);
  // the exact function (float activations: the command line's numerics) at the same weights and tokens
  const g = await loadGemma3(miniQ8, { threads: 1, q8Activations: false });
  try {
    const tokens = app.tokens.map((t) => t.id);
    const { report } = computeGradients(g.model, { tokens, targets: completionTargets(tokens, app.promptLength) });
    const lossRel = Math.abs(app.loss - report.loss) / report.loss;
    let worst = 0,
      worstName = '';
    for (const t of app.perTensor) {
      const exact = report.perTensor.find((e) => e.name === t.name)!;
      const rel = Math.abs(t.gradNorm - exact.gradNorm) / exact.gradNorm;
      if (rel > worst) {
        worst = rel;
        worstName = t.name;
      }
    }
    console.log(
      `  app (Q8_0 activations) vs exact float activations: loss rel ${lossRel.toExponential(2)}, worst ‖g‖ rel ${worst.toExponential(2)} (${worstName})`,
    );
    assert.ok(lossRel < 1e-2, `loss ${app.loss} vs ${report.loss}`);
    assert.ok(worst < 0.1, `${worstName}: ‖g‖ differs by ${worst}`);
    assert.ok(app.perTensor.every((t) => Number.isFinite(t.gradNorm)) && app.perTensor.some((t) => t.gradNorm > 0));
  } finally {
    g.dispose();
  }
  // progress: per layer, increasing, to 1
  const fractions = events.map((e) => e.progress);
  assert.ok(fractions.length >= 2 * 6, `progress events ${fractions}`);
  assert.ok(fractions.every((p, i) => i === 0 || p >= fractions[i - 1]));
  assert.equal(fractions.at(-1), 1);
});
