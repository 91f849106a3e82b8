// Named activations of the Gemma 3 forward pass, as llama.cpp's eval-callback names them, and the
// ways to capture or rewrite them. Shapes (T = tokens of this call, S = positions in the KV cache
// after this call, legend in model.ts):
//
//   inp_embd        [T, D]        embeddings × √D
//   per block i:
//   attn_norm       [T, D]        RMSNorm(x) · attn_norm
//   Qcur            [T, H·Dh]     x·Wqᵀ            Kcur, Vcur  [T, Hkv·Dh]
//   Qcur_normed     [T, H·Dh]     per-head RMSNorm  Kcur_normed [T, Hkv·Dh]
//   Qcur_rope       [T, H·Dh]     after RoPE (before the 1/√Dh scale)   Kcur_rope [T, Hkv·Dh]
//   kq_soft_max     [H, T, S]     attention probabilities (0 outside the causal window)
//   kqv_out         [T, H·Dh]     Σ p·V, before the output projection
//   attn_out        [T, D]        kqv_out·Woᵀ
//   attn_post_norm  [T, D]
//   sa_out          [T, D]        residual after attention
//   ffn_norm        [T, D]
//   ffn_gate        [T, F]        ffn_up [T, F]
//   ffn_gelu        [T, F]        gelu(gate)
//   ffn_gate_par    [T, F]        gelu(gate) · up
//   ffn_out         [T, D]        ·Wdownᵀ
//   ffn_post_norm   [T, D]
//   l_out           [T, D]        residual after the block
//   result_norm     [P, D]        final norm at the logit positions (P of them)
//   result_output   [P, V]        logits

export const BLOCK_ACTIVATIONS = [
  'attn_norm',
  'Qcur',
  'Kcur',
  'Vcur',
  'Qcur_normed',
  'Kcur_normed',
  'Qcur_rope',
  'Kcur_rope',
  'kq_soft_max',
  'kqv_out',
  'attn_out',
  'attn_post_norm',
  'sa_out',
  'ffn_norm',
  'ffn_gate',
  'ffn_up',
  'ffn_gelu',
  'ffn_gate_par',
  'ffn_out',
  'ffn_post_norm',
  'l_out',
] as const;
export const MODEL_ACTIVATIONS = ['inp_embd', 'result_norm', 'result_output'] as const;

export type BlockActivation = (typeof BLOCK_ACTIVATIONS)[number];
export type ModelActivation = (typeof MODEL_ACTIVATIONS)[number];
export type ActivationName = BlockActivation | ModelActivation;

/** One captured tensor (plain data: safe to post between threads/processes). */
export interface Activation {
  name: ActivationName;
  /** block index, or -1 for inp_embd / result_norm / result_output */
  layer: number;
  /** row-major shape after position selection (see the legend; T becomes positions.length) */
  shape: number[];
  /** absolute positions of the rows kept (for kq_soft_max: the query positions) */
  positions: number[];
  data: Float32Array;
}

export interface CaptureSpec {
  /** which activations (default: all) */
  names?: readonly ActivationName[];
  /** which blocks (default: all); model-level activations are captured whenever named */
  layers?: readonly number[];
  /** absolute token positions to keep (default: every position of this call) */
  positions?: readonly number[];
}

/**
 * Called with the live tensor of one activation for every token of this call. Mutate `data` in
 * place, or return a replacement of the same length (ablation, steering); return nothing to read only.
 */
export type HookFn = (act: {
  name: ActivationName;
  layer: number;
  shape: number[];
  positions: number[];
  data: Float32Array;
}) => Float32Array | void;

export interface Hook {
  name: ActivationName;
  /** blocks it runs on (default: every block; ignored for model-level activations) */
  layers?: readonly number[];
  fn: HookFn;
}

/** Key of a captured activation: `name.layer` for blocks, `name` for model-level ones. */
export function activationKey(name: ActivationName, layer: number): string {
  return layer < 0 ? name : `${name}.${layer}`;
}

/** Decides per (name, layer) whether anything is asked for, so the common path costs a lookup. */
export class HookSet {
  private readonly captureNames: Set<ActivationName> | null;
  private readonly captureLayers: Set<number> | null;
  readonly capturePositions: readonly number[] | null;
  private readonly hooks: Hook[];
  readonly captured: Record<string, Activation> = {};
  readonly active: boolean;

  constructor(capture: CaptureSpec | undefined, hooks: readonly Hook[] | undefined) {
    this.captureNames = capture ? new Set(capture.names ?? [...BLOCK_ACTIVATIONS, ...MODEL_ACTIVATIONS]) : null;
    this.captureLayers = capture?.layers ? new Set(capture.layers) : null;
    this.capturePositions = capture?.positions ?? null;
    this.hooks = [...(hooks ?? [])];
    this.active = this.captureNames !== null || this.hooks.length > 0;
  }

  private captures(name: ActivationName, layer: number): boolean {
    if (!this.captureNames?.has(name)) return false;
    return layer < 0 || this.captureLayers === null || this.captureLayers.has(layer);
  }

  private hooksFor(name: ActivationName, layer: number): Hook[] {
    return this.hooks.filter((h) => h.name === name && (layer < 0 || !h.layers || h.layers.includes(layer)));
  }

  wants(name: ActivationName, layer: number): boolean {
    return this.active && (this.captures(name, layer) || this.hooksFor(name, layer).length > 0);
  }

  /**
   * Runs hooks on `data` (which may be replaced in place) and records a capture.
   * `rowAxis`: which axis of `shape` is the token axis (1 for kq_soft_max, 0 otherwise).
   * `final`: the forward never writes `data` again, so a capture of every position keeps it as it is
   * instead of copying it (a training step captured ~50 MB per forward, all copies).
   */
  visit(name: ActivationName, layer: number, data: Float32Array, shape: number[], positions: number[], rowAxis = 0, final = false): void {
    if (!this.active) return;
    for (const h of this.hooksFor(name, layer)) {
      const replaced = h.fn({ name, layer, shape, positions, data });
      if (replaced) {
        if (replaced.length !== data.length) {
          throw new Error(`hook on ${activationKey(name, layer)} returned ${replaced.length} values, expected ${data.length}`);
        }
        if (replaced !== data) data.set(replaced);
      }
    }
    if (!this.captures(name, layer)) return;
    this.captured[activationKey(name, layer)] = selectRows(name, layer, data, shape, positions, rowAxis, this.capturePositions, final);
  }
}

function selectRows(
  name: ActivationName,
  layer: number,
  data: Float32Array,
  shape: number[],
  positions: number[],
  rowAxis: number,
  wanted: readonly number[] | null,
  final: boolean,
): Activation {
  const keep = wanted
    ? positions.map((p, i) => [p, i] as const).filter(([p]) => wanted.includes(p))
    : positions.map((p, i) => [p, i] as const);
  if (keep.length === positions.length)
    return { name, layer, shape: [...shape], positions: [...positions], data: final ? data : data.slice() };
  const outer = shape.slice(0, rowAxis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(rowAxis + 1).reduce((a, b) => a * b, 1);
  const T = shape[rowAxis];
  const out = new Float32Array(outer * keep.length * inner);
  for (let o = 0; o < outer; o++) {
    keep.forEach(([, i], j) => out.set(data.subarray((o * T + i) * inner, (o * T + i + 1) * inner), (o * keep.length + j) * inner));
  }
  const newShape = [...shape];
  newShape[rowAxis] = keep.length;
  return { name, layer, shape: newShape, positions: keep.map(([p]) => p), data: out };
}
