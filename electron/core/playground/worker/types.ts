// Plain data between the core and the playground's model-worker tasks (structured clone).
import type { Sampling } from '../../api/chat.ts';
import type { ChunkOutput, Label, SummaryLength, SummaryResult, SummaryStyle } from '../../api/playground.ts';
import type { BackendSpec, ModelSpec } from '../../llm/worker/types.ts';

export interface TagBatchInput {
  backend: BackendSpec;
  model: ModelSpec;
  labels: Label[];
  multiLabel: boolean;
  instruction: string;
  items: { index: number; text: string }[];
  /** Sequences decoded together in one context. */
  parallel: number;
  /** Evaluate the prompt prefix all items share once and copy it to every sequence (false: each item from scratch). */
  sharedPrefix: boolean;
  sampling: Sampling & { seed: number };
}

export interface TagItemResult {
  index: number;
  labels: string[];
  confidence: Record<string, number>;
  raw: string;
  generatedTokens: number;
  ms: number;
  error: string | null;
}

export type TagEvent = { type: 'prefix'; tokens: number } | ({ type: 'item' } & TagItemResult);

export interface TagBatchResult {
  prefixTokens: number;
  promptTokens: number;
  ms: number;
}

export interface SummarizeInput {
  backend: BackendSpec;
  model: ModelSpec;
  text: string;
  length: SummaryLength;
  style: SummaryStyle;
  /** Map-reduce chunk size in tokens; null = what fits the context beside the prompt and answer. */
  chunkTokens: number | null;
  /** Context per sequence; null = min(model's trained context, 4096). */
  contextSize: number | null;
  sampling: Sampling & { seed: number };
}

export type SummarizeEvent =
  | { type: 'plan'; mode: 'whole' | 'map-reduce'; documentTokens: number; chunkTokens: number }
  | { type: 'items'; items: { index: number; level: number; input: string; tokens: number }[] }
  | { type: 'itemStart'; index: number }
  | { type: 'delta'; target: 'item' | 'final'; index: number; text: string }
  | { type: 'itemDone'; index: number; output: ChunkOutput }
  | { type: 'finalStart' };

/** The run's result as the contract stores it, less its kind tag. */
export type SummarizeResult = Omit<SummaryResult, 'kind'>;

export interface GenerateTextInput {
  backend: BackendSpec;
  model: ModelSpec;
  systemPrompt: string;
  prompt: string;
  sampling: Sampling & { seed: number };
}

export type GenerateTextEvent = { type: 'delta'; text: string };

export interface GenerateTextResult {
  text: string;
  promptTokens: number;
  generatedTokens: number;
  ms: number;
  tokensPerSecond: number | null;
}
