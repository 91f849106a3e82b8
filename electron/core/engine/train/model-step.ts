// THE one place where LoRA training touches the engine's forward and backward.
//
// Interface (small on purpose; the lead swaps the inside for the engine's LoRA hooks at merge):
//   const step = await createModelStep(gemma3);          // a loaded engine model (exact numerics)
//   step.shape                                            // LoraModelShape, for initAdapter
//   step.lossAndGrads(adapter, batch, gA?)                // mean CE over the batch's loss positions, dA/dB per pair
//   step.loss(adapter, batch)                             // the same loss without gradients (validation)
//   step.logits(adapter, tokens, positions)               // next-token logits with the adapter applied
//   step.dispose()
// `batch` items are { tokens, loss: LossTargets }; the loss of a batch is the mean over every loss
// position of every item (each position weighs the same), which is what PEFT/transformers compute.
//
// How it works today: for each adapted weight, W' = W + (alpha/r)·B·A is written into the engine's
// own weight storage (the f32 view the forward and backward both read), one forward + backward
// runs with a GradSink that returns null for every frozen weight (so no dW is computed for them),
// and the dense dW' becomes dA = s·Bᵀ·dW' and dB = s·dW'·Aᵀ. The base weights are restored from a
// copy after every call, so the loaded model is unchanged between calls.
// Cost: the dense dW' of each adapted weight (one T×out×in product) and two r-sized products; the
// engine's LoRA hooks remove the dense dW' and the write-back.
import type { LoraPair } from '../gguf/lora.ts';
import type { Gemma3 } from '../models/gemma3/index.ts';
import type { LinearWeight } from '../tensor/matmul.ts';
import { engineGradientModel, type EngineGradientModel } from '../autograd/engineModel.ts';
import { modelBackward } from '../autograd/model/backward.ts';
import type { LossTargets } from '../autograd/model/cache.ts';
import { addScaledBA, loraGradsFromDense, loraScale, type Adapter, type LoraModelShape } from './lora.ts';

export interface StepItem {
  tokens: number[];
  loss: LossTargets;
}

export interface PairGrads {
  /** r × in, like the pair's A */
  a: Float32Array;
  /** out × r, like the pair's B */
  b: Float32Array;
}

export interface StepResult {
  /** mean cross-entropy over all loss positions of the batch */
  loss: number;
  /** loss positions counted (the mean's denominator) */
  positions: number;
  /** tokens run through the model */
  tokens: number;
  /** gradients by pair base name (same order as adapter.pairs) */
  grads: Map<string, PairGrads>;
}

export interface ModelStep {
  readonly shape: LoraModelShape;
  /** the model's architecture name for adapter metadata */
  readonly architecture: string;
  lossAndGrads(adapter: Adapter, batch: StepItem[], opts?: { signal?: AbortSignal }): Promise<StepResult>;
  loss(adapter: Adapter, batch: StepItem[]): Promise<{ loss: number; positions: number }>;
  /** [positions.length, V] logits with the adapter applied (adapter null = the base model) */
  logits(adapter: Adapter | null, tokens: number[], positions: number[] | 'all'): Float32Array;
  /** Runs fn (e.g. the engine's forward with captures) while the adapter is applied to the model. */
  withAdapter<T>(adapter: Adapter, fn: () => T): T;
  dispose(): void;
}

const EMPTY = new Float32Array(0);

const LINEARS: Record<string, keyof Gemma3['model']['weights']['blocks'][number]> = {
  attn_q: 'wq', attn_k: 'wk', attn_v: 'wv', attn_output: 'wo', ffn_gate: 'wGate', ffn_up: 'wUp', ffn_down: 'wDown',
};

function linearOf(g: Gemma3, base: string): LinearWeight {
  const m = /^blk\.(\d+)\.(\w+)\.weight$/.exec(base);
  const block = m ? g.model.weights.blocks[Number(m[1])] : undefined;
  const field = m ? LINEARS[m[2]] : undefined;
  if (!block || !field) throw new Error(`the model has no adaptable weight named ${base}`);
  return block[field] as LinearWeight;
}

/** Refuses an adapter whose tensors do not fit this model (another model, another shape). */
export function checkAdapterFits(g: Gemma3, adapter: Adapter): void {
  for (const p of adapter.pairs) {
    const w = linearOf(g, p.base);
    if (w.rows !== p.outDim || w.cols !== p.inDim) {
      throw new Error(`adapter tensor ${p.base} is [out ${p.outDim}, in ${p.inDim}] but the model's weight is [${w.rows}, ${w.cols}]: the adapter was made for another model`);
    }
  }
}

