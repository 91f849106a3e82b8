// THE one place where LoRA training touches the engine's forward and backward.
//
// Interface (small on purpose):
//   const step = await createModelStep(gemma3);          // a loaded engine model (exact numerics)
//   step.shape                                            // LoraModelShape, for initAdapter
//   step.lossAndGrads(adapter, batch)                     // mean CE over the batch's loss positions, dA/dB per pair
//   step.loss(adapter, batch)                             // the same loss without gradients (validation)
//   step.logits(adapter, tokens, positions)               // next-token logits with the adapter applied
//   step.withAdapter(adapter, (adapters) => g.forward(ids, { adapters, … }))
//   step.dispose()
// `batch` items are { tokens, loss: LossTargets }; the loss of a batch is the mean over every loss
// position of every item (each position weighs the same), which is what PEFT/transformers compute.
// The items run packed into one forward and one backward (packBatch), each seeing only itself.
//
// How: the engine's LoRA hooks (engine README, "LoRA hooks"). Each pair becomes a LoraAdapter on its
// projection: the forward adds y += s·B(A·x) right after y = x·Wᵀ, the backward hands the adapter
// that layer's input X and output gradient dY, from which it accumulates dA and dB (and adds its part
// of dX). The sink returns null for every base weight, so no dW is ever formed and the base weights
// are never written: the loaded model is the base model at all times.
import {
  LoraAdapter,
  backwardAsync,
  forwardForLossAsync,
  type Gemma3,
  type LinearAdapter,
  type LossTargets,
} from '../models/gemma3/index.ts';
import { loraScale, TARGET_NAMES, type Adapter, type LoraModelShape } from './lora.ts';

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
  /** Runs fn with the adapter as the engine's per-projection adapters: pass them to the forward's `adapters` option. */
  withAdapter<T>(adapter: Adapter, fn: (adapters: ReadonlyMap<string, LinearAdapter>) => T): T;
  dispose(): void;
}

const ADAPTABLE = new Set(Object.values(TARGET_NAMES).map((t) => t.gguf));

/** Refuses an adapter whose tensors do not fit this model (another model, another shape). */
export function checkAdapterFits(g: Gemma3, adapter: Adapter): void {
  for (const p of adapter.pairs) {
    const m = /^blk\.(\d+)\.(\w+)\.weight$/.exec(p.base);
    if (!m || Number(m[1]) >= g.config.layers || !ADAPTABLE.has(m[2])) throw new Error(`the model has no adaptable weight named ${p.base}`);
    const w = g.model.weights.matrix(p.base);
    if (w.rows !== p.outDim || w.cols !== p.inDim) {
      throw new Error(
        `adapter tensor ${p.base} is [out ${p.outDim}, in ${p.inDim}] but the model's weight is [${w.rows}, ${w.cols}]: the adapter was made for another model`,
      );
    }
    if (p.a.length !== p.rank * p.inDim || p.b.length !== p.outDim * p.rank) {
      throw new Error(
        `adapter tensor ${p.base} has A of ${p.a.length} and B of ${p.b.length} values, expected ${p.rank}×${p.inDim} and ${p.outDim}×${p.rank}`,
      );
    }
  }
}

/** A pack's limits: its [P, V] logits stay ≤ 128 rows (134 MB at 262,144 columns), its rows ≤ 512. */
const PACK_POSITIONS = 128;
const PACK_TOKENS = 512;

interface Pack {
  tokens: number[];
  segments: number[];
  loss: LossTargets;
}

/**
 * The batch's items packed into as few forwards as the limits allow (ForwardOptions.segments: each
 * item attends only to itself from position 0, as if run alone). Each loss position weighs
 * 1/total, so the packs' losses add up to the batch mean (and their gradients to its gradient).
 */
