// A dataset row is one conversation: chat messages whose last assistant message is the answer the
// model learns (the loss covers it only); everything before it is the prompt.
import type { DatasetMessage } from '../api/datasets.ts';

export type Message = DatasetMessage;
export type RowMessages = Message[];

/** Why a row cannot train, or null. */
export function rowProblem(messages: RowMessages): string | null {
  if (messages.length === 0) return 'the row has no messages';
  const last = messages[messages.length - 1];
  if (last.role !== 'assistant') return 'the last message must be the answer (role "assistant")';
  if (last.content.trim() === '') return 'the answer is empty';
  if (!messages.some((m) => m.role === 'user')) return 'the row has no user message';
  for (const [i, m] of messages.entries()) {
    if (m.role === 'system' && i !== 0) return 'a system message may only come first';
  }
  return null;
}

/** The conversation as Gemma 3's chat template renders it: prompt (ends after "<start_of_turn>model\n") and answer. */
export function renderGemma(messages: RowMessages): { prompt: string; answer: string } {
  let system = '';
  let prompt = '';
  const body = messages.slice(0, -1);
  for (const m of body) {
    if (m.role === 'system') {
      system = m.content;
      continue;
    }
    const role = m.role === 'assistant' ? 'model' : 'user';
    // Gemma has no system role: its template folds the system text into the first user turn
    const text = role === 'user' && system ? `${system}\n\n${m.content}` : m.content;
    if (role === 'user') system = '';
    prompt += `<start_of_turn>${role}\n${text}<end_of_turn>\n`;
  }
  prompt += '<start_of_turn>model\n';
  return { prompt, answer: `${messages[messages.length - 1].content}<end_of_turn>\n` };
}
