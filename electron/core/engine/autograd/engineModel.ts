// The fast gradient path over a model loaded by the forward engine (models/gemma3):
//   forward  = the engine's own forward, capturing exactly the activations the backward needs
//              (llama.cpp hook names), with logits only at the positions that carry a loss;
//   backward = ./model/backward.ts with the SIMD gemms of ./kernels over the engine's shared heap.
// Weights are read in place (F32 matrices) or dequantized once into the heap (Q8_0); gradients live
// in the heap too, so dW accumulates without copies. Only exact numerics make sense for gradients:
// load the model with `numerics: 'exact'` (the default); Q8_0 matmuls that quantize their input
// (q8Activations) are differentiated as if they were exact float products.
import type { Gemma3 } from '../models/gemma3/index.ts';
import type { Activation, ActivationName } from '../models/gemma3/hooks.ts';
import type { LinearWeight } from '../tensor/matmul.ts';
import { HeapKernels } from './kernels/heapKernels.ts';
import { norm, type GradientModel } from './inspect/computeGradients.ts';
import type { ForwardCache, LayerCache, LossTargets } from './model/cache.ts';
import { checkLoss, referenceForward } from './model/forward.ts';
import type { FlatParams } from './model/params.ts';
import type { Gemma3Shape } from './model/shape.ts';
import { crossEntropyForward } from './ops/crossEntropy.ts';
import { lossWeights } from './model/cache.ts';
import { AutogradError } from './types.ts';

/** The engine config in the autograd's terms. */
export function shapeOfEngine(g: Gemma3): Gemma3Shape {
  const c = g.config;
  return {
    D: c.hidden, H: c.heads, Hkv: c.kvHeads, Dh: c.headDim, F: c.ffn, V: c.vocab, L: c.layers, eps: c.rmsEps,
    ropeBaseGlobal: c.ropeBase, ropeBaseLocal: c.ropeBaseLocal, ropeFreqScale: c.ropeFreqScale,
    window: c.window, slidingPattern: c.pattern || 1, attnScale: c.attentionScale, softcap: c.finalLogitSoftcap,
  };
}

/** Activations the backward reads (see LayerCache). */
export const BACKWARD_CAPTURES: readonly ActivationName[] = [
  'inp_embd', 'attn_norm', 'Qcur', 'Kcur', 'Vcur', 'Qcur_rope', 'Kcur_rope', 'kq_soft_max', 'kqv_out', 'attn_out',
  'sa_out', 'ffn_norm', 'ffn_gate', 'ffn_up', 'ffn_gate_par', 'ffn_out', 'l_out', 'result_norm', 'result_output',
];

export interface EngineGradientModel extends GradientModel {
  kernels: HeapKernels;
  /** One gradient buffer in the heap, reused by every call (zeroed by computeGradients). */
  allocGrads(): FlatParams<Float32Array>;
  dispose(): void;
}

// Heap allocations are permanent (the engine's heap is a bump allocator), so what a gradient model
// puts there (the gradient buffer, dequantized Q8_0 weights) is kept per loaded model and reused by
// every gradient model made for it later.
const perModel = new WeakMap<object, { weights: Map<string, Float32Array>; norms: Map<string, number>; grads?: FlatParams<Float32Array> }>();

/**
 * A GradientModel over a loaded engine model. Cheap to make again for the same model (heap buffers
 * are reused), but each holds a kernel thread pool until dispose().
 */