export async function createModelStep(g: Gemma3, opts: { threads?: number } = {}): Promise<ModelStep> {
  const c = g.config;
  const shape: LoraModelShape = { layers: c.layers, hidden: c.hidden, qDim: c.heads * c.headDim, kvDim: c.kvHeads * c.headDim, ffn: c.ffn };
  // Q8_0 weights are not the f32 arrays the engine forward reads: run the reference forward over
  // dequantized f32 copies instead, so W' is seen by the forward and the backward alike.
  const anyQ8 = g.model.weights.blocks.some((b) => Object.values(LINEARS).some((f) => (b[f] as LinearWeight).layout === 'q8_0'));
  const gm: EngineGradientModel = await engineGradientModel(g, { threads: opts.threads, forward: anyQ8 ? 'reference' : 'engine' });
  const base = new Map<string, Float32Array>(); // untouched copies of adapted weights
  const dense = new Map<string, Float32Array>(); // dW' buffers in the heap, reused by every step

  const apply = (adapter: Adapter): (() => void) => {
    checkAdapterFits(g, adapter);
    const s = loraScale(adapter);
    const touched: string[] = [];
    try {
      for (const p of adapter.pairs) {
        const w = gm.weight(p.base) as Float32Array;
        if (!base.has(p.base)) base.set(p.base, w.slice());
        touched.push(p.base);
        addScaledBAFast(w, p, s);
      }
    } catch (e) {
      restore(touched);
      throw e;
    }
    return () => restore(touched);
  };
  // The two r-sized products on the engine's SIMD kernels (threaded); the scalar versions in
  // lora.ts stay as the oracle and the fallback for ranks the kernels do not take.
  const K = gm.kernels;
  const fastRank = (r: number) => r % 4 === 0;
  /** w = base + s·B·A (w and base out × in; w holds base on entry: every call restores it) */
  const addScaledBAFast = (w: Float32Array, p: LoraPair, s: number) => {
    if (!fastRank(p.rank)) return addScaledBA(w, p, s);
    const bs = new Float32Array(p.b.length);
    for (let i = 0; i < bs.length; i++) bs[i] = s * p.b[i];
    // the backward's dX kernel adds dY·W: here w += (s·B) [out × r] · A [r × in], on the threaded gemm
    K.backward(w, null, bs, EMPTY, p.a, p.outDim, p.inDim, p.rank);
  };
  /** ga += s·Bᵀ·dW', gb += s·dW'·Aᵀ */
  const loraGradsFast = (dW: Float32Array, p: LoraPair, s: number, ga: Float32Array, gb: Float32Array) => {
    if (!fastRank(p.rank)) return loraGradsFromDense(dW, p, s, ga, gb);
    const tb = new Float32Array(p.outDim * p.rank);
    K.forward(tb, dW, p.a, p.outDim, p.inDim, p.rank); // dW'·Aᵀ
    const ta = new Float32Array(p.rank * p.inDim);
    K.backward(null, ta, p.b, dW, p.a, p.outDim, p.inDim, p.rank); // Bᵀ·dW'
    for (let i = 0; i < gb.length; i++) gb[i] += s * tb[i];
    for (let i = 0; i < ga.length; i++) ga[i] += s * ta[i];
  };
  const restore = (names: string[]) => {
    for (const n of names) (gm.weight(n) as Float32Array).set(base.get(n)!);
  };
  const denseFor = (p: LoraPair): Float32Array => {
    let d = dense.get(p.base);
    if (!d) {
      const n = p.inDim * p.outDim;
      d = gm.kernels.view(g.model.matmul.heap.alloc(n * 4), n);
      dense.set(p.base, d);
    }
    return d;
  };

  const run = async (adapter: Adapter, batch: StepItem[], withGrads: boolean, signal?: AbortSignal): Promise<StepResult> => {
    const total = batch.reduce((n, it) => n + it.loss.positions.length, 0);
    if (total === 0) throw new Error('the batch has no loss positions (every answer is empty or truncated away)');
    const grads = new Map<string, PairGrads>();
    for (const p of adapter.pairs) grads.set(p.base, { a: new Float32Array(p.a.length), b: new Float32Array(p.b.length) });
    const targeted = new Set(adapter.pairs.map((p) => p.base));
    for (const p of adapter.pairs) if (withGrads) denseFor(p).fill(0);
    const undo = apply(adapter);
    let loss = 0, tokens = 0;
    try {
      for (const it of batch) {
        signal?.throwIfAborted();
        const P = it.loss.positions.length;
        if (P === 0) continue;
        // each position weighs 1/total, so the sum over items is the batch mean
        const weighted: LossTargets = { ...it.loss, weights: it.loss.positions.map(() => 1 / total) };
        const f = gm.forwardAsync ? await gm.forwardAsync(it.tokens, weighted, signal) : gm.forward(it.tokens, weighted);
        loss += f.loss;
        tokens += it.tokens.length;
        if (withGrads) {
          modelBackward(gm.shape, gm.weight, f.cache, (name) => (targeted.has(name) ? dense.get(name)! : null), { precision: 'f32', kernels: gm.kernels });
        }
      }
    } finally {
      undo();
    }
    if (withGrads) {
      const s = loraScale(adapter);
      for (const p of adapter.pairs) {
        const gr = grads.get(p.base)!;
        loraGradsFast(dense.get(p.base)!, p, s, gr.a, gr.b);
      }
    }
    return { loss, positions: total, tokens, grads };
  };

  function withAdapter<T>(adapter: Adapter, fn: () => T): T {
    if (anyQ8) throw new Error('the engine forward with an adapter needs a model with F32, F16 or BF16 weights (this one has Q8_0 matrices)');
    const undo = apply(adapter);
    try {
      return fn();
    } finally {
      undo();
    }
  }

  return {
    shape,
    architecture: 'gemma3',
    lossAndGrads: (adapter, batch, o) => run(adapter, batch, true, o?.signal),
    async loss(adapter, batch) {
      const r = await run(adapter, batch, false);
      return { loss: r.loss, positions: r.positions };
    },
    logits(adapter, tokens, positions) {
      const fwd = () => g.forward(tokens, { logitPositions: positions }).logits.slice();
      return adapter ? withAdapter(adapter, fwd) : fwd();
    },
    withAdapter,
    dispose() {
      gm.dispose();
    },
  };
}
