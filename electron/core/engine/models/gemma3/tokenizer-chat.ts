// A chat as Gemma 3 sees it, tokenized by our engine exactly as llama.cpp gets it from node-llama-cpp.
// The prompt is a list of segments: the template's own text (turn markers, role names, separators) is
// tokenized with control tokens parsed, and what people wrote is tokenized as plain text, so a user who
// types "<start_of_turn>" gets the characters, not a turn marker (node-llama-cpp does the same).
//
// The format is the model's own chat template (tokenizer.chat_template of Gemma 3), which the Chat
// screen renders too (llm/worker/prompt.ts, chatWrapperFor): a system prompt is prepended to the first
// user turn with a blank line, every message is trimmed, roles must alternate user/model. (node-llama-
// cpp's own Gemma wrapper, which joins the system prompt with "\n\n---\n\n", is not what the model
// was trained on, so neither the app nor the engine uses it.)
import type { Tokenizer } from './tokenizer.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'model';
  content: string;
}

export interface ChatSegment {
  text: string;
  /** true: the template's own text, control tokens parsed; false: message text, tokenized as plain text */
  special: boolean;
}

export interface ChatPromptOptions {
  /** End with an open model turn (the chat template's add_generation_prompt). Default true. */
  addGenerationPrompt?: boolean;
}

/** The prompt as segments, starting with "<bos>". Throws on a chat the format cannot express. */
export function gemma3ChatSegments(messages: readonly ChatMessage[], opts: ChatPromptOptions = {}): ChatSegment[] {
  return templateSegments(messages, opts.addGenerationPrompt ?? true);
}

/** Token ids of the prompt: each segment tokenized on its own, as node-llama-cpp's LlamaText does. */
export function encodeGemma3Chat(tokenizer: Tokenizer, messages: readonly ChatMessage[], opts: ChatPromptOptions = {}): number[] {
  const ids: number[] = [];
  for (const seg of mergeSegments(gemma3ChatSegments(messages, opts)))
    ids.push(...tokenizer.encode(seg.text, { addBos: false, special: seg.special }));
  return ids;
}

class Builder {
  readonly segments: ChatSegment[] = [];
  special(text: string): this {
    if (text) this.segments.push({ text, special: true });
    return this;
  }
  plain(text: string): this {
    if (text) this.segments.push({ text, special: false });
    return this;
  }
}

function templateSegments(messages: readonly ChatMessage[], addGenerationPrompt: boolean): ChatSegment[] {
  const b = new Builder().special('<bos>');
  let loop = messages;
  let systemPrefix: string | null = null;
  if (messages[0]?.role === 'system') {
    systemPrefix = messages[0].content;
    loop = messages.slice(1);
  }
  loop.forEach((m, i) => {
    const expected = i % 2 === 0 ? 'user' : 'model';
    if (m.role !== expected)
      throw new Error(`Conversation roles must alternate user/model/user/model/... (message ${i + 1} is '${m.role}')`);
    b.special(`<start_of_turn>${m.role}\n`);
    if (i === 0 && systemPrefix !== null) b.plain(systemPrefix).special('\n\n');
    b.plain(m.content.trim()).special('<end_of_turn>\n');
  });
  if (addGenerationPrompt) b.special('<start_of_turn>model\n');
  return b.segments;
}

/** Joins neighbouring segments of the same kind (LlamaText tokenizes runs of one kind together). */
function mergeSegments(segments: ChatSegment[]): ChatSegment[] {
  const out: ChatSegment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && last.special === s.special) last.text += s.text;
    else out.push({ ...s });
  }
  return out;
}
