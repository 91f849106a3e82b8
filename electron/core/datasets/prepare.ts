// From text rows to training examples: the Gemma chat template, the model's tokenizer, the maximum
// length (rows over it truncated or refused, as the user chose), and the statistics shown before
// training (length histogram, which rows would be cut).
import type { DatasetStats } from '../api/datasets.ts';
import { renderGemma, rowProblem, type RowMessages } from './rows.ts';

export type Tokenize = (text: string, opts: { addBos: boolean }) => number[];
export type OverflowPolicy = 'truncate' | 'refuse';

export interface PreparedExample {
  rowId: string;
  tokens: number[];
  /** tokens[promptLength..] are the answer: the loss covers them only */
  promptLength: number;
  truncated: boolean;
}

/** One row's token counts, and whether it passes the maximum (the contract's type, without the model). */
export type RowLength = DatasetStats['lengths'][number];

/** The statistics shown before training; the service adds which model's tokenizer counted them. */
export type TokenStats = Omit<DatasetStats, 'modelPath'>;

export class PrepareError extends Error {
  constructor(
    message: string,
    readonly rowIds: string[],
  ) {
    super(message);
    this.name = 'PrepareError';
  }
}

function tokenizeRow(messages: RowMessages, tokenize: Tokenize): { prompt: number[]; answer: number[] } {
  const { prompt, answer } = renderGemma(messages);
  return { prompt: tokenize(prompt, { addBos: true }), answer: tokenize(answer, { addBos: false }) };
}

function rowLength(r: { id: string; messages: RowMessages }, tokenize: Tokenize, maxLength: number): RowLength {
  const t = tokenizeRow(r.messages, tokenize);
  const total = t.prompt.length + t.answer.length;
  return { rowId: r.id, promptTokens: t.prompt.length, answerTokens: t.answer.length, total, over: total > maxLength };
}

export function tokenStats(rows: { id: string; messages: RowMessages }[], tokenize: Tokenize, maxLength: number): TokenStats {
  return summarise(
    rows.map((r) => rowLength(r, tokenize, maxLength)),
    maxLength,
  );
}

/**
 * tokenStats in chunks of rows, yielding to the event loop between them: progress after each chunk
 * (rows done, rows in all), and `signal` cancels it.
 */
export async function tokenStatsAsync(
  rows: { id: string; messages: RowMessages }[],
  tokenize: Tokenize,
  maxLength: number,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; chunk?: number } = {},
): Promise<TokenStats> {
  const chunk = opts.chunk ?? 250;
  const lengths: RowLength[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    opts.signal?.throwIfAborted();
    for (const r of rows.slice(i, i + chunk)) lengths.push(rowLength(r, tokenize, maxLength));
    opts.onProgress?.(lengths.length, rows.length);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return summarise(lengths, maxLength);
}

function summarise(lengths: RowLength[], maxLength: number): TokenStats {
  const totals = lengths.map((l) => l.total).sort((a, b) => a - b);
  const q = (p: number) => (totals.length ? totals[Math.min(totals.length - 1, Math.floor(p * totals.length))] : 0);
  const max = totals.at(-1) ?? 0;
  const bucket = Math.max(8, 2 ** Math.ceil(Math.log2(Math.max(1, Math.max(max, maxLength) / 16))));
  const histogram: TokenStats['histogram'] = [];
  for (let from = 0; from <= Math.max(max, maxLength); from += bucket) histogram.push({ from, to: from + bucket, count: 0 });
  for (const t of totals) histogram[Math.min(histogram.length - 1, Math.floor(t / bucket))].count++;
  return {
    rows: lengths.length,
    maxLength,
    min: totals[0] ?? 0,
    max,
    mean: totals.length ? totals.reduce((a, b) => a + b, 0) / totals.length : 0,
    p50: q(0.5),
    p95: q(0.95),
    totalTokens: totals.reduce((a, b) => a + b, 0),
    answerTokens: lengths.reduce((a, l) => a + l.answerTokens, 0),
    overCount: lengths.filter((l) => l.over).length,
    answerLostCount: lengths.filter((l) => l.promptTokens >= maxLength).length,
    histogram,
    lengths,
  };
}

/**
 * Tokenized examples. Rows over maxLength are cut at the end (the answer's tail) with 'truncate',
 * or make the whole preparation fail with 'refuse', naming them. A row whose prompt alone fills
 * maxLength cannot teach anything and is refused either way.
 */
export function prepareExamples(
  rows: { id: string; messages: RowMessages }[],
  tokenize: Tokenize,
  maxLength: number,
  overflow: OverflowPolicy,
): PreparedExample[] {
  const out: PreparedExample[] = [];
  const tooLong: string[] = [];
  const hopeless: string[] = [];
  const broken: string[] = [];
  for (const r of rows) {
    if (rowProblem(r.messages)) {
      broken.push(r.id);
      continue;
    }
    const t = tokenizeRow(r.messages, tokenize);
    const total = t.prompt.length + t.answer.length;
    if (t.prompt.length >= maxLength) hopeless.push(r.id);
    else if (total > maxLength && overflow === 'refuse') tooLong.push(r.id);
    else {
      const tokens = [...t.prompt, ...t.answer].slice(0, maxLength);
      out.push({ rowId: r.id, tokens, promptLength: t.prompt.length, truncated: total > maxLength });
    }
  }
  if (broken.length)
    throw new PrepareError(`${broken.length} row(s) cannot train (an empty answer, or no answer at the end); fix or delete them`, broken);
  if (hopeless.length)
    throw new PrepareError(
      `${hopeless.length} row(s) have a prompt of ${maxLength} tokens or more, so no answer token would be left; raise the maximum length or shorten them`,
      hopeless,
    );
  if (tooLong.length)
    throw new PrepareError(
      `${tooLong.length} row(s) are longer than ${maxLength} tokens and over-long rows are set to be refused; raise the maximum length, shorten them, or choose truncation`,
      tooLong,
    );
  return out;
}

/** A deterministic split: `fraction` of the rows (at least 1 when there are ≥ 2 rows) to validation. */
export function splitRows<T>(rows: T[], fraction: number, seed: number): { train: T[]; validation: T[] } {
  if (!(fraction >= 0 && fraction < 1)) throw new Error('the validation fraction must be in [0, 1)');
  const n = rows.length;
  const k = fraction === 0 || n < 2 ? 0 : Math.max(1, Math.round(n * fraction));
  let s = seed >>> 0 || 1;
  const idx = rows.map((_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const val = new Set(idx.slice(0, k));
  return { train: rows.filter((_, i) => !val.has(i)), validation: rows.filter((_, i) => val.has(i)) };
}
