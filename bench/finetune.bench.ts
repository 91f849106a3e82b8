// LoRA training speed on the random model with Gemma 3 270M's exact shapes (F32): rank 8 on all
// seven projections, a batch of 4 examples of 64 tokens (32 prompt + 32 answer tokens, loss on the
// answer; the default batch size, packed into one forward and one backward), the training step
// (model-step.ts lossAndGrads + AdamW) against the engine's own forward of the same packed rows with
// logits at the same positions, interleaved in the same run, and against one example per step.
// Prints training tokens/s, the projected time for 100 examples × 64 tokens × 3 epochs (the issue's
// goal: ≤ 6 min; PyTorch + peft ≈ 3.1 min on two server cores), and where a step's time goes.
import { availableParallelism, loadavg } from 'node:os';
import { ensureModel270m } from '../test-support/models.ts';
import { BACKWARD_CAPTURES, completionTargets, loadGemma3 } from '../electron/core/engine/models/gemma3/index.ts';
import { createModelStep, packBatch } from '../electron/core/engine/train/model-step.ts';
import { initAdapter, LORA_TARGETS } from '../electron/core/engine/train/lora.ts';
import { adamwStep, newAdamWState } from '../electron/core/engine/train/adamw.ts';

const T = 64,
  PROMPT = 32,
  BATCH = 4,
  REPS = Number(process.env.GLASSBOX_BENCH_FINETUNE_REPS ?? 2);

