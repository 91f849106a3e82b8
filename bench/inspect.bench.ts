// The activation inspector on the random 270M-shape model: a 64-token prompt, every view (forward
// with all captures, stats, MLP histograms, head entropies, logit lens at the last position, every
// attention map, the lens at one more clicked position, one head ablation rerun).
// Goal (issue 6): ≤ 10 s for the whole inspection on the 2-core machine. The baseline measured in
// the same run is a plain forward of the same prompt (no captures, last-position logits only), so
// the printed ratio says what the inspection costs on top of the model itself.
import { ensureModel270m } from '../test-support/models.ts';
import { Inspector } from '../electron/core/inspect/inspector.ts';

const T = 64;

export default async function bench(): Promise<void> {
  const types = (process.env.GLASSBOX_BENCH_TYPES ?? 'F32,Q8_0').split(',') as ('F32' | 'Q8_0')[];
  for (const type of types) {
    const path = await ensureModel270m(type);
    const inspector = new Inspector();
    const tl = performance.now();
    const g = await inspector.model(path);
    const loadMs = performance.now() - tl;
    // a 64-token prompt: ordinary text cut to exactly 64 tokens
    const words = 'the model reads every word of this sentence and the inspector shows what each layer does with it '.repeat(8);
    let ids = g.tokenize(words, { addBos: true });
    ids = ids.slice(0, T);
    const prompt = g.detokenize(ids.slice(1));
    const plain0 = performance.now();
    g.forward(g.tokenize(prompt, { addBos: true }), { logitPositions: 'last' });
    const plainMs = performance.now() - plain0;

    const t0 = performance.now();
    const run = await inspector.run({ modelPath: path, prompt, topK: 10, addBos: true });
    const ta = performance.now();
    for (let l = 0; l < run.model.layers; l++) for (let h = 0; h < run.model.heads; h++) await inspector.attention(run.runId, l, h);
    const attnMs = performance.now() - ta;
    const tlz = performance.now();
    await inspector.lens(run.runId, Math.floor(run.tokens.length / 2), 10);
    const lensMs = performance.now() - tlz;
    const ti = performance.now();
    await inspector.intervene({ runId: run.runId, interventions: [{ kind: 'head', layer: 5, head: 1, scale: 0 }], topK: 10 });
    const ivMs = performance.now() - ti;
    const total = performance.now() - t0;
    // Gradients tab (issue 5): loss on a 4-token target after the same prompt, forward + backward
    const tg = performance.now();
    const grad = await inspector.gradients({ modelPath: path, prompt, target: ' and the layer', addBos: true });
    const gradMs = performance.now() - tg;
    inspector.dispose();
    console.log(`inspect 270M-shape ${type}, ${run.tokens.length} tokens (model load ${(loadMs / 1000).toFixed(1)} s, not counted):`);
    console.log(`  plain forward (baseline)      ${(plainMs / 1000).toFixed(2)} s`);
    console.log(`  run: forward with captures    ${(run.timing.forwardMs / 1000).toFixed(2)} s`);
    console.log(`       stats/MLP/heads          ${(run.timing.summariesMs / 1000).toFixed(2)} s`);
    console.log(`       logit lens (last pos)    ${(run.timing.lensMs / 1000).toFixed(2)} s`);
    console.log(`  all ${run.model.layers * run.model.heads} attention maps          ${(attnMs / 1000).toFixed(2)} s`);
    console.log(`  lens at a clicked position    ${(lensMs / 1000).toFixed(2)} s`);
    console.log(`  head ablation rerun           ${(ivMs / 1000).toFixed(2)} s`);
    console.log(`  total ${(total / 1000).toFixed(2)} s (goal ≤ 10 s), ${(total / plainMs).toFixed(2)}× a plain forward`);
    console.log(
      `  gradients tab (${grad.tokens.length} tokens, first call includes setup): ${(gradMs / 1000).toFixed(2)} s (forward ${(grad.timing.forwardMs / 1000).toFixed(2)} s, backward ${(grad.timing.backwardMs / 1000).toFixed(2)} s)`,
    );
  }
}
