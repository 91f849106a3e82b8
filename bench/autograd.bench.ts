// Backward vs forward time on the random model with Gemma 3 270M's exact shapes (F32), 64 tokens.
// Forward = the engine's plain forward with logits at the positions that carry the loss (what a
// user would run anyway); backward = models/gemma3/backward.ts given the forward's captures (the
// forward with the captures backward needs is timed separately); the Gradients tab's whole call
// (computeGradients: forward with captures + backward + the report) on F32 and Q8_0 as the app loads
// them. All on the engine's one thread pool, interleaved in the same run.
import { loadavg, availableParallelism } from 'node:os';
import { ensureModel270m } from '../test-support/models.ts';
import {
  backward,
  completionTargets,
  computeGradients,
  forwardForLoss,
  gradientBuffers,
  loadGemma3,
  nextTokenTargets,
  type LossTargets,
} from '../electron/core/engine/models/gemma3/index.ts';
import { rng } from '../electron/core/engine/tensor/random.ts';

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
  console.log(
    `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores (other work slows both sides alike; ratios are the figure)`,
  );
  const f32 = await loadGemma3(await ensureModel270m('F32'));
  try {
    const c = f32.config;
    const rand = rng(1);
    const tokens = [2, ...Array.from({ length: T - 1 }, () => 4 + Math.floor(rand() * 20000))];
    const grads = gradientBuffers(f32.model);
    const sink = (n: string) => grads.get(n);
    console.log(
      `270M-shape F32 (${c.layers} layers, D ${c.hidden}, V ${c.vocab}), ${T} tokens, ${f32.model.matmul.options.threads} threads, ${f32.model.matmul.options.fma ? 'FMA' : 'mul + add'} kernels`,
    );
    const cases: [string, LossTargets][] = [
      ['loss on every next token', nextTokenTargets(tokens)],
      ['loss on the last 8 tokens', completionTargets(tokens, T - 8)],
    ];
    for (const [label, loss] of cases) {
      let fwd = forwardForLoss(f32.model, tokens, loss);
      const [plain, capture, zero, bwd] = bestInterleaved([
        () => f32.forward(tokens, { logitPositions: loss.positions }),
        () => {
          fwd = forwardForLoss(f32.model, tokens, loss);
        },
        () => grads.flat.fill(0),
        () => backward(f32.model, fwd, sink),
      ]);
      console.log(`  ${label} (P = ${loss.positions.length}):`);
      console.log(
        `    forward ${plain.toFixed(0)} ms · forward with captures ${capture.toFixed(0)} ms · backward ${bwd.toFixed(0)} ms · zero grads ${zero.toFixed(0)} ms`,
      );
      console.log(
        `    backward / forward = ${(bwd / plain).toFixed(2)}×   (forward-with-captures + backward) / forward = ${((capture + bwd) / plain).toFixed(2)}×   goal ≤ 3×`,
      );
    }
  } finally {
    f32.dispose();
  }
  // The Gradients tab as the app runs it (default numerics: Q8_0 activations), loss on the last 8 tokens.
  for (const type of ['F32', 'Q8_0'] as const) {
    const g = await loadGemma3(await ensureModel270m(type));
    try {
      const rand = rng(2);
      const tokens = [2, ...Array.from({ length: T - 1 }, () => 4 + Math.floor(rand() * 20000))];
      const targets = completionTargets(tokens, T - 8);
      const t0 = performance.now();
      computeGradients(g.model, { tokens, targets });
      const first = performance.now() - t0;
      const [plain, tab] = bestInterleaved([
        () => g.forward(tokens, { logitPositions: 'last' }),
        () => computeGradients(g.model, { tokens, targets }),
      ]);
      console.log(
        `  Gradients tab, ${type}, ${T} tokens, loss on the last 8: ${tab.toFixed(0)} ms (first call ${first.toFixed(0)} ms) vs a plain forward ${plain.toFixed(0)} ms: ${(tab / plain).toFixed(2)}× a plain forward`,
      );
    } finally {
      g.dispose();
    }
  }
}
