// Tagging input: pasted lines, CSV or JSONL into items (text + optional gold labels). Malformed rows
// are listed with the physical line they start on (csv-parse counts lines inside quoted fields right),
// and nothing is run while any are listed.
import { parse } from 'csv-parse/sync';
import type { ParsedItems, TagItemInput } from '../api/playground.ts';

const TEXT_FIELDS = ['text', 'content', 'input', 'sentence', 'review', 'message'];
const GOLD_FIELDS = ['label', 'labels', 'gold', 'category', 'class', 'tag', 'tags'];
const MAX_ERRORS = 50;

export interface ParseOptions {
  textField?: string;
  goldField?: string;
}

/** Gold labels from a cell: a JSON array, or names separated by | ; or , (one name when none). */
function goldOf(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value))
    return value
      .map(String)
      .map((s) => s.trim())
      .filter(Boolean);
  const s = String(value).trim();
  if (!s) return undefined;
  if (s.startsWith('[')) {
    try {
      const arr = JSON.parse(s) as unknown;
      if (Array.isArray(arr))
        return arr
          .map(String)
          .map((x) => x.trim())
          .filter(Boolean);
    } catch {
      // not JSON: split below
    }
  }
  return s
    .split(/[|;,]/)
    .map((x) => x.trim())
    .filter(Boolean);
}

function pick(
  columns: string[],
  wanted: string | undefined,
  guesses: string[],
  what: string,
  errors: ParsedItems['errors'],
): string | undefined {
  if (wanted) {
    if (!columns.includes(wanted))
      errors.push({ line: 1, message: `there is no ${what} column "${wanted}" (columns: ${columns.join(', ')})` });
    return wanted;
  }
  return columns.find((c) => guesses.includes(c.trim().toLowerCase()));
}

export function parseItems(format: 'lines' | 'csv' | 'jsonl', content: string, options: ParseOptions = {}): ParsedItems {
  switch (format) {
    case 'lines':
      return {
        items: content
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean)
          .map((text) => ({ text })),
        columns: [],
        errors: [],
      };
    case 'csv':
      return parseCsv(content, options);
    case 'jsonl':
      return parseJsonl(content, options);
    default:
      format satisfies never;
      throw new Error('unreachable');
  }
}

function parseCsv(content: string, options: ParseOptions): ParsedItems {
  const errors: ParsedItems['errors'] = [];
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(content, {
      columns: true,
      bom: true,
      info: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      relax_column_count: false,
      on_skip: (err: { message: string; lines?: number } | undefined) => {
        if (err && errors.length < MAX_ERRORS)
          errors.push({ line: err.lines ?? 0, message: err.message.replace(/^Invalid Record Length: /, '') });
      },
    }) as unknown as { record: Record<string, string>; info: { lines: number } }[];
  } catch (err) {
    const e = err as { message: string; lines?: number };
    return { items: [], columns: [], errors: [{ line: e.lines ?? 1, message: e.message }] };
  }
  const columns =
    records.length > 0
      ? Object.keys(records[0].record)
      : (content.split(/\r?\n/)[0] ?? '').split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
  const textField = pick(columns, options.textField, TEXT_FIELDS, 'text', errors) ?? columns[0];
  const goldField = pick(columns, options.goldField, GOLD_FIELDS, 'gold label', errors);
  const items: TagItemInput[] = [];
  for (const { record, info } of records) {
    const text = (record[textField] ?? '').trim();
    // info.lines is the line the record ends on; a record starts after the previous one ended.
    if (!text) {
      if (errors.length < MAX_ERRORS) errors.push({ line: info.lines, message: `the ${textField} field is empty` });
      continue;
    }
    const gold = goldField ? goldOf(record[goldField]) : undefined;
    items.push(gold ? { text, gold } : { text });
  }
  errors.sort((a, b) => a.line - b.line);
  return { items, columns, errors };
}

function parseJsonl(content: string, options: ParseOptions): ParsedItems {
  const errors: ParsedItems['errors'] = [];
  const items: TagItemInput[] = [];
  let columns: string[] = [];
  const lines = content.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (!line) return;
    const at = i + 1;
    const bad = (message: string) => errors.length < MAX_ERRORS && errors.push({ line: at, message });
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      // Node adds "(line 1 column N)": the column is what helps here.
      return void bad(`not valid JSON: ${(err as Error).message}`);
    }
    if (typeof value === 'string') return void items.push({ text: value });
    if (!value || typeof value !== 'object' || Array.isArray(value)) return void bad('each line must be a JSON object (or a string)');
    const obj = value as Record<string, unknown>;
    if (columns.length === 0) columns = Object.keys(obj);
    const keys = Object.keys(obj);
    const textField = options.textField ?? keys.find((k) => TEXT_FIELDS.includes(k.toLowerCase()));
    const goldField = options.goldField ?? keys.find((k) => GOLD_FIELDS.includes(k.toLowerCase()));
    const text = textField ? obj[textField] : undefined;
    if (typeof text !== 'string' || !text.trim())
      return void bad(textField ? `"${textField}" must be a non-empty string` : `no text field (one of ${TEXT_FIELDS.join(', ')})`);
    const gold = goldField ? goldOf(obj[goldField]) : undefined;
    items.push(gold ? { text: text.trim(), gold } : { text: text.trim() });
  });
  return { items, columns, errors };
}
