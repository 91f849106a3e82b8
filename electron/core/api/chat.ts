// chat.*: messages of a session (a tree: edits and regenerations add siblings), streaming generation
// in the model worker with token probabilities captured as it generates, per-session system prompt and
// sampling, full-text search, export/import. Session list/create/rename/delete stay in sessions.*.
//
// Streaming protocol: chat.send / chat.regenerate / chat.edit return at once with the new messages
// and a jobId. Then, keyed by messageId:
//   chat.delta   (many)  text and tokens as they are generated; concat(delta.text) == final content
//   chat.message (few)   the assistant message whenever its status changes (streaming → complete |
//                        stopped | failed), carrying final stats and all tokens
// A session generates one reply at a time (a second send answers 'conflict').
import { z } from 'zod';
import type { ChatSession } from './sessions.ts';
import { sessionId } from './sessions.ts';
import { event, method } from './define.ts';

export type MessageRole = 'system' | 'user' | 'assistant';
/**
 * streaming: being generated (saved every ~250 ms). complete: finished normally. stopped: the user
 * stopped it (partial text kept). interrupted: the app or worker died while it streamed (partial text
 * kept, found at next start). failed: generation failed (error says why; text may be partial).
 */
export type MessageStatus = 'streaming' | 'complete' | 'stopped' | 'interrupted' | 'failed';

export interface TokenAlternative {
  text: string;
  prob: number;
}

export interface TokenProb {
  /** Token id in the model's vocabulary. */
  id: number;
  /**
   * The text this token added to the message. A character split over several tokens (multi-byte
   * UTF-8) is attributed to the token that completes it; the earlier ones have ''.
   */
  text: string;
  /**
   * The sampler's probability: the chance the sampler drew this token with, from the distribution it
   * sampled (after repeat penalty, top-k, top-p, min-p and temperature, renormalised over the kept
   * candidates). At temperature 0 (greedy) this is 1: the most likely token is always taken.
   */
  prob: number;
  /** The sampler's 5 most likely candidates at that step, most likely first (greedy: the token alone). */
  top: TokenAlternative[];
  /**
   * The model's own probability: softmax of the raw logits over the whole vocabulary at temperature 1,
   * computed exactly in one batched pass over the reply once it has ended. Absent while streaming and
   * in replies from before it existed (the UI then says it shows the sampler's number).
   */
  modelProb?: number;
  /** The model's 5 most likely tokens at that step (same pass), most likely first. */
  modelTop?: TokenAlternative[];
}

export type StopReason = 'eos' | 'maxTokens' | 'stopped' | 'contextFull' | 'error' | 'interrupted';

export interface MessageStats {
  /** Model that wrote it (display name). */
  model: string | null;
  promptTokens: number;
  generatedTokens: number;
  /** Generated tokens / generation time (after the first token). */
  tokensPerSecond: number | null;
  /** From the request reaching the worker to the first token. */
  timeToFirstTokenMs: number | null;
  durationMs: number;
  stopReason: StopReason;
  /** Context window in tokens and how much of it this reply's prompt + answer used. */
  contextSize: number;
  contextUsed: number;
  /** The sampling it was generated with. */
  sampling: Sampling;
  /** Oldest turns left out of the prompt because the thread did not fit the context (0 = none). */
  droppedTurns?: number;
  /** The system prompt was left out with those turns (context policy dropOldest). */
  systemPromptDropped?: boolean;
  /**
   * How many times the reply was continued after it ended early (absent: never). The speed figures
   * are the last part's; generatedTokens counts the whole reply and durationMs adds up the parts.
   */
  continued?: number;
  /**
   * Generated with a fixed seed or at temperature 0, the prompt evaluated from the start so the same
   * prompt gives the same reply on this machine, backend and llama.cpp build (absent in old messages).
   */
  reproducible?: boolean;
}

export interface ChatMessage {
  id: string;
  sessionId: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  createdAt: number;
  updatedAt: number;
  /** Assistant messages only: one entry per generated token; null for user/system messages. */
  tokens: TokenProb[] | null;
  /** Assistant messages only, once finished (or partial stats when stopped/interrupted). */
  stats: MessageStats | null;
  /** Why it failed (status 'failed'), in words. */
  error: string | null;
}

/** Sampling settings of a session (and of each reply, in its stats): one zod schema, the type derived from it. */
export type Sampling = z.output<typeof samplingSchema>;

export interface SessionConfig {
  /** '' = none. Gemma has no system role: it is prepended to the first user turn. */
  systemPrompt: string;
  sampling: Sampling;
}

