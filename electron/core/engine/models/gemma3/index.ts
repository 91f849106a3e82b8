// Public API of our Gemma 3 engine.
//
//   const model = await loadGemma3('model.gguf', { threads: 2 });
//   const ids = model.tokenize('Hello');
//   const { logits, activations } = model.forward(ids, { capture: { names: ['l_out'] }, logitPositions: 'all' });
//   const { tokens } = model.generate(ids, { maxTokens: 32 });
//   model.dispose();
//
// Everything returned is plain data (numbers, arrays, Float32Arrays), so it can be posted from the
// engine's worker process to the UI as is.
import { openGguf, type GgufFile } from '../../gguf/index.ts';
import { MatmulEngine } from '../../tensor/matmul.ts';
import { configFromMetadata, type Gemma3Config } from './config.ts';
import { Gemma3Model, type ForwardOptions, type ForwardResult, type Numerics } from './model.ts';
import { KvCache } from './kv-cache.ts';
import { Sampler, type SamplingOptions } from './sampler.ts';
import { Tokenizer } from './tokenizer.ts';
import { loadWeights } from './weights.ts';

export { ModelLoadError, SUPPORTED_ARCHITECTURES, isSliding, type Gemma3Config } from './config.ts';
export { BLOCK_ACTIVATIONS, MODEL_ACTIVATIONS, activationKey } from './hooks.ts';
export type { Activation, ActivationName, BlockActivation, CaptureSpec, Hook, HookFn, ModelActivation } from './hooks.ts';
export type { ForwardOptions, ForwardResult, LinearAdapter, Numerics } from './model.ts';
export {
  BACKWARD_CAPTURES,
  backward,
  backwardAsync,
  forwardForLoss,
  forwardForLossAsync,
  type GradSink,
  type LossForward,
} from './backward.ts';
export { completionTargets, lossWeights, nextTokenTargets, LossError, type LossTargets } from './loss.ts';
export {
  computeGradients,
  computeGradientsAsync,
  gradientBuffers,
  type GradientBuffers,
  type GradientReport,
  type GradientRequest,
} from './gradient-report.ts';
export { LoraAdapter } from './lora.ts';
export { blockWeight, tensorSpecs, type TensorSpec } from './weights.ts';
export { KvCache } from './kv-cache.ts';
export { Sampler, argmax, softmax, type SamplingOptions } from './sampler.ts';
export { Tokenizer } from './tokenizer.ts';
export { displayToken, escapeTokenText, TokenType, type TokenDisplay, type TokenKind } from './tokenizer-display.ts';
export { encodeGemma3Chat, gemma3ChatSegments, type ChatMessage, type ChatSegment } from './tokenizer-chat.ts';

export interface LoadOptions {
  /** threads for the matmuls, including the calling thread (default: every core) */
  threads?: number;
  /**
   * 'exact' (default): float32 everywhere except that Q8_0 matmuls quantize their input to Q8_0
   * like llama.cpp (set `q8Activations: false` for float inputs).
   * 'llama': also round where llama.cpp's CPU backend rounds (f16 KV cache and attention products,
   * f16 GELU table, f16 inputs to F16 matmuls), for the closest agreement with llama.cpp.
   */
  numerics?: 'exact' | 'llama';
  q8Activations?: boolean;
  /** fused multiply-add kernels (default: where V8 has relaxed SIMD, as Node 24 and Electron); false forces mul + add */
  fma?: boolean;
}

export interface GenerateOptions extends SamplingOptions {
  maxTokens?: number;
  /** stop after emitting one of these (default: the tokenizer's EOS and <end_of_turn> if present) */
  stopTokens?: readonly number[];
  /** called with each new token; return false to stop */
  onToken?: (token: number) => boolean | void;
}

export class Gemma3 {
  private constructor(
    readonly model: Gemma3Model,
    readonly tokenizer: Tokenizer,
    readonly path: string,
  ) {}

  static async load(path: string, opts: LoadOptions = {}): Promise<Gemma3> {
    const file = openGguf(path);
    try {
      return await Gemma3.fromFile(file, opts);
    } finally {
      file.close();
    }
  }

  static async fromFile(file: GgufFile, opts: LoadOptions = {}): Promise<Gemma3> {
    const embd = file.tensor('token_embd.weight');
    const config = configFromMetadata(file.metadata, embd?.dims[1]);
    const tokenizer = new Tokenizer(file.metadata);
    const llama = opts.numerics === 'llama';
    const matmul = await MatmulEngine.create({
      threads: opts.threads,
      q8Activations: opts.q8Activations ?? true,
      f16Activations: llama,
      fma: opts.fma,
    });
    try {
      const weights = loadWeights(file, config, matmul);
      const numerics: Numerics = { f16Gelu: llama, f16Attention: llama };
      return new Gemma3(new Gemma3Model(config, weights, matmul, numerics), tokenizer, file.path);
    } catch (err) {
      matmul.dispose();
      throw err;
    }
  }

  get config(): Gemma3Config {
    return this.model.config;
  }

  tokenize(text: string, opts?: { addBos?: boolean; special?: boolean }): number[] {
    return this.tokenizer.encode(text, opts);
  }

  detokenize(ids: readonly number[], opts?: { special?: boolean }): string {
    return this.tokenizer.decode(ids, opts);
  }

  newCache(): KvCache {
    return this.model.newCache();
  }

  forward(tokens: readonly number[], opts?: ForwardOptions): ForwardResult {
    return this.model.forward(tokens, opts);
  }

  forwardAsync(tokens: readonly number[], opts?: ForwardOptions): Promise<ForwardResult> {
    return this.model.forwardAsync(tokens, opts);
  }

  /** Greedy or sampled continuation of `prompt` (token ids), with a KV cache. */
  generate(prompt: readonly number[], opts: GenerateOptions = {}): { tokens: number[]; stopped: 'stop-token' | 'max-tokens' | 'callback' } {
    const maxTokens = opts.maxTokens ?? 64;
    const stops = new Set(opts.stopTokens ?? this.defaultStops());
    const sampler = new Sampler(opts);
    const cache = this.newCache();
    const out: number[] = [];
    let { logits } = this.forward(prompt, { kvCache: cache, logitPositions: 'last' });
    for (;;) {
      if (out.length >= maxTokens) return { tokens: out, stopped: 'max-tokens' };
      const next = sampler.sample(logits);
      out.push(next);
      if (opts.onToken?.(next) === false) return { tokens: out, stopped: 'callback' };
      if (stops.has(next)) return { tokens: out, stopped: 'stop-token' };
      if (out.length >= maxTokens) return { tokens: out, stopped: 'max-tokens' };
      ({ logits } = this.forward([next], { kvCache: cache, logitPositions: 'last' }));
    }
  }

  private defaultStops(): number[] {
    const stops = [this.tokenizer.eos];
    const eot = this.tokenizer.tokens.indexOf('<end_of_turn>');
    if (eot >= 0) stops.push(eot);
    return stops;
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Loads any gemma3 GGUF; other architectures are rejected with a ModelLoadError naming what is supported. */
export function loadGemma3(path: string, opts?: LoadOptions): Promise<Gemma3> {
  return Gemma3.load(path, opts);
}
