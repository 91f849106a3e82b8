// Plain data crossing between the core and the model worker for chat (structured clone).
import type { BackendReport, GpuChoice } from '../../api/backend.ts';
import type { ContextPolicy, Sampling, StopReason, TokenAlternative, TokenProb } from '../../api/chat.ts';

export interface BackendSpec {
  gpu: GpuChoice;
  /** 0 = llama.cpp's count of the machine's math (physical) cores. */
  threads: number;
}

export interface ModelSpec {
  id: string;
  name: string;
  path: string;
  gpuLayers: 'auto' | 'max' | number;
  /** null = min(trained length, DEFAULT_CONTEXT). */
  contextSize: number | null;
  /** A LoRA adapter (GGUF) applied at context creation, and its scale (finetune: "chat with this adapter"). */
  adapter?: { path: string; scale: number } | null;
}

export interface Turn {
  role: 'user' | 'assistant';
  content: string;
}

export interface GenerateInput {
  genId: string;
  backend: BackendSpec;
  model: ModelSpec;
  systemPrompt: string;
  /** The thread up to and including the user message being answered. */
  history: Turn[];
  /** seed resolved by the core (never null here), so the message records how to reproduce it. */
  sampling: Sampling & { seed: number };
  /**
   * The user asked for a repeatable reply (fixed seed or temperature 0): the prompt is evaluated from
   * the start in one fixed batch layout, never on a KV prefix left by an earlier evaluation in another
   * batch shape (float matmuls differ by batch shape, so reused prefixes can change the reply).
   */
  reproducible: boolean;
  contextPolicy: ContextPolicy;
  /**
   * Continue generation: the ids of the reply's tokens so far. They follow the prompt as the start of
   * the model's turn, and generation goes on from there (modelProbs then cover them too).
   */
  continueTokens?: number[];
}

export type GenerateEvent =
  | { type: 'start'; promptTokens: number; contextSize: number; droppedTurns: number; systemDropped: boolean }
  | { type: 'tokens'; index: number; text: string; tokens: TokenProb[]; contextUsed: number }
  /** The reply is all sent; the pass for the model's own probabilities of its `tokens` tokens starts. */
  | { type: 'scoring'; tokens: number };

export interface GenerateResult {
  stopReason: StopReason;
  text: string;
  promptTokens: number;
  generatedTokens: number;
  /** Prompt in the worker → first token (prompt evaluation + first sample). */
  timeToFirstTokenMs: number | null;
  tokensPerSecond: number | null;
  durationMs: number;
  contextSize: number;
  contextUsed: number;
  droppedTurns: number;
  systemDropped: boolean;
  /** Time the exact pass for the model's own token probabilities took (not in durationMs). */
  modelPassMs: number;
  /** Per reply token (continueTokens first, then generated), the model's own probability and top tokens (fewer when the pass was aborted). */
  modelProbs: { prob: number; top: TokenAlternative[] }[];
}

/** What the worker finds: the contract's report less what the host adds (the choice asked for, the status-bar line). */
export type BackendState = Omit<BackendReport, 'requested' | 'summary'>;