export interface ChatSessionView {
  session: ChatSession;
  config: SessionConfig;
  /** Every message of every branch, oldest first. */
  messages: ChatMessage[];
  /** The leaf of the branch shown; null for an empty session. */
  currentLeafId: string | null;
  /** Ids root → current leaf: the thread shown. */
  path: string[];
  /** The assistant message being generated right now, if any. */
  generatingMessageId: string | null;
}

/** What to do when a chat outgrows the context window (setting chat.contextPolicy). */
export type ContextPolicy = 'dropOldest' | 'keepSystem' | 'refuse';

export interface ContextUsage {
  /** Tokens the prompt sent for the next reply (thread plus draft) will take, after the policy left turns out. */
  usedTokens: number;
  /** Tokens of the whole thread plus draft, before anything is left out. */
  fullTokens?: number;
  /** Oldest turns the next reply will be sent without. */
  droppedTurns?: number;
  /** The system prompt will be left out with them (policy dropOldest). */
  systemPromptDropped?: boolean;
  /** Tokens kept free for the reply. */
  reserveTokens?: number;
  policy?: ContextPolicy;
  /** Policy refuse and the thread does not fit: sending will be refused. */
  refused?: boolean;
  contextSize: number;
  /** False when no model is active (then the numbers are 0). */
  modelLoaded: boolean;
}

export interface SearchHit {
  sessionId: string;
  sessionTitle: string;
  messageId: string;
  role: MessageRole;
  /** Excerpt with matches wrapped in \u0002 … \u0003 (control chars, safe to split on; never HTML). */
  snippet: string;
  createdAt: number;
}

export interface GenerationStarted {
  jobId: string;
  /** The user message added (send, edit); null for regenerate. */
  userMessage: ChatMessage | null;
  /** The assistant placeholder (status 'streaming'). */
  assistantMessage: ChatMessage;
}

