// playground.*: tagging with constrained labels, summarization (whole or map-reduce over token-counted
// chunks) and side-by-side compare. Each run is a job (progress, cancel) stored in SQLite with its
// items, so it reopens after a restart and exports as CSV or JSONL.
//
// Streaming: playground.start/tag/summarize/compare return { runId, jobId } at once; then, keyed by runId:
//   playground.item   an item finished (a tagged text, a chunk's partial summary, a compare cell)
//   playground.delta  text as it is generated (a chunk's summary, the final summary, a compare cell)
//   playground.run    the run's status or plan changed (chunk count known, done, failed, cancelled)
import { z } from 'zod';
import { samplingInput, type Sampling } from './chat.ts';
import { documentId } from './documents.ts';
import { adapterScale } from './finetune.ts';
import { event, method } from './define.ts';

export type RunKind = 'tag' | 'summarize' | 'compare';
/** interrupted: the app stopped while it ran (found at the next start). */
export type RunStatus = 'running' | 'complete' | 'failed' | 'cancelled' | 'interrupted';

export interface Label {
  name: string;
  description?: string;
}

export interface TagItemInput {
  text: string;
  /** Gold labels (from a CSV/JSONL column), for accuracy. */
  gold?: string[];
}

/** A LoRA adapter (from finetune.adapters) applied to a configuration's model, at a scale. */
export interface AdapterChoice {
  adapterId: string;
  name: string;
  scale: number;
}

export interface TagConfig {
  kind: 'tag';
  labels: Label[];
  multiLabel: boolean;
  instruction: string;
  modelId: string;
  modelName: string;
  parallel: number;
  sampling: Sampling;
  /** Absent in runs stored before adapters could be chosen. */
  adapter?: AdapterChoice | null;
}

export type SummaryLength = 'short' | 'medium' | 'long';
export type SummaryStyle = 'paragraph' | 'bullets' | 'tldr';

export interface SummarizeConfig {
  kind: 'summarize';
  length: SummaryLength;
  style: SummaryStyle;
  modelId: string;
  modelName: string;
  /** The source: a stored document, or pasted text (kept in the run's first item). */
  documentId: string | null;
  documentName: string | null;
  chunkTokens: number;
  adapter?: AdapterChoice | null;
}

export interface CompareColumn {
  /** Shown as the column's heading. */
  label: string;
  modelId: string;
  modelName: string;
  systemPrompt: string;
  sampling: Sampling;
  /** The adapter this column ran with (null: the base model). */
  adapter?: AdapterChoice | null;
}

export interface CompareConfig {
  kind: 'compare';
  columns: CompareColumn[];
}

export type RunConfig = TagConfig | SummarizeConfig | CompareConfig;

export interface TagOutput {
  kind: 'tag';
  labels: string[];
  /** Probability the model gave each chosen label (product over its tokens, under the label grammar). */
  confidence: Record<string, number>;
  /** The JSON the model wrote. */
  raw: string;
  generatedTokens: number;
  ms: number;
}

export interface ChunkOutput {
  kind: 'chunk';
  /** Level 0: a chunk of the document; 1+: a group of partial summaries being reduced. */
  level: number;
  inputTokens: number;
  summary: string;
  generatedTokens: number;
  ms: number;
}

export interface CellOutput {
  kind: 'cell';
  text: string;
  promptTokens: number;
  generatedTokens: number;
  ms: number;
  tokensPerSecond: number | null;
}

export type ItemOutput = TagOutput | ChunkOutput | CellOutput;

export interface RunItem {
  /** Tag: the item; summarize: the chunk (across levels, in order); compare: the input row. */
  index: number;
  /** Compare: the column (configuration); 0 otherwise. */
  col: number;
  input: string;
  gold: string[] | null;
  status: 'pending' | 'running' | 'done' | 'failed';
  output: ItemOutput | null;
  error: string | null;
}

export interface LabelMetrics {
  label: string;
  precision: number | null;
  recall: number | null;
  /** Items whose gold labels include it. */
  support: number;
}

export interface TagMetrics {
  kind: 'tag';
  /** Items with gold labels that were tagged. */
  evaluated: number;
  /** Share of evaluated items whose predicted label set equals the gold set. */
  accuracy: number | null;
  perLabel: LabelMetrics[];
  /** Single-label runs: counts[gold][predicted], in the order of `labels`. */
  confusion: { labels: string[]; counts: number[][] } | null;
  itemsPerSecond: number | null;
}

export interface SummaryResult {
  kind: 'summarize';
  summary: string;
  mode: 'whole' | 'map-reduce';
  /** Chunks of the document (level 0). */
  chunks: number;
  /** Reduce levels above the chunks (0 when summarized whole). */
  levels: number;
  documentTokens: number;
  ms: number;
}

export interface CompareResult {
  kind: 'compare';
  /** Per column: totals over its cells. */
  columns: { generatedTokens: number; ms: number; tokensPerSecond: number | null }[];
}

export type RunResult = TagMetrics | SummaryResult | CompareResult;

