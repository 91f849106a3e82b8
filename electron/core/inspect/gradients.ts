// The gradient inspector over a model loaded by our engine: the engine's numeric gradient report (one
// forward with captures + one backward on the engine's pool, cancellable between layers, with
// progress) presented as the plain data the Gradients tab draws — the saturation flags keep the
// engine's one-line explanations.
import type { GradientReportData, ModelSummary, TokenInfo } from '../api/inspect.ts';
import {
  completionTargets,
  computeGradientsAsync,
  isSliding,
  nextTokenTargets,
  type Gemma3,
  type LinearAdapter,
} from '../engine/models/gemma3/index.ts';

/**
 * Loss on `target` after `prompt` (or, with no target, the mean next-token loss over the prompt),
 * one backward, summarised for the gradient inspector. `signal` stops it between layers;
 * `onProgress` gets the fraction done (forward, then backward layer by layer).
 */
export async function gradientReport(
  g: Gemma3,
  input: { prompt: string; target: string; addBos: boolean },
  tokenText: (id: number) => string,
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void; adapters?: ReadonlyMap<string, LinearAdapter> } = {},
): Promise<GradientReportData> {
  const t0 = performance.now();
  const promptIds = g.tokenize(input.prompt, { addBos: input.addBos, special: true });
  const targetIds = input.target ? g.tokenize(input.target, { addBos: false, special: true }) : [];
  const tokens = [...promptIds, ...targetIds];
  const targets = targetIds.length > 0 ? completionTargets(tokens, promptIds.length) : nextTokenTargets(tokens);
  const { report } = await computeGradientsAsync(
    g.model,
    { tokens, targets },
    { signal: options.signal, onProgress: options.onProgress, reportOnly: true, adapters: options.adapters },
  );
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
    gelu: report.saturation.gelu.map(({ layer, flatFraction, linearFraction, deadUnits, flagged }) => ({
      layer,
      flatFraction,
      linearFraction,
      deadUnits,
      flagged,
    })),
    heads: report.saturation.heads.map(({ layer, head, meanEntropy, normalizedEntropy, flagged }) => ({
      layer,
      head,
      meanEntropy,
      normalizedEntropy,
      flagged,
    })),
    explanations: { geluFlat: report.saturation.explanations.geluFlat, lowEntropyHead: report.saturation.explanations.lowEntropyHead },
    timing: { forwardMs: report.timing.forward, backwardMs: report.timing.backward, totalMs: performance.now() - t0 },
  };
}

export function summaryOf(g: Gemma3): ModelSummary {
  const c = g.config;
  return {
    path: g.path,
    layers: c.layers,
    heads: c.heads,
    kvHeads: c.kvHeads,
    headDim: c.headDim,
    hidden: c.hidden,
    ffn: c.ffn,
    vocab: c.vocab,
    window: c.window,
    contextLength: c.contextLength,
    sliding: Array.from({ length: c.layers }, (_, l) => isSliding(c, l)),
  };
}
