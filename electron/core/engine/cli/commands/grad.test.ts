// `glassbox grad` end to end on the nano model: the file holds the loss and every weight's gradient
// under its GGUF name, equal to an independent float64 forward + backward from the same GGUF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, ensureTestModels } from '../../../../../test-support/models.ts';
import { readSafetensors } from '../../export/safetensors.ts';
import { openGguf } from '../../gguf/index.ts';
import { loadGemma3 } from '../../models/gemma3/index.ts';
import { shapeOfEngine } from '../../autograd/engineModel.ts';
import { allocFlat } from '../../autograd/model/params.ts';
import { referenceForward } from '../../autograd/model/forward.ts';
import { modelBackward } from '../../autograd/model/backward.ts';
import { completionTargets, nextTokenTargets } from '../../autograd/model/cache.ts';

function glassbox(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'electron/core/engine/cli/glassbox.ts'), ...args], { encoding: 'utf8', cwd: REPO_ROOT });
}

test('glassbox grad writes the loss and dL/dW for every GGUF tensor, equal to a float64 reference', async () => {
  const { nano } = await ensureTestModels();
  const dir = mkdtempSync(join(tmpdir(), 'grad-'));
  const g = await loadGemma3(nano, { threads: 1 });
  const s = shapeOfEngine(g);
  g.dispose();
  const file = openGguf(nano);
  const p = allocFlat(s, 'f64');
  for (const spec of p.specs) p.get(spec.name).set(file.readTensorF32(spec.name));
  const names = file.tensors.map((t) => t.name);
  file.close();

  const prompt = [2, 17, 40, 99], target = [3, 250];
  for (const withTarget of [false, true]) {
    const out = join(dir, `g${withTarget}.safetensors`);
    const args = ['grad', '--model', nano, '--tokens', prompt.join(','), '--out', out, '--threads', '1'];
    if (withTarget) args.push('--target-tokens', target.join(','));
    const r = glassbox(args);
    assert.equal(r.status, 0, r.stderr);
    const st = readSafetensors(new Uint8Array(readFileSync(out)));
    const tokens = withTarget ? [...prompt, ...target] : prompt;
    const loss = withTarget ? completionTargets(tokens, prompt.length) : nextTokenTargets(tokens);
    const grads = allocFlat(s, 'f64');
    const ref = referenceForward(s, (n) => p.get(n), tokens, loss);
    modelBackward(s, (n) => p.get(n), ref.cache, (n) => grads.get(n));
    assert.ok(Math.abs(st.loss.data[0] - ref.loss) < 1e-5 * ref.loss, `loss ${st.loss.data[0]} vs ${ref.loss}`);
    assert.deepEqual([...st.loss_positions.data], loss.positions);
    // every weight of the GGUF file has its gradient, and nothing else is a weight name
    for (const name of names) assert.ok(st[name], `no gradient for ${name}`);
    assert.deepEqual(st['blk.0.attn_q.weight'].shape, [s.H * s.Dh, s.D]);
    assert.deepEqual(st['output_norm.weight'].shape, [s.D]);
    for (const spec of p.specs) {
      const a = st[spec.name].data, b = grads.get(spec.name);
      let diff = 0, scale = 0;
      for (let i = 0; i < b.length; i++) { diff = Math.max(diff, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
      assert.ok(diff <= 1e-3 * scale + 1e-12, `${spec.name}: max |Δ| ${diff} vs max |g| ${scale}`);
    }
  }
  const bad = glassbox(['grad', '--model', nano, '--tokens', '2', '--out', join(dir, 'x.safetensors')]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /at least 2 tokens/);
});
