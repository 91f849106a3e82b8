// Backward vs forward time on the random model with Gemma 3 270M's exact shapes (F32), 64 tokens.
// Forward = the engine's plain forward with logits at the positions that carry the loss (what a
// user would run anyway); backward = modelBackward given the forward's cache (the engine's forward
// with the captures backward needs is timed separately). Both in the same run, on the same threads.
import { ensureModel270m } from '../test-support/models.ts';
import { loadGemma3 } from '../electron/core/engine/models/gemma3/index.ts';
import { engineGradientModel } from '../electron/core/engine/autograd/engineModel.ts';
import { modelBackward } from '../electron/core/engine/autograd/model/backward.ts';
import { completionTargets, nextTokenTargets, type LossTargets } from '../electron/core/engine/autograd/model/cache.ts';
import { rng } from '../electron/core/engine/autograd/gradcheck.ts';

const T = Number(process.env.GLASSBOX_BENCH_AUTOGRAD_T ?? 64);
const REPS = 3;

/** Best-of-REPS times of each function, run interleaved so background load hits all of them alike. */
function bestInterleaved(fns: (() => void)[]): number[] {
  const min = fns.map(() => Infinity);
  for (let r = 0; r < REPS; r++) {
    fns.forEach((fn, i) => {
      const t0 = performance.now();
      fn();
      min[i] = Math.min(min[i], performance.now() - t0);
    });
  }
  return min;
}

export default async function autogradBench(): Promise<void> {
  const path = await ensureModel270m('F32');
  const g = await loadGemma3(path);
  const model = await engineGradientModel(g);
  try {
    const s = model.shape;
    const rand = rng(1);
    const tokens = [2, ...Array.from({ length: T - 1 }, () => 4 + Math.floor(rand() * 20000))];
    const grads = model.allocGrads();
    const sink = (n: string) => grads.get(n);
    const load = (await import('node:os')).loadavg()[0];
    console.log(`load average ${load.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores (other work slows both sides alike; ratios are the figure)`);
    console.log(`270M-shape F32 (${s.L} layers, D ${s.D}, V ${s.V}), ${T} tokens, ${model.kernels.pool.threads} threads`);
    const cases: [string, LossTargets][] = [
      ['loss on every next token', nextTokenTargets(tokens)],
      ['loss on the last 8 tokens', completionTargets(tokens, T - 8)],
    ];
    for (const [label, loss] of cases) {
      let cache = model.forward(tokens, loss).cache;
      const [fwd, fwdCapture, zero, bwd] = bestInterleaved([
        () => g.forward(tokens, { logitPositions: loss.positions }),
        () => { cache = model.forward(tokens, loss).cache; },
        () => grads.flat.fill(0),
        () => modelBackward(s, model.weight, cache, sink, { kernels: model.kernels }),
      ]);
      console.log(`  ${label} (P = ${loss.positions.length}):`);
      console.log(`    forward ${fwd.toFixed(0)} ms · forward with captures ${fwdCapture.toFixed(0)} ms · backward ${bwd.toFixed(0)} ms · zero grads ${zero.toFixed(0)} ms`);
      console.log(`    backward / forward = ${(bwd / fwd).toFixed(2)}×   (forward-with-captures + backward) / forward = ${((fwdCapture + bwd) / fwd).toFixed(2)}×   goal ≤ 3×`);
    }
  } finally {
    model.dispose();
    g.dispose();
  }
}
