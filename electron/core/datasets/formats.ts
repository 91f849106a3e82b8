// Import and export of dataset rows: JSONL in three common shapes and CSV.
//   OpenAI chat      {"messages": [{"role": "user", "content": "…"}, {"role": "assistant", "content": "…"}]}
//   prompt/completion {"prompt": "…", "completion": "…"}  (one user turn and its answer)
//   ShareGPT         {"conversations": [{"from": "human", "value": "…"}, {"from": "gpt", "value": "…"}]}
//   CSV              a header row with prompt and completion (or response/answer/output) columns,
//                    optionally system; one row each
// Import is all or nothing: every problem is reported with its physical line number and nothing is
// added until the whole file is clean.
import { parse as parseCsvSync } from 'csv-parse/sync';
import { rowProblem, type Message, type RowMessages } from './rows.ts';

export type ImportFormat = 'jsonl' | 'csv';
export type JsonlShape = 'messages' | 'prompt_completion' | 'sharegpt';

export interface ImportIssue {
  line: number;
  message: string;
}

export class DatasetImportError extends Error {
  constructor(readonly issues: ImportIssue[]) {
    super(
      `${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was imported. ` +
        issues
          .slice(0, 5)
          .map((i) => `line ${i.line}: ${i.message}`)
          .join('; ') +
        (issues.length > 5 ? `; and ${issues.length - 5} more` : ''),
    );
    this.name = 'DatasetImportError';
  }
}

export interface ParsedRow {
  line: number;
  messages: RowMessages;
  /** a split named in the file ("split": "validation"), if any */
  split?: 'train' | 'validation';
}

const SHAREGPT_ROLES: Record<string, Message['role']> = {
  human: 'user',
  user: 'user',
  gpt: 'assistant',
  assistant: 'assistant',
  model: 'assistant',
  system: 'system',
};

function fromObject(o: unknown): { messages: RowMessages; split?: 'train' | 'validation' } {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('expected a JSON object');
  const r = o as Record<string, unknown>;
  let messages: RowMessages;
  if (Array.isArray(r.messages)) {
    messages = r.messages.map((m, i) => {
      const mm = m as Record<string, unknown>;
      if (typeof mm !== 'object' || mm === null) throw new Error(`messages[${i}] is not an object`);
      if (mm.role !== 'system' && mm.role !== 'user' && mm.role !== 'assistant')
        throw new Error(`messages[${i}].role must be system, user or assistant`);
      if (typeof mm.content !== 'string') throw new Error(`messages[${i}].content must be a string`);
      return { role: mm.role, content: mm.content };
    });
  } else if (Array.isArray(r.conversations)) {
    messages = r.conversations.map((m, i) => {
      const mm = m as Record<string, unknown>;
      if (typeof mm !== 'object' || mm === null) throw new Error(`conversations[${i}] is not an object`);
      const role = SHAREGPT_ROLES[String(mm.from)];
      if (!role) throw new Error(`conversations[${i}].from must be human, gpt or system`);
      if (typeof mm.value !== 'string') throw new Error(`conversations[${i}].value must be a string`);
      return { role, content: mm.value };
    });
  } else if ('prompt' in r || 'completion' in r) {
    if (typeof r.prompt !== 'string') throw new Error('"prompt" must be a string');
    if (typeof r.completion !== 'string') throw new Error('"completion" must be a string');
    messages = [
      { role: 'user', content: r.prompt },
      { role: 'assistant', content: r.completion },
    ];
  } else {
    throw new Error('expected "messages", "conversations" or "prompt" + "completion"');
  }
  if (typeof r.system === 'string' && r.system && messages[0]?.role !== 'system') messages.unshift({ role: 'system', content: r.system });
  let split: 'train' | 'validation' | undefined;
  if (r.split !== undefined) {
    if (r.split === 'train') split = 'train';
    else if (r.split === 'validation' || r.split === 'val' || r.split === 'valid') split = 'validation';
    else throw new Error('"split" must be train or validation');
  }
  const problem = rowProblem(messages);
  if (problem) throw new Error(problem);
  return { messages, split };
}

/** JSONL: one object per line; blank lines skipped; BOM and \r stripped; strict UTF-8 per line. */
export function parseJsonl(bytes: Uint8Array): ParsedRow[] {
  const rows: ParsedRow[] = [];
  const issues: ImportIssue[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  let line = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    line++;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(start, end)).replace(/\r$/, '');
    } catch {
      issues.push({ line, message: 'not valid UTF-8' });
      start = end + 1;
      continue;
    }
    start = end + 1;
    if (text.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      issues.push({ line, message: `not valid JSON (${(e as Error).message.replace(/^.*?: /, '')})` });
      continue;
    }
    try {
      rows.push({ line, ...fromObject(obj) });
    } catch (e) {
      issues.push({ line, message: (e as Error).message });
    }
  }
  if (issues.length) throw new DatasetImportError(issues);
  if (rows.length === 0) throw new DatasetImportError([{ line: 1, message: 'the file has no rows' }]);
  return rows;
}

