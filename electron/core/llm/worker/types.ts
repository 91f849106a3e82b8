// Plain data crossing between the core and the model worker for chat (structured clone).
import type { BackendName, GpuChoice, MemoryInfo } from '../../api/backend.ts';
import type { Sampling, StopReason, TokenProb } from '../../api/chat.ts';

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
}

export type GenerateEvent =
  | { type: 'start'; promptTokens: number; contextSize: number; droppedTurns: number }
  | { type: 'tokens'; index: number; text: string; tokens: TokenProb[]; contextUsed: number };

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
}

export interface BackendState {
  name: BackendName;
  devices: string[];
  vram: MemoryInfo | null;
  ram: MemoryInfo;
  threads: number;
  fallbackReason: string | null;
  llamaCppRelease: string;
  model: { id: string; name: string; gpuLayers: number; totalLayers: number; contextSize: number; vramBytes: number } | null;
}
