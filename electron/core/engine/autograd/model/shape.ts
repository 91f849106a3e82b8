// The numbers of a Gemma 3 model that backward needs, and its parameters named as GGUF names them.
// Legend: T tokens, D hidden, H heads, Hkv kv-heads, Dh head dim, F ffn, V vocab, L layers, W window.
import { AutogradError } from '../types.ts';

export interface Gemma3Shape {
  D: number;
  H: number;
  Hkv: number;
  Dh: number;
  F: number;
  V: number;
  L: number;
  /** RMSNorm epsilon (every norm of the model) */
  eps: number;
  ropeBaseGlobal: number;
  ropeBaseLocal: number;
  /** position multiplier on global layers (1 / rope scaling factor; default 1) */
  ropeFreqScale?: number;
  /** sliding window W; 0 = every layer global */
  window: number;
  /** layer l is sliding iff window > 0 and l % pattern < pattern − 1 (llama.cpp's rule) */
  slidingPattern: number;
  /** multiplies q·k; Gemma 3 (all but 27B): 1/√Dh */
  attnScale: number;
  /** final-logit soft-capping c (0 = none) */
  softcap: number;
}

export function isSliding(s: Gemma3Shape, layer: number): boolean {
  return s.window > 0 && layer % s.slidingPattern < s.slidingPattern - 1;
}

export interface ParamSpec {
  /** GGUF tensor name */
  name: string;
  /** rows × cols as the engine indexes it: a linear layer is OUT rows of IN values */
  rows: number;
  cols: number;
  /** which block it belongs to, or -1 for the embedding / final norm */
  layer: number;
}

/** Every trainable tensor in GGUF order (token_embd, blocks…, output_norm). The head is tied. */
export function paramSpecs(s: Gemma3Shape): ParamSpec[] {
  if (s.H % s.Hkv !== 0) throw new AutogradError(`head_count ${s.H} is not a multiple of head_count_kv ${s.Hkv}`);
  const specs: ParamSpec[] = [{ name: 'token_embd.weight', rows: s.V, cols: s.D, layer: -1 }];
  for (let l = 0; l < s.L; l++) {
    const p = (n: string, rows: number, cols: number) => specs.push({ name: `blk.${l}.${n}.weight`, rows, cols, layer: l });
    p('attn_norm', 1, s.D);
    p('attn_q', s.H * s.Dh, s.D);
    p('attn_k', s.Hkv * s.Dh, s.D);
    p('attn_v', s.Hkv * s.Dh, s.D);
    p('attn_q_norm', 1, s.Dh);
    p('attn_k_norm', 1, s.Dh);
    p('attn_output', s.D, s.H * s.Dh);
    p('post_attention_norm', 1, s.D);
    p('ffn_norm', 1, s.D);
    p('ffn_gate', s.F, s.D);
    p('ffn_up', s.F, s.D);
    p('ffn_down', s.D, s.F);
    p('post_ffw_norm', 1, s.D);
  }
  specs.push({ name: 'output_norm.weight', rows: 1, cols: s.D, layer: -1 });
  return specs;
}