const ANSWER_COLUMNS = ['completion', 'response', 'answer', 'output', 'assistant'];
const PROMPT_COLUMNS = ['prompt', 'instruction', 'question', 'input', 'user'];

/** CSV with a header row; physical line numbers even for quoted multi-line fields. */
export function parseCsv(bytes: Uint8Array): ParsedRow[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DatasetImportError([{ line: 1, message: 'the file is not valid UTF-8' }]);
  }
  const issues: ImportIssue[] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsvSync(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      bom: true,
      info: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err: { message: string; lines?: number } | undefined) => {
        if (err)
          issues.push({
            line: err.lines ?? 0,
            message: err.message.replace(/^Invalid Record Length: /, '').replace(/,? ?on line \d+/, ''),
          });
      },
    } as never) as never;
  } catch (e) {
    const err = e as { message: string; lines?: number };
    throw new DatasetImportError([{ line: err.lines ?? 1, message: err.message }]);
  }
  const rows: ParsedRow[] = [];
  const headers = records.length ? Object.keys(records[0].record) : [];
  const promptCol = PROMPT_COLUMNS.find((c) => headers.includes(c));
  const answerCol = ANSWER_COLUMNS.find((c) => headers.includes(c));
  if (records.length && (!promptCol || !answerCol)) {
    throw new DatasetImportError([
      {
        line: 1,
        message: `the header needs a prompt column (${PROMPT_COLUMNS.join('/')}) and an answer column (${ANSWER_COLUMNS.join('/')}); found ${headers.join(', ')}`,
      },
    ]);
  }
  for (const { record, info } of records) {
    // info.lines is the last physical line of the record; a record starts after the previous one
    const line = info.lines;
    const messages: RowMessages = [];
    if (record.system?.trim()) messages.push({ role: 'system', content: record.system });
    messages.push({ role: 'user', content: record[promptCol!] ?? '' }, { role: 'assistant', content: record[answerCol!] ?? '' });
    const problem = rowProblem(messages) ?? (messages.at(-2)!.content.trim() === '' ? 'the prompt is empty' : null);
    if (problem) {
      issues.push({ line, message: problem });
      continue;
    }
    const s = record.split?.trim().toLowerCase();
    const split = s === 'validation' || s === 'val' ? 'validation' : s === 'train' ? 'train' : undefined;
    rows.push({ line, messages, split });
  }
  if (issues.length) throw new DatasetImportError(issues.sort((a, b) => a.line - b.line));
  if (rows.length === 0) throw new DatasetImportError([{ line: 1, message: 'the file has no rows' }]);
  return rows;
}

export function parseDataset(bytes: Uint8Array, format: ImportFormat): ParsedRow[] {
  return format === 'csv' ? parseCsv(bytes) : parseJsonl(bytes);
}

/** Guesses the format from the file name, then the first byte. */
export function guessFormat(name: string, bytes: Uint8Array): ImportFormat {
  if (/\.csv$/i.test(name)) return 'csv';
  if (/\.jsonl?$/i.test(name)) return 'jsonl';
  const first = new TextDecoder()
    .decode(bytes.subarray(0, 64))
    .replace(/^\uFEFF/, '')
    .trimStart();
  return first.startsWith('{') ? 'jsonl' : 'csv';
}

export function exportJsonl(rows: { messages: RowMessages; split?: string }[], shape: JsonlShape): string {
  return (
    rows
      .map((r) => {
        const last = r.messages[r.messages.length - 1];
        switch (shape) {
          case 'messages':
            return JSON.stringify({ messages: r.messages });
          case 'sharegpt':
            return JSON.stringify({
              conversations: r.messages.map((m) => ({
                from: m.role === 'user' ? 'human' : m.role === 'assistant' ? 'gpt' : 'system',
                value: m.content,
              })),
            });
          case 'prompt_completion': {
            const system = r.messages.find((m) => m.role === 'system')?.content;
            const prompt = r.messages
              .slice(0, -1)
              .filter((m) => m.role !== 'system')
              .map((m) => m.content)
              .join('\n\n');
            return JSON.stringify(system ? { system, prompt, completion: last.content } : { prompt, completion: last.content });
          }
          default:
            return shape satisfies never;
        }
      })
      .join('\n') + '\n'
  );
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function exportCsv(rows: { messages: RowMessages; split?: string }[]): string {
  const lines = ['system,prompt,completion,split'];
  for (const r of rows) {
    const system = r.messages.find((m) => m.role === 'system')?.content ?? '';
    const prompt = r.messages
      .slice(0, -1)
      .filter((m) => m.role !== 'system')
      .map((m) => m.content)
      .join('\n\n');
    lines.push([system, prompt, r.messages[r.messages.length - 1].content, r.split ?? 'train'].map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}
