// Formats a chat thread with the model's own chat wrapper (Gemma's template for Gemma) into prompt
// tokens, dropping the oldest turns when the thread does not fit the context (a context shift at
// message granularity); a last message that alone does not fit is a clear error.
import type { ChatHistoryItem, ChatWrapper, LlamaModel, Token } from 'node-llama-cpp';
import { TaskError } from '../../workers/task.ts';
import type { Turn } from './types.ts';

export function chatHistoryOf(systemPrompt: string, turns: readonly Turn[], openModelTurn: boolean): ChatHistoryItem[] {
  const items: ChatHistoryItem[] = [];
  // The wrapper, not LlamaChatSession, formats here, so Gemma's system prompt is kept (prepended to
  // the first user turn) rather than silently dropped.
  if (systemPrompt.trim()) items.push({ type: 'system', text: systemPrompt });
  for (const t of turns) items.push(t.role === 'user' ? { type: 'user', text: t.content } : { type: 'model', response: [t.content] });
  if (openModelTurn) items.push({ type: 'model', response: [] });
  return items;
}

export function promptTokens(model: LlamaModel, wrapper: ChatWrapper, systemPrompt: string, turns: readonly Turn[]): Token[] {
  const { contextText } = wrapper.generateContextState({ chatHistory: chatHistoryOf(systemPrompt, turns, true) });
  return contextText.tokenize(model.tokenizer);
}

export interface FittedPrompt {
  tokens: Token[];
  droppedTurns: number;
}

/**
 * Drops whole turns from the start (keeping the thread starting with a user turn) until the prompt
 * leaves `reserve` tokens for the answer. Throws bad_input if even the last user turn cannot fit.
 */
export function fitPrompt(model: LlamaModel, wrapper: ChatWrapper, systemPrompt: string, turns: readonly Turn[], contextSize: number, reserve: number): FittedPrompt {
  let start = 0;
  for (;;) {
    const kept = turns.slice(start);
    const tokens = promptTokens(model, wrapper, systemPrompt, kept);
    if (tokens.length + reserve <= contextSize) return { tokens, droppedTurns: start };
    if (kept.length <= 1) {
      // Only the message being answered is left: answer with whatever room there is, or refuse.
      if (tokens.length < contextSize - 1) return { tokens, droppedTurns: start };
      throw new TaskError(
        'bad_input',
        `the message is too long for the context: the prompt takes ${tokens.length} tokens and the context holds ${contextSize}. Shorten it or raise the context size in Settings.`,
      );
    }
    start++;
    while (start < turns.length - 1 && turns[start].role !== 'user') start++;
  }
}
