// Interventions as forward hooks (llama.cpp hook names):
//   head   scales one query head's slice of kqv_out [T, H·Dh] — its whole contribution to attn_out
//   mlp    scales one unit of ffn_gate_par [T, F] — gelu(gate)·up, the value ffn_down reads
//   steer  adds scale · v to l_out [T, D] of one block at every position, v = resid(A) − resid(B)
// Scale 0 ablates, 1 changes nothing, 2 doubles.
import type { Intervention } from '../api/inspect.ts';
import type { Gemma3, Gemma3Config, Hook, LinearAdapter } from '../engine/models/gemma3/index.ts';
import { meanRow } from './stats.ts';

export type ResolvedIntervention =
  Extract<Intervention, { kind: 'head' | 'mlp' }> | (Extract<Intervention, { kind: 'steer' }> & { vector: Float32Array });

export function buildHooks(ivs: readonly ResolvedIntervention[], cfg: Gemma3Config): Hook[] {
  const { heads: H, headDim: Dh, ffn: F, hidden: D } = cfg;
  return ivs.map((iv): Hook => {
    switch (iv.kind) {
      case 'head':
        return {
          name: 'kqv_out',
          layers: [iv.layer],
          fn: ({ data, shape }) => {
            const T = shape[0];
            for (let t = 0; t < T; t++) {
              const o = t * H * Dh + iv.head * Dh;
              for (let d = 0; d < Dh; d++) data[o + d] *= iv.scale;
            }
          },
        };
      case 'mlp':
        return {
          name: 'ffn_gate_par',
          layers: [iv.layer],
          fn: ({ data, shape }) => {
            for (let t = 0; t < shape[0]; t++) data[t * F + iv.unit] *= iv.scale;
          },
        };
      case 'steer':
        return {
          name: 'l_out',
          layers: [iv.layer],
          fn: ({ data, shape }) => {
            for (let t = 0; t < shape[0]; t++) for (let d = 0; d < D; d++) data[t * D + d] += iv.scale * iv.vector[d];
          },
        };
      default:
        return iv satisfies never;
    }
  });
}

/** v = resid_layer(A) − resid_layer(B), each the mean over the prompt's tokens or its last token. */
export async function steeringVector(
  g: Gemma3,
  iv: Extract<Intervention, { kind: 'steer' }>,
  tokenize: (prompt: string) => number[],
  signal?: AbortSignal,
  /** the run's LoRA adapter, so the vector is taken from the same (adapted) model */
  adapters?: ReadonlyMap<string, LinearAdapter>,
): Promise<Float32Array> {
  const D = g.config.hidden;
  const residual = async (prompt: string) => {
    const tokens = tokenize(prompt);
    const r = await g.forwardAsync(tokens, { capture: { names: ['l_out'], layers: [iv.layer] }, logitPositions: 'none', signal, adapters });
    const x = r.activations[`l_out.${iv.layer}`].data;
    const T = tokens.length;
    return iv.from === 'last' ? x.slice((T - 1) * D, T * D) : meanRow(x, T, D);
  };
  const a = await residual(iv.promptA);
  const b = await residual(iv.promptB);
  return a.map((v, i) => v - b[i]);
}
