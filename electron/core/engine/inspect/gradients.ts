// The gradient inspector over a model loaded by our forward engine: the autograd's GradientModel
// reads the engine's own weights (f32 matrices in place in the engine's heap, Q8_0 ones dequantized
// once), so a run needs no second load of the file.
import type { GradientResult, ModelSummary, TokenInfo } from '../../api/inspect.ts';
import { computeGradients, referenceGradientModel, type GradientModel } from '../autograd/inspect/computeGradients.ts';
import { completionTargets, nextTokenTargets } from '../autograd/model/cache.ts';
import type { Gemma3Shape } from '../autograd/model/shape.ts';
import { isSliding, type Gemma3 } from '../models/gemma3/index.ts';
import type { LinearWeight } from '../tensor/matmul.ts';

export function shapeOf(g: Gemma3): Gemma3Shape {
  const c = g.config;
  return {
    D: c.hidden, H: c.heads, Hkv: c.kvHeads, Dh: c.headDim, F: c.ffn, V: c.vocab, L: c.layers, eps: c.rmsEps,
    ropeBaseGlobal: c.ropeBase, ropeBaseLocal: c.ropeBaseLocal, window: c.window, slidingPattern: c.pattern || 1,
    attnScale: c.attentionScale, softcap: c.finalLogitSoftcap,
  };
}

/** name → f32 values of that GGUF tensor, read from the loaded engine. */
export function engineWeights(g: Gemma3): (name: string) => Float32Array {
  const mm = g.model.matmul;
  const w = g.model.weights;
  const cache = new Map<string, Float32Array>();
  const matrix = (lw: LinearWeight): Float32Array => {
    if (lw.layout === 'f32') return mm.heap.f32(lw.ptr, lw.rows * lw.cols);
    const out = new Float32Array(lw.rows * lw.cols);
    const row = new Float32Array(lw.cols);
    for (let r = 0; r < lw.rows; r++) out.set(mm.row(lw, r, row), r * lw.cols);
    return out;
  };
  const lookup = (name: string): Float32Array | LinearWeight | undefined => {
    if (name === 'token_embd.weight') return w.embedding;
    if (name === 'output_norm.weight') return w.outputNorm;
    const m = /^blk\.(\d+)\.(\w+)\.weight$/.exec(name);
    const b = m ? w.blocks[Number(m[1])] : undefined;
    if (!m || !b) return undefined;
    const byName: Record<string, Float32Array | LinearWeight> = {
      attn_norm: b.attnNorm, attn_q: b.wq, attn_k: b.wk, attn_v: b.wv, attn_q_norm: b.qNorm, attn_k_norm: b.kNorm,
      attn_output: b.wo, post_attention_norm: b.postAttnNorm, ffn_norm: b.ffnNorm, ffn_gate: b.wGate, ffn_up: b.wUp,
      ffn_down: b.wDown, post_ffw_norm: b.postFfnNorm,
    };
    return byName[m[2]];
  };
  return (name) => {
    let v = cache.get(name);
    if (v) return v;
    const found = lookup(name);
    if (!found) throw new Error(`the engine has no weight named ${name}`);
    v = found instanceof Float32Array ? found : matrix(found);
    cache.set(name, v);
    return v;
  };
}

export function gradientModelFor(g: Gemma3): GradientModel {
  return referenceGradientModel(shapeOf(g), engineWeights(g));
}

/**
 * Loss on `target` after `prompt` (or, with no target, the mean next-token loss over the prompt),
 * one backward, summarised for the gradient inspector.
 */
export function gradientReport(
  g: Gemma3, model: GradientModel, input: { prompt: string; target: string; addBos: boolean },
  tokenText: (id: number) => string,
): GradientResult {
  const t0 = performance.now();
  const promptIds = g.tokenize(input.prompt, { addBos: input.addBos, special: true });
  const targetIds = input.target ? g.tokenize(input.target, { addBos: false, special: true }) : [];
  const tokens = [...promptIds, ...targetIds];
  const targets = targetIds.length > 0 ? completionTargets(tokens, promptIds.length) : nextTokenTargets(tokens);
  const { report } = computeGradients(model, { tokens, targets });
  const toks: TokenInfo[] = tokens.map((id) => ({ id, text: tokenText(id) }));
  return {
    model: summaryOf(g),
    prompt: input.prompt,
    target: input.target,
    tokens: toks,
    promptLength: promptIds.length,
    loss: report.loss,
    lossPositions: report.targets.positions,
    lossTargets: report.targets.targets,
    perTensor: report.perTensor,
    perLayer: report.perLayer,
    residualNorm: report.residualNorm,
    attribution: report.attribution,
    gelu: report.saturation.gelu.map(({ layer, flatFraction, linearFraction, deadUnits, flagged }) => ({ layer, flatFraction, linearFraction, deadUnits, flagged })),
    heads: report.saturation.heads.map(({ layer, head, meanEntropy, normalizedEntropy, flagged }) => ({ layer, head, meanEntropy, normalizedEntropy, flagged })),
    explanations: { geluFlat: report.saturation.explanations.geluFlat, lowEntropyHead: report.saturation.explanations.lowEntropyHead },
    timing: { forwardMs: report.timing.forward, backwardMs: report.timing.backward, totalMs: performance.now() - t0 },
  };
}

export function summaryOf(g: Gemma3): ModelSummary {
  const c = g.config;
  return {
    path: g.path, layers: c.layers, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim, hidden: c.hidden, ffn: c.ffn,
    vocab: c.vocab, window: c.window, contextLength: c.contextLength,
    sliding: Array.from({ length: c.layers }, (_, l) => isSliding(c, l)),
  };
}