export interface RunSummary {
  id: string;
  kind: RunKind;
  title: string;
  status: RunStatus;
  documentId: string | null;
  itemCount: number;
  doneCount: number;
  error: string | null;
  jobId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface RunView {
  run: RunSummary;
  config: RunConfig;
  items: RunItem[];
  result: RunResult | null;
  /** Summarize: the final summary as generated so far (also while running). */
  partial: string | null;
}

export interface ParsedItems {
  items: TagItemInput[];
  /** Column names found (CSV header / JSONL keys of the first row). */
  columns: string[];
  /** Malformed rows, with the physical line they start on; nothing is run while any are listed. */
  errors: { line: number; message: string }[];
}

const labelName = z.string().trim().min(1, 'a label needs a name').max(100);
export const labelsInput = z
  .array(z.object({ name: labelName, description: z.string().max(500).optional() }).strict())
  .min(1, 'add at least one label')
  .max(50, 'at most 50 labels')
  .superRefine((labels, ctx) => {
    const seen = new Set<string>();
    labels.forEach((l, i) => {
      const key = l.name.trim().toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `the label "${l.name.trim()}" is listed twice` });
      seen.add(key);
    });
  });

const runId = z.string().min(1).max(100);
const modelId = z.string().min(1).max(100).optional();
/** A LoRA adapter of the configuration's model and its scale; null or absent: the base model. */
const adapter = z
  .object({ adapterId: z.string().min(1).max(100), scale: adapterScale })
  .strict()
  .nullable()
  .optional();
const text = z.string().min(1, 'the text is empty').max(2_000_000);

export const playgroundMethods = {
  /** Parses pasted lines, CSV or JSONL into tagging items (text + optional gold column). */
  parseItems: method(
    z
      .object({
        format: z.enum(['lines', 'csv', 'jsonl']),
        content: z.string().max(20_000_000),
        textField: z.string().max(200).optional(),
        goldField: z.string().max(200).optional(),
      })
      .strict(),
  ).returns<ParsedItems>(),
  tag: method(
    z
      .object({
        title: z.string().max(200).optional(),
        labels: labelsInput,
        multiLabel: z.boolean().default(false),
        instruction: z.string().max(10_000).default(''),
        items: z
          .array(
            z
              .object({ text: z.string().trim().min(1, 'an item is empty').max(50_000), gold: z.array(labelName).max(50).optional() })
              .strict(),
          )
          .min(1, 'nothing to tag')
          .max(10_000),
        modelId,
        adapter,
        parallel: z.number().int().min(1).max(16).default(4),
        sampling: samplingInput.optional(),
      })
      .strict(),
  ).returns<{ runId: string; jobId: string }>(),
  summarize: method(
    z
      .object({
        documentId: documentId.optional(),
        text: text.optional(),
        title: z.string().max(200).optional(),
        length: z.enum(['short', 'medium', 'long']).default('medium'),
        style: z.enum(['paragraph', 'bullets', 'tldr']).default('paragraph'),
        modelId,
        adapter,
        /** Chunk size for map-reduce (tokens); default: what fits the context beside the prompt. */
        chunkTokens: z.number().int().min(64).max(32_768).optional(),
        /** Sampling of every step; maxTokens caps each partial and the final summary below what `length` allows. */
        sampling: samplingInput.optional(),
      })
      .strict()
      .refine((v) => (v.documentId === undefined) !== (v.text === undefined), 'give either documentId or text'),
  ).returns<{ runId: string; jobId: string }>(),
  compare: method(
    z
      .object({
        title: z.string().max(200).optional(),
        inputs: z.array(z.string().trim().min(1, 'an input is empty').max(100_000)).min(1).max(50),
        columns: z
          .array(
            z
              .object({
                label: z.string().max(100).optional(),
                modelId,
                adapter,
                systemPrompt: z.string().max(50_000).default(''),
                sampling: samplingInput.optional(),
              })
              .strict(),
          )
          .min(2, 'compare needs at least two configurations')
          .max(4, 'at most four configurations side by side'),
      })
      .strict(),
  ).returns<{ runId: string; jobId: string }>(),
  runs: method(
    z.object({ kind: z.enum(['tag', 'summarize', 'compare']).optional(), limit: z.number().int().min(1).max(500).default(100) }).strict(),
  ).returns<RunSummary[]>(),
  get: method(z.object({ runId }).strict()).returns<RunView>(),
  delete: method(z.object({ runId }).strict()).returns<{ deleted: boolean }>(),
  /**
   * Chosen results as training rows of a dataset (an existing one, or a new one by name), in one
   * transaction: each row is the prompt the model saw and its answer (tag items, chunk summaries,
   * the final summary, compare cells).
   */
  toDataset: method(
    z
      .object({
        runId,
        items: z
          .array(z.object({ index: z.number().int().min(0), col: z.number().int().min(0).max(3).default(0) }).strict())
          .max(10_000)
          .default([]),
        /** Summarize runs: the final summary too. */
        summary: z.boolean().default(false),
        datasetId: z.string().min(1).max(100).optional(),
        newDataset: z.string().trim().min(1, 'name the new dataset').max(200).optional(),
      })
      .strict()
      .refine((v) => (v.datasetId === undefined) !== (v.newDataset === undefined), 'choose a dataset or name a new one')
      .refine((v) => v.items.length > 0 || v.summary, 'choose at least one result'),
  ).returns<{ datasetId: string; datasetName: string; added: number }>(),
  /** Results as CSV (one row per item/cell) or JSONL (one object per item, with config in the first line). */
  export: method(z.object({ runId, format: z.enum(['csv', 'jsonl']) }).strict()).returns<{
    fileName: string;
    mimeType: string;
    content: string;
  }>(),
};

export const playgroundEvents = {
  run: event<{ run: RunSummary; result: RunResult | null }>(),
  item: event<{ runId: string; item: RunItem }>(),
  /** target 'item': the item/cell (index, col) being generated; 'final': the final summary. */
  delta: event<{ runId: string; target: 'item' | 'final'; index: number; col: number; text: string }>(),
};
