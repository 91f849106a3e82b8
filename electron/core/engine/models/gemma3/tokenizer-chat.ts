// A chat as Gemma 3 sees it, tokenized by our engine exactly as llama.cpp gets it from node-llama-cpp.
// The prompt is a list of segments: the template's own text (turn markers, role names, separators) is
// tokenized with control tokens parsed, and what people wrote is tokenized as plain text, so a user who
// types "<start_of_turn>" gets the characters, not a turn marker (node-llama-cpp does the same).
//
// Two formats:
//   'template'        the model's own chat template (tokenizer.chat_template of Gemma 3): a system
//                     prompt is prepended to the first user turn with a blank line, every message is
//                     trimmed, roles must alternate user/model.
//   'node-llama-cpp'  node-llama-cpp's GemmaChatWrapper, which `resolveChatWrapper` picks for Gemma 3 and
//                     the Chat screen uses: the system prompt is joined to the first user turn with
//                     "\n\n---\n\n", messages are not trimmed, consecutive messages of one role are joined
//                     with a blank line, and the prompt always ends with an open model turn.
import type { Tokenizer } from './tokenizer.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'model';
  content: string;
}

export type ChatFormat = 'template' | 'node-llama-cpp';

export interface ChatSegment {
  text: string;
  /** true: the template's own text, control tokens parsed; false: message text, tokenized as plain text */
  special: boolean;
}

export interface ChatPromptOptions {
  format?: ChatFormat;
  /** 'template' only: end with an open model turn (the chat template's add_generation_prompt). Default true. */
  addGenerationPrompt?: boolean;
}

/** The prompt as segments, starting with "<bos>". Throws on a chat the format cannot express. */
export function gemma3ChatSegments(messages: readonly ChatMessage[], opts: ChatPromptOptions = {}): ChatSegment[] {
  return (opts.format ?? 'template') === 'template'
    ? templateSegments(messages, opts.addGenerationPrompt ?? true)
    : wrapperSegments(messages);
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

/** GemmaChatWrapper.generateContextState, for a history of system, user and model messages. */
function wrapperSegments(messages: readonly ChatMessage[]): ChatSegment[] {
  const items: { system: string[]; user: string[]; model: string[] }[] = [];
  let focus: ChatMessage['role'] | null = null;
  let cur = { system: [] as string[], user: [] as string[], model: [] as string[] };
  const flush = () => {
    if (cur.system.length || cur.user.length || cur.model.length) items.push(cur);
    cur = { system: [], user: [], model: [] };
  };
  for (const m of messages) {
    if (m.role === 'system') {
      if (focus !== 'system') flush();
    } else if (m.role === 'user') {
      if (focus !== 'system' && focus !== 'user') flush();
    }
    focus = m.role;
    cur[m.role].push(m.content);
  }
  flush();
  const b = new Builder().special('<bos>');
  const text = (texts: string[]) => texts.join('\n\n');
  items.forEach((item, i) => {
    const last = i === items.length - 1;
    if (text(item.system) || text(item.user)) {
      b.special('<start_of_turn>user\n');
      if (text(item.system) && text(item.user)) b.plain(`${text(item.system)}\n\n---\n\n${text(item.user)}`);
      else b.plain(text(item.system) || text(item.user));
      b.special('<end_of_turn>\n');
    }
    if (text(item.model) || last) {
      b.special('<start_of_turn>model\n').plain(text(item.model));
      if (!last) b.special('<end_of_turn>\n');
    }
  });
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