export default async function finetuneBench(): Promise<void> {
  const path = await ensureModel270m('F32');
  const g = await loadGemma3(path, { numerics: 'exact' });
  const step = await createModelStep(g);
  try {
    console.log(
      `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores (other work slows both sides alike; the ratio is the figure)`,
    );
    let s = 7;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const items = Array.from({ length: BATCH }, () => {
      const tokens = [2, ...Array.from({ length: T - 1 }, () => 4 + Math.floor(rnd() * 20000))];
      return { tokens, loss: completionTargets(tokens, PROMPT) };
    });
    // the same rows as the step's one packed forward
    const packs = packBatch(
      items,
      items.reduce((n, it) => n + it.loss.positions.length, 0),
    );
    if (packs.length !== 1) throw new Error(`the bench's batch should make one pack, not ${packs.length}`);
    const { tokens: packed, segments, loss } = packs[0];
    const positions = loss.positions;
    const adapter = initAdapter(step.shape, { targets: LORA_TARGETS, rank: 8, alpha: 16, seed: 1 });
    for (const p of adapter.pairs) for (let i = 0; i < p.b.length; i++) p.b[i] = (rnd() - 0.5) * 1e-3;
    const params = adapter.pairs.flatMap((p) => [p.a, p.b]);
    const opt = newAdamWState(params);
    const nParams = params.reduce((n, p) => n + p.length, 0);
    console.log(
      `270M-shape F32, rank 8 on q,k,v,o,gate,up,down of ${step.shape.layers} layers (${(nParams / 1e6).toFixed(2)}M adapter parameters), a batch of ${BATCH} × ${T} tokens packed into ${packed.length} rows, loss on ${positions.length}`,
    );

    const forward = () => void g.forward(packed, { logitPositions: positions, segments });
    const train = async (batch = items) => {
      const r = await step.lossAndGrads(adapter, batch);
      adamwStep(
        params,
        adapter.pairs.flatMap((p) => [r.grads.get(p.base)!.a, r.grads.get(p.base)!.b]),
        opt,
        1e-4,
        { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
      );
    };
    // the engine's forward with the captures the backward reads: the step's forward half
    const captured = () =>
      void step.withAdapter(adapter, (adapters) =>
        g.forward(packed, { logitPositions: positions, capture: { names: BACKWARD_CAPTURES }, adapters, segments }),
      );
    let fwd = Infinity,
      trn = Infinity,
      cap = Infinity,
      fwdCpu = Infinity,
      trnCpu = Infinity,
      trnMain = Infinity,
      single = Infinity;
    // CPU time of the whole process (every pool thread): what a step costs however loaded the machine is
    const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
    // CPU time of this (the calling) thread alone: it runs every JS op between kernels and its share
    // of each kernel, and spins while the worker finishes, so on an idle machine it ≈ the wall time
    const mainMs = () => cpuMs(process.threadCpuUsage());
    await train(); // warm-up: first-call allocations in the heap and the JIT
    for (let r = 0; r < REPS; r++) {
      let c0 = process.cpuUsage();
      let t0 = performance.now();
      forward();
      fwd = Math.min(fwd, performance.now() - t0);
      fwdCpu = Math.min(fwdCpu, cpuMs(process.cpuUsage(c0)));
      c0 = process.cpuUsage();
      const m0 = mainMs();
      t0 = performance.now();
      await train();
      trn = Math.min(trn, performance.now() - t0);
      trnCpu = Math.min(trnCpu, cpuMs(process.cpuUsage(c0)));
      trnMain = Math.min(trnMain, mainMs() - m0);
      t0 = performance.now();
      captured();
      cap = Math.min(cap, performance.now() - t0);
      t0 = performance.now();
      await train(items.slice(0, 1));
      single = Math.min(single, performance.now() - t0);
    }
    // per example: the configuration runs 300 examples
    const per = (ms: number) => ms / BATCH;
    const tps = (BATCH * T) / (trn / 1000);
    const projected = (300 * per(trn)) / 60000;
    console.log(`engine forward of the packed batch (logits at the ${positions.length} answer positions): ${fwd.toFixed(0)} ms`);
    console.log(
      `training step (forward with captures and the adapter hooks + backward, base frozen + AdamW): ${trn.toFixed(0)} ms = ${(trn / fwd).toFixed(2)}× the forward, ${per(trn).toFixed(0)} ms per example`,
    );
    console.log(
      `  of which the forward with captures and adapters: ${cap.toFixed(0)} ms; the rest (${(trn - cap).toFixed(0)} ms) is the backward (dX through every layer, dA/dB from each projection's X and dY; no dW) and AdamW`,
    );
    console.log(
      `  one example per step instead (batch size 1, nothing to pack): ${single.toFixed(0)} ms = ${(single / per(trn)).toFixed(2)}× the packed batch's time per example`,
    );
    console.log(`training: ${tps.toFixed(0)} tokens/s`);
    const threads = g.model.matmul.pool.threads;
    const idleStep = trnCpu / threads;
    console.log(
      `CPU time (all ${threads} threads, robust to other load): forward ${fwdCpu.toFixed(0)} ms, step ${trnCpu.toFixed(0)} ms = ${(trnCpu / fwdCpu).toFixed(2)}× the forward; ` +
        `on an idle machine a step ≈ CPU ÷ ${threads} = ${idleStep.toFixed(0)} ms → ${((BATCH * T) / (idleStep / 1000)).toFixed(0)} tokens/s, projected ${((300 * per(idleStep)) / 60000).toFixed(1)} min`,
    );
    console.log(
      `calling thread's CPU per step: ${trnMain.toFixed(0)} ms (the critical path: on an idle machine the step's wall time ≈ this) → ` +
        `${((BATCH * T) / (trnMain / 1000)).toFixed(0)} tokens/s, projected ${((300 * per(trnMain)) / 60000).toFixed(1)} min`,
    );
    // what bounds it: the multiply-adds of the matrix products (forward, then dX in the backward: the same count again)
    const c = g.config;
    const qDim = c.heads * c.headDim,
      kvDim = c.kvHeads * c.headDim;
    const body = T * c.layers * (c.hidden * (qDim + 2 * kvDim) + qDim * c.hidden + 3 * c.hidden * c.ffn);
    const head = (positions.length / BATCH) * c.hidden * c.vocab;
    const macs = 2 * (body + head);
    console.log(
      `what limits it: a step does ${(macs / 1e9).toFixed(1)} G multiply-adds per example in the matrix products (head ${((2 * head) / 1e9).toFixed(1)} G at ${positions.length / BATCH} answer positions × ${c.vocab} columns, body ${((2 * body) / 1e9).toFixed(1)} G), ` +
        `run at ${(macs / 1e6 / per(trn)).toFixed(1)} G/s overall on ${threads} threads by WebAssembly SIMD128 kernels (4 lanes); the rest is the JavaScript between kernels (norms, RoPE, attention glue, copies in and out of the kernels' heap)`,
    );
    console.log(
      `projected: 100 examples × 64 tokens × 3 epochs = ${projected.toFixed(1)} min (goal ≤ 6 min; PyTorch + peft ≈ 3.1 min) → ${(projected / 6).toFixed(2)}× the goal`,
    );
  } finally {
    step.dispose();
    g.dispose();
  }
}