export function packBatch(batch: readonly StepItem[], total: number): Pack[] {
  const packs: Pack[] = [];
  let cur: Pack | null = null;
  for (const it of batch) {
    const P = it.loss.positions.length;
    if (P === 0) continue;
    if (!cur || cur.tokens.length + it.tokens.length > PACK_TOKENS || cur.loss.positions.length + P > PACK_POSITIONS) {
      cur = { tokens: [], segments: [], loss: { positions: [], targets: [], weights: [] } };
      packs.push(cur);
    }
    const r0 = cur.tokens.length;
    for (const t of it.tokens) cur.tokens.push(t);
    cur.segments.push(it.tokens.length);
    for (let i = 0; i < P; i++) {
      cur.loss.positions.push(r0 + it.loss.positions[i]);
      cur.loss.targets.push(it.loss.targets[i]);
      cur.loss.weights!.push(1 / total);
    }
  }
  return packs;
}

export async function createModelStep(g: Gemma3): Promise<ModelStep> {
  const c = g.config;
  const shape: LoraModelShape = { layers: c.layers, hidden: c.hidden, qDim: c.heads * c.headDim, kvDim: c.kvHeads * c.headDim, ffn: c.ffn };

  /** One LoraAdapter per pair over the pair's own A and B (read at call time: optimizer updates show), fresh zero gradients. */
  const adaptersFor = (adapter: Adapter): Map<string, LoraAdapter> => {
    checkAdapterFits(g, adapter);
    const s = loraScale(adapter);
    const map = new Map<string, LoraAdapter>();
    for (const p of adapter.pairs) {
      if (map.has(p.base)) throw new Error(`the adapter has two pairs for ${p.base}`);
      map.set(p.base, new LoraAdapter(g.model.matmul, p.a, p.b, p.rank, p.inDim, p.outDim, s));
    }
    return map;
  };
  const frozen = () => null; // every base weight: no dW
  // every pack's arrays (activations, gradients, and the [P, V] logits: 262,144 columns make 134 MB
  // for 128 answer positions) come from one arena in the kernels' heap, reset per pack: the products
  // read and write them in place, and nothing is left for the GC (a second run while one is in
  // flight, which the loop never does, gets plain arrays of its own)
  const arena = g.model.matmul.arena();
  let running = false;

  const run = async (adapter: Adapter, batch: StepItem[], withGrads: boolean, signal?: AbortSignal): Promise<StepResult> => {
    const total = batch.reduce((n, it) => n + it.loss.positions.length, 0);
    if (total === 0) throw new Error('the batch has no loss positions (every answer is empty or truncated away)');
    const adapters = adaptersFor(adapter);
    let loss = 0,
      tokens = 0;
    const shared = !running;
    running = true;
    try {
      for (const pack of packBatch(batch, total)) {
        signal?.throwIfAborted();
        const own = shared ? arena : undefined;
        own?.reset();
        const logitsOut = own?.floats(pack.loss.positions.length * c.vocab, false); // the head writes every value
        const fwd = await forwardForLossAsync(g.model, pack.tokens, pack.loss, {
          adapters,
          signal,
          logitsOut,
          segments: pack.segments,
          arena: own,
        });
        loss += fwd.value;
        tokens += pack.tokens.length;
        if (withGrads) await backwardAsync(g.model, fwd, frozen, { adapters, signal, inputGrad: false, arena: own });
      }
    } finally {
      if (shared) running = false;
    }
    const grads = new Map<string, PairGrads>();
    for (const [name, lora] of adapters) grads.set(name, { a: lora.gradA, b: lora.gradB });
    return { loss, positions: total, tokens, grads };
  };

  return {
    shape,
    architecture: 'gemma3',
    lossAndGrads: (adapter, batch, o) => run(adapter, batch, true, o?.signal),
    async loss(adapter, batch) {
      const r = await run(adapter, batch, false);
      return { loss: r.loss, positions: r.positions };
    },
    logits(adapter, tokens, positions) {
      return g.forward(tokens, { logitPositions: positions, adapters: adapter ? adaptersFor(adapter) : undefined }).logits;
    },
    withAdapter: (adapter, fn) => fn(adaptersFor(adapter)),
    dispose() {
      // the adapters live in the caller's arrays, the model (and the heap the arena lives in) belongs to the caller
    },
  };
}