export const samplingSchema = z.object({
  /** 0 = greedy. */
  temperature: z.number().min(0).max(5),
  /** 0 = off. */
  topK: z.number().int().min(0).max(1000),
  /** 1 = off. */
  topP: z.number().min(0).max(1),
  /** 0 = off. */
  minP: z.number().min(0).max(1),
  /** 1 = off. */
  repeatPenalty: z.number().min(0.5).max(3),
  /** null = random each time. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .nullable(),
  maxTokens: z.number().int().min(1).max(32_768),
});

/** chat.setConfig: any subset of the sampling settings. */
export const samplingInput = samplingSchema.partial().strict();

/**
 * How often a streaming reply is saved to the database. The guarantee: if the app or machine dies
 * mid-reply, what was saved is kept (as 'interrupted'), and at most the text of the last interval
 * shown on screen is lost.
 */
export const STREAM_SAVE_INTERVAL_MS = 250;

/** Context window chat uses when none is set in Settings → Backend: min(trained length, this). */
export const DEFAULT_CHAT_CONTEXT = 8192;

export const defaultSampling: Sampling = { temperature: 1, topK: 64, topP: 0.95, minP: 0, repeatPenalty: 1, seed: null, maxTokens: 1024 };

/** A named sampling preset saved for one model (setting chat.samplingPresets). */
export const samplingPresetSchema = z
  .object({
    modelId: z.string().min(1).max(100),
    name: z.string().trim().min(1, 'give the preset a name').max(80, 'preset names are at most 80 characters'),
    sampling: samplingSchema,
  })
  .strict();
export type SamplingPreset = z.output<typeof samplingPresetSchema>;

/** The sampling choices chat offers for one model. */
export interface SamplingPresets {
  modelId: string | null;
  /** App-wide defaults (Settings → Chat), what a new chat starts with. */
  defaults: Sampling;
  /**
   * What the model file recommends (GGUF general.sampling.* keys, as llama.cpp reads them), filled up
   * from the app defaults; null when the file says nothing.
   */
  modelDefault: { sampling: Sampling; keys: string[] } | null;
  /** Saved for this model, by name. */
  saved: { name: string; sampling: Sampling }[];
}

const messageId = z.string().min(1).max(100);
const messageContent = z.string().min(1, 'message is empty').max(200_000, 'message is too long (200,000 characters at most)');

export const chatMethods = {
  /** The whole session: all branches, the current thread, its config. */
  get: method(z.object({ sessionId }).strict()).returns<ChatSessionView>(),
  /** Adds a user message under the current leaf (or `parentId`) and starts the reply. */
  send: method(
    z.object({ sessionId, content: messageContent, parentId: messageId.nullable().optional() }).strict(),
  ).returns<GenerationStarted>(),
  /** A new assistant sibling of `messageId` (an assistant message), generated from the same history. */
  regenerate: method(z.object({ sessionId, messageId }).strict()).returns<GenerationStarted>(),
  /** Edits a user message: adds a sibling user message with `content` (the old branch stays) and starts the reply. */
  edit: method(z.object({ sessionId, messageId, content: messageContent }).strict()).returns<GenerationStarted>(),
  /**
   * Continues a reply that ended early (stopped, interrupted by a crash, failed part-way, or at the
   * reply limit): the model goes on from its tokens so far, appending to the same message (it streams
   * again with status 'streaming'). A reply that ended on its own (end of turn) is not continued.
   */
  continue: method(z.object({ sessionId, messageId }).strict()).returns<GenerationStarted>(),
  /**
   * Deletes a message and everything below it (every branch under it), in one transaction; the search
   * index follows. The branch shown becomes the newest one left under its parent.
   */
  deleteMessage: method(z.object({ sessionId, messageId }).strict()).returns<{ deletedIds: string[]; view: ChatSessionView }>(),
  /** Sampling presets for a model (default: the active one): app defaults, the file's own, saved ones. */
  presets: method(z.object({ modelId: z.string().min(1).max(100).optional() }).strict()).returns<SamplingPresets>(),
  /** Saves `sampling` as preset `name` for the model (replacing one of that name). */
  savePreset: method(samplingPresetSchema).returns<SamplingPresets>(),
  deletePreset: method(
    z.object({ modelId: z.string().min(1).max(100), name: z.string().trim().min(1).max(80) }).strict(),
  ).returns<SamplingPresets>(),
  /** Stops the session's generation; the partial answer is kept with status 'stopped'. */
  stop: method(z.object({ sessionId }).strict()).returns<{ stopped: boolean; message: ChatMessage | null }>(),
  /** Shows the branch through `messageId` (following the newest child below it). */
  switchBranch: method(z.object({ sessionId, messageId }).strict()).returns<ChatSessionView>(),
  /** Changes the session's system prompt and/or sampling (partial: only what is given). */
  setConfig: method(
    z.object({ sessionId, systemPrompt: z.string().max(50_000).optional(), sampling: samplingInput.optional() }).strict(),
  ).returns<SessionConfig>(),
  /** Context meter: tokens the current thread (+ draft text) takes in the active model's context. */
  contextUsage: method(z.object({ sessionId, draft: z.string().max(200_000).default('') }).strict()).returns<ContextUsage>(),
  /** Full-text search (SQLite FTS5) over all messages; words are matched as prefixes. */
  search: method(
    z.object({ query: z.string().trim().min(1).max(500), limit: z.number().int().min(1).max(200).default(50) }).strict(),
  ).returns<SearchHit[]>(),
  /** Markdown: the current thread, readable. JSON: the whole tree with tokens and stats (re-importable). */
  export: method(z.object({ sessionId, format: z.enum(['markdown', 'json']) }).strict()).returns<{
    fileName: string;
    mimeType: string;
    content: string;
  }>(),
  /** Imports a JSON export as a new session. Bad JSON or a wrong shape → bad_input, nothing written. */
  import: method(z.object({ content: z.string().min(1).max(100_000_000) }).strict()).returns<ChatSession>(),
};

export interface ChatDelta {
  sessionId: string;
  messageId: string;
  jobId: string;
  /** Index in the message's tokens of tokens[0]. */
  index: number;
  /** Text added (== concat of tokens[].text). */
  text: string;
  tokens: TokenProb[];
  /** Prompt + generated so far, for a live context meter. */
  contextUsed: number;
  contextSize: number;
}

export const chatEvents = {
  /** Streaming text and tokens of an assistant message (batched: a few per event at high speed). */
  delta: event<ChatDelta>(),
  /** A message was added or changed status (incl. the final state of a reply with stats and tokens). */
  message: event<{ message: ChatMessage }>(),
  /**
   * A reply is fully streamed and the model's own probability of each of its `tokens` tokens is being
   * worked out (one more pass; the final chat.message follows).
   */
  scoring: event<{ sessionId: string; messageId: string; tokens: number }>(),
  /** Messages were deleted (a message and everything below it). */
  messagesDeleted: event<{ sessionId: string; ids: string[] }>(),
  /** The current leaf or config of a session changed (branch switch, new message, setConfig). */
  sessionChanged: event<{ sessionId: string; currentLeafId: string | null; config: SessionConfig }>(),
};
