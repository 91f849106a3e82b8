// Formats a chat thread with the model's own chat template into prompt tokens, dropping the oldest
// turns when the thread does not fit the context (a context shift at message granularity); a last
// message that alone does not fit is a clear error.
import {
  JinjaTemplateChatWrapper,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { TaskError } from '../../workers/task.ts';
import type { Turn } from './types.ts';

/**
 * The chat format the model's file asks for: its own jinja `tokenizer.chat_template`, rendered by
 * node-llama-cpp, or (a model without one, or a template that fails node-llama-cpp's sanity render)
 * the wrapper node-llama-cpp guesses. `resolveChatWrapper` alone would pick its Gemma wrapper for
 * Gemma 3, which joins a system prompt to the first user turn with "\n\n---\n\n"; Gemma 3's template
 * (and so Hugging Face, llama-server and the model's training) puts it there followed by "\n\n".
 */
export function chatWrapperFor(model: LlamaModel): ChatWrapper {
  const template = model.fileInfo.metadata?.tokenizer?.chat_template;
  if (typeof template === 'string' && template.trim() !== '') {
    try {
      return new JinjaTemplateChatWrapper({ template, tokenizer: model.tokenizer });
    } catch {
      // the template uses something node-llama-cpp's renderer cannot run: fall back to its guess
    }
  }
  return resolveChatWrapper(model);
}

export function chatHistoryOf(systemPrompt: string, turns: readonly Turn[], openModelTurn: boolean): ChatHistoryItem[] {
  const items: ChatHistoryItem[] = [];
  // The wrapper, not LlamaChatSession, formats here, so Gemma's system prompt is kept (prepended to
  // the first user turn) rather than silently dropped.
  if (systemPrompt.trim()) items.push({ type: 'system', text: systemPrompt });
  // Messages are trimmed as Gemma 3's template trims them (`content | trim`): node-llama-cpp renders
  // the template around placeholders, so the template's own trim never sees the text.
  for (const t of turns)
    items.push(t.role === 'user' ? { type: 'user', text: t.content.trim() } : { type: 'model', response: [t.content.trim()] });
  if (openModelTurn) items.push({ type: 'model', response: [] });
  return items;
}

export function promptTokens(model: LlamaModel, wrapper: ChatWrapper, systemPrompt: string, turns: readonly Turn[]): Token[] {
  const { contextText } = wrapper.generateContextState({ chatHistory: chatHistoryOf(systemPrompt, turns, true) });
  return contextText.tokenize(model.tokenizer);
}

export type { ContextPolicy } from '../../api/chat.ts';
import type { ContextPolicy } from '../../api/chat.ts';

/** Tokens kept free for the answer when an old conversation must be shortened to fit. */
const ANSWER_RESERVE = 128;
export const answerReserve = (maxTokens: number) => Math.min(maxTokens, ANSWER_RESERVE);

export interface FittedPrompt {
  tokens: Token[];
  droppedTurns: number;
  /** The system prompt was left out with the oldest turns (policy dropOldest). */
  systemDropped: boolean;
  /** Tokens of the whole thread before anything was left out. */
  fullTokens: number;
}

const tooLong = (tokens: number, contextSize: number) =>
  new TaskError(
    'bad_input',
    `the message is too long for the context: the prompt takes ${tokens} tokens and the context holds ${contextSize}. Shorten it or raise the context size in Settings.`,
  );

/**
 * Drops whole turns from the start (keeping the thread starting with a user turn) until the prompt
 * leaves `reserve` tokens for the answer, as `policy` says: keepSystem keeps the system prompt,
 * dropOldest lets it go with the first turn, refuse throws instead of dropping anything. Throws
 * bad_input if even the last user turn cannot fit.
 */
export function fitPrompt(
  model: LlamaModel,
  wrapper: ChatWrapper,
  systemPrompt: string,
  turns: readonly Turn[],
  contextSize: number,
  reserve: number,
  policy: ContextPolicy = 'keepSystem',
): FittedPrompt {
  const full = promptTokens(model, wrapper, systemPrompt, turns);
  if (full.length + reserve <= contextSize) return { tokens: full, droppedTurns: 0, systemDropped: false, fullTokens: full.length };
  if (policy === 'refuse') {
    if (turns.length <= 1) {
      if (full.length < contextSize - 1) return { tokens: full, droppedTurns: 0, systemDropped: false, fullTokens: full.length };
      throw tooLong(full.length, contextSize);
    }
    throw new TaskError(
      'bad_input',
      `this chat no longer fits the context window: it takes ${full.length} tokens and ${reserve} more are kept for the reply, but the context holds ${contextSize}. The context policy is "refuse": start a new chat, edit an earlier message, or choose another policy in Settings.`,
    );
  }
  let start = 0;
  for (;;) {
    const kept = turns.slice(start);
    const system = policy === 'dropOldest' && start > 0 ? '' : systemPrompt;
    const systemDropped = system !== systemPrompt;
    const tokens = start === 0 ? full : promptTokens(model, wrapper, system, kept);
    if (tokens.length + reserve <= contextSize) return { tokens, droppedTurns: start, systemDropped, fullTokens: full.length };
    if (kept.length <= 1) {
      // Only the message being answered is left: answer with whatever room there is, or refuse.
      if (tokens.length < contextSize - 1) return { tokens, droppedTurns: start, systemDropped, fullTokens: full.length };
      throw tooLong(tokens.length, contextSize);
    }
    start++;
    while (start < turns.length - 1 && turns[start].role !== 'user') start++;
  }
}