export async function engineGradientModel(
  g: Gemma3, opts: { threads?: number; forward?: 'engine' | 'reference' } = {},
): Promise<EngineGradientModel> {
  const shape = shapeOfEngine(g);
  const mm = g.model.matmul;
  const kernels = await HeapKernels.create(mm, opts.threads);
  const w = g.model.weights;
  let kept = perModel.get(g.model);
  if (!kept) perModel.set(g.model, (kept = { weights: new Map(), norms: new Map() }));
  const state = kept;
  const cache = state.weights;
  const matrix = (lw: LinearWeight): Float32Array => {
    const n = lw.rows * lw.cols;
    if (lw.layout === 'f32') return kernels.view(lw.ptr, n);
    // Q8_0: one dequantized f32 copy in the heap, made the first time backward needs it
    const out = kernels.view(mm.heap.alloc(n * 4), n);
    const row = new Float32Array(lw.cols);
    for (let r = 0; r < lw.rows; r++) out.set(mm.row(lw, r, row), r * lw.cols);
    return out;
  };
  const lookup = (name: string): Float32Array | LinearWeight => {
    if (name === 'token_embd.weight') {
      if (w.output !== w.embedding) throw new AutogradError('this model has an untied output.weight; the autograd supports the tied head only');
      return w.embedding;
    }
    if (name === 'output_norm.weight') return w.outputNorm;
    const m = /^blk\.(\d+)\.(\w+)\.weight$/.exec(name);
    const b = m ? w.blocks[Number(m[1])] : undefined;
    const byName: Record<string, Float32Array | LinearWeight> | undefined = b && {
      attn_norm: b.attnNorm, attn_q: b.wq, attn_k: b.wk, attn_v: b.wv, attn_q_norm: b.qNorm, attn_k_norm: b.kNorm,
      attn_output: b.wo, post_attention_norm: b.postAttnNorm, ffn_norm: b.ffnNorm, ffn_gate: b.wGate, ffn_up: b.wUp,
      ffn_down: b.wDown, post_ffw_norm: b.postFfnNorm,
    };
    const found = m && byName ? byName[m[2]] : undefined;
    if (!found) throw new AutogradError(`the engine has no weight named ${name}`);
    return found;
  };
  const weight = (name: string): Float32Array => {
    let v = cache.get(name);
    if (!v) {
      const found = lookup(name);
      v = found instanceof Float32Array ? found : matrix(found);
      cache.set(name, v);
    }
    return v;
  };
  const finish = (tokens: number[], loss: LossTargets, acts: Record<string, Activation>) => {
    const cacheOut = toForwardCache(shape, tokens, loss, acts);
    const P = loss.positions.length;
    // the engine's result_output is already soft-capped; backward wants the raw head output
    if (shape.softcap > 0) kernels.forward(cacheOut.logits, cacheOut.resultNorm, weight('token_embd.weight'), P, shape.D, shape.V);
    cacheOut.lse = new Float64Array(P);
    const value = crossEntropyForward(cacheOut.logits, loss.targets, lossWeights(loss), P, shape.V, shape.softcap, cacheOut.lse);
    return { loss: value, cache: cacheOut };
  };

  // Which forward feeds the backward. 'engine': the engine's own forward with captures (default).
  // 'reference': ./model/forward.ts on the SIMD kernels over f32 weights, chosen by default for Q8_0
  // models loaded with float activations, where the engine's exact float Q8_0 path is a slow
  // scalar loop; it computes the same function (dequantized weights, float activations).
  const q8Float = !mm.options.q8Activations && w.blocks.some((b) => b.wq.layout === 'q8_0' || b.wGate.layout === 'q8_0');
  const which = opts.forward ?? (q8Float ? 'reference' : 'engine');
  const reference = (tokens: number[], loss: LossTargets) => referenceForward(shape, weight, tokens, loss, { precision: 'f32', kernels });

  const weightNorm = (name: string): number => {
    let n = state.norms.get(name);
    if (n === undefined) state.norms.set(name, (n = norm(weight(name))));
    return n;
  };

  return {
    shape, weight, weightNorm, kernels,
    allocGrads: () => (state.grads ??= kernels.allocHeapFlat(shape)),
    forward(tokens: number[], loss: LossTargets) {
      if (which === 'reference') return reference(tokens, loss);
      checkLoss(loss, tokens.length, shape.V);
      const r = g.forward(tokens, { capture: { names: BACKWARD_CAPTURES }, logitPositions: loss.positions });
      return finish(tokens, loss, r.activations);
    },
    async forwardAsync(tokens: number[], loss: LossTargets, signal?: AbortSignal) {
      if (which === 'reference') {
        signal?.throwIfAborted();
        return reference(tokens, loss);
      }
      checkLoss(loss, tokens.length, shape.V);
      const r = await g.forwardAsync(tokens, { capture: { names: BACKWARD_CAPTURES }, logitPositions: loss.positions, signal });
      return finish(tokens, loss, r.activations);
    },
    dispose() {
      kernels.dispose();
    },
  };
}

/** Maps the engine's captured activations onto the backward's cache (no copies). */
export function toForwardCache(s: Gemma3Shape, tokens: number[], loss: LossTargets, acts: Record<string, Activation>): ForwardCache<Float32Array> {
  const get = (name: string) => {
    const a = acts[name];
    if (!a) throw new AutogradError(`the forward did not capture ${name}`);
    return a.data;
  };
  const layers: LayerCache<Float32Array>[] = [];
  for (let l = 0; l < s.L; l++) {
    layers.push({
      x: l === 0 ? get('inp_embd') : get(`l_out.${l - 1}`),
      attnNorm: get(`attn_norm.${l}`), q: get(`Qcur.${l}`), k: get(`Kcur.${l}`), v: get(`Vcur.${l}`),
      qRope: get(`Qcur_rope.${l}`), kRope: get(`Kcur_rope.${l}`), probs: get(`kq_soft_max.${l}`), kqv: get(`kqv_out.${l}`),
      attnOut: get(`attn_out.${l}`), saOut: get(`sa_out.${l}`), ffnNorm: get(`ffn_norm.${l}`), gate: get(`ffn_gate.${l}`),
      up: get(`ffn_up.${l}`), gatePar: get(`ffn_gate_par.${l}`), ffnOut: get(`ffn_out.${l}`),
    });
  }
  return {
    tokens, x0: get('inp_embd'), layers, last: get(`l_out.${s.L - 1}`),
    resultNorm: get('result_norm'), logits: get('result_output'), loss,
  };
}
