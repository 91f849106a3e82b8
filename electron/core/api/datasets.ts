// datasets.*: training rows in SQLite. Rows are conversations; the last assistant message is the
// answer the model learns. Imports are all or nothing (errors carry line numbers as issues).
import { z } from 'zod';
import { event, method } from './define.ts';

export type DatasetRole = 'system' | 'user' | 'assistant';
export interface DatasetMessage {
  role: DatasetRole;
  content: string;
}
export type DatasetSplit = 'train' | 'validation';

export interface DatasetSummary {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  rowCount: number;
  trainCount: number;
  validationCount: number;
  /** The tokenizer its statistics were last computed with. */
  tokenizer: { model: string; fingerprint: string } | null;
}

export interface DatasetRowData {
  id: string;
  position: number;
  split: DatasetSplit;
  messages: DatasetMessage[];
  source: string | null;
}

export interface DatasetStats {
  modelPath: string;
  rows: number;
  maxLength: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p95: number;
  totalTokens: number;
  answerTokens: number;
  overCount: number;
  answerLostCount: number;
  histogram: { from: number; to: number; count: number }[];
  /** per row: tokens and whether it passes the maximum */
  lengths: { rowId: string; promptTokens: number; answerTokens: number; total: number; over: boolean }[];
}

export type DatasetExportFormat = 'jsonl-messages' | 'jsonl-prompt-completion' | 'jsonl-sharegpt' | 'csv';

const id = z.string().min(1).max(100);
const name = z.string().trim().min(1, 'name must not be empty').max(200);
export const datasetMessage = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(200_000) }).strict();
const messages = z.array(datasetMessage).min(2, 'a row needs a question and an answer').max(200);
const split = z.enum(['train', 'validation']);

export const datasetsMethods = {
  list: method(z.object({}).strict()).returns<DatasetSummary[]>(),
  create: method(z.object({ name }).strict()).returns<DatasetSummary>(),
  rename: method(z.object({ id, name }).strict()).returns<DatasetSummary>(),
  delete: method(z.object({ id }).strict()).returns<{ deleted: true }>(),
  rows: method(z.object({ id }).strict()).returns<DatasetRowData[]>(),
  addRow: method(z.object({ id, messages, split: split.optional() }).strict()).returns<DatasetRowData>(),
  updateRow: method(z.object({ id, rowId: id, messages: messages.optional(), split: split.optional() }).strict()).returns<DatasetRowData>(),
  deleteRows: method(z.object({ id, rowIds: z.array(id).min(1).max(100_000) }).strict()).returns<{ deleted: number }>(),
  /** Parses the file's text (JSONL or CSV) and adds every row, or none (bad_input with line-numbered issues). */
  import: method(
    z
      .object({
        id: id.optional(),
        name: name.optional(),
        fileName: z.string().max(500),
        content: z.string().max(200_000_000),
        format: z.enum(['jsonl', 'csv']).optional(),
      })
      .strict(),
  ).returns<{ dataset: DatasetSummary; imported: number }>(),
  export: method(
    z.object({ id, format: z.enum(['jsonl-messages', 'jsonl-prompt-completion', 'jsonl-sharegpt', 'csv']) }).strict(),
  ).returns<{ fileName: string; content: string }>(),
  /** Builds rows from a chat session: each chosen assistant message with the conversation before it. */
  fromChat: method(z.object({ id, sessionId: id, messageIds: z.array(id).min(1).max(10_000) }).strict()).returns<{ added: number }>(),
  /** Reassigns the validation split: `fraction` of the rows, chosen deterministically by `seed`. */
  split: method(
    z
      .object({
        id,
        fraction: z.number().min(0).max(0.9),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31),
      })
      .strict(),
  ).returns<DatasetSummary>(),
  /** Token counts with the model's tokenizer and which rows pass `maxLength`, as a job in the engine worker; remembers the tokenizer. */
  stats: method(
    z.object({ id, modelPath: z.string().min(1).max(4096), maxLength: z.number().int().min(8).max(32_768) }).strict(),
  ).job<DatasetStats>(),
};

export const datasetsEvents = {
  changed: event<{ datasets: DatasetSummary[] }>(),
};
