import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, ensureTestModels } from '../../../../test-support/models.ts';
import { readSafetensors } from '../../engine/export/safetensors.ts';
import { loadGemma3 } from '../../engine/models/gemma3/index.ts';
import { assertClose } from '../../engine/tensor/test-util.ts';

function glassbox(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'electron/core/cli/glassbox.ts'), ...args], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
  });
}

test('glassbox forward writes logits [T, V] and resid.<layer> [T, D] equal to the API', async () => {
  const { nano } = await ensureTestModels();
  const out = join(mkdtempSync(join(tmpdir(), 'fwd-')), 'out.safetensors');
  const r = glassbox(['forward', '--model', nano, '--tokens', '2,17,40,99,3,250', '--out', out, '--threads', '1']);
  assert.equal(r.status, 0, r.stderr);
  const st = readSafetensors(new Uint8Array(readFileSync(out)));
  const model = await loadGemma3(nano, { threads: 1 });
  try {
    const { vocab: V, hidden: D, layers: L } = model.config;
    const tokens = [2, 17, 40, 99, 3, 250];
    const ref = model.forward(tokens, { logitPositions: 'all', capture: { names: ['l_out'] } });
    assert.deepEqual(st.logits.shape, [6, V]);
    assertClose('logits', st.logits.data, ref.logits, 0);
    assert.deepEqual([...st.tokens.data], tokens);
    for (let l = 0; l < L; l++) {
      assert.deepEqual(st[`resid.${l}`].shape, [6, D]);
      assertClose(`resid.${l}`, st[`resid.${l}`].data, ref.activations[`l_out.${l}`].data, 0);
    }
    // --text goes through our tokenizer (BOS added).
    const r2 = glassbox(['forward', '--model', nano, '--text', 'Hello there', '--out', out]);
    assert.equal(r2.status, 0, r2.stderr);
    assert.deepEqual([...readSafetensors(new Uint8Array(readFileSync(out))).tokens.data], model.tokenize('Hello there'));
  } finally {
    model.dispose();
  }
});

test('glassbox forward reports bad input clearly', async () => {
  const { nano } = await ensureTestModels();
  const r = glassbox(['forward', '--model', nano, '--tokens', '2,x', '--out', '/tmp/never.safetensors']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--tokens: 'x' is not a token id/);
  const negative = glassbox(['forward', '--model', nano, '--tokens', '2,-1', '--out', '/tmp/never.safetensors']);
  assert.equal(negative.status, 1);
  assert.match(negative.stderr, /--tokens: '-1' is not a token id/);
  const threads = glassbox(['forward', '--model', nano, '--tokens', '2,17', '--out', '/tmp/never.safetensors', '--threads', '0']);
  assert.equal(threads.status, 1);
  assert.match(threads.stderr, /--threads must be a positive integer/);
  const u = glassbox(['forward', '--model', nano]);
  assert.match(u.stderr, /usage: forward/);
});
