// Chosen playground results as dataset rows (datasets' RowMessages: the last assistant message is the
// answer). Each row holds the prompt exactly as the model saw it (../prompts.ts), so an adapter trained
// on the rows learns the same task the playground runs:
//   tag item      user: the tagging prompt with the item's text   assistant: {"labels": [...]}
//   chunk         user: the map (or reduce) prompt of that chunk  assistant: its partial summary
//   final summary user: the whole-document or final reduce prompt assistant: the summary
//   compare cell  system: the column's system prompt (if any), user: the input, assistant: the answer
import type { RunItem, RunView, SummarizeConfig } from '../api/playground.ts';
import type { RowMessages } from '../datasets/rows.ts';
import { chunkPrompt, reducePrompt, summaryPrompt, tagPrompt } from './prompts.ts';

export class RowSelectionError extends Error {}

export interface RowSelection {
  items: { index: number; col: number }[];
  /** Summaries: the final summary too. */
  summary: boolean;
}

/** One row per chosen item (in the order given), then the final summary; throws RowSelectionError naming the first bad choice. */
export function rowsFromRun(view: RunView, choice: RowSelection, documentText: string | null): RowMessages[] {
  const rows: RowMessages[] = [];
  const config = view.config;
  for (const pick of choice.items) {
    const it = view.items.find((x) => x.index === pick.index && x.col === pick.col);
    const name = config.kind === 'compare' ? `cell ${pick.index + 1}/${pick.col + 1}` : `item ${pick.index + 1}`;
    if (!it) throw new RowSelectionError(`${name} is not in this run`);
    if (it.status !== 'done' || !it.output) throw new RowSelectionError(`${name} has no result to add (${it.status})`);
    const out = it.output;
    if (config.kind === 'tag' && out.kind === 'tag') {
      rows.push([
        { role: 'user', content: tagPrompt(config.labels, config.multiLabel, config.instruction, it.input) },
        { role: 'assistant', content: JSON.stringify({ labels: out.labels }) },
      ]);
    } else if (config.kind === 'summarize' && out.kind === 'chunk') {
      rows.push([
        { role: 'user', content: chunkUserPrompt(view, it, config) },
        { role: 'assistant', content: out.summary },
      ]);
    } else if (config.kind === 'compare' && out.kind === 'cell') {
      const system = config.columns[it.col]?.systemPrompt ?? '';
      rows.push([
        ...(system.trim() ? [{ role: 'system' as const, content: system }] : []),
        { role: 'user', content: it.input },
        { role: 'assistant', content: out.text },
      ]);
    } else {
      throw new RowSelectionError(`${name} is not a ${config.kind} result`);
    }
  }
  if (choice.summary) {
    if (config.kind !== 'summarize' || view.result?.kind !== 'summarize')
      throw new RowSelectionError('this run has no finished summary to add');
    const r = view.result;
    let prompt: string;
    if (r.mode === 'whole') {
      if (documentText === null) throw new RowSelectionError('the summarized document is gone');
      prompt = summaryPrompt(documentText, config.length, config.style);
    } else {
      // The final reduce read the partial summaries of the top level, as the worker joined them.
      const top = view.items.filter((x) => x.output?.kind === 'chunk' && x.output.level === r.levels);
      prompt = reducePrompt(
        top.map((x) => (x.output?.kind === 'chunk' && x.output.summary) || '(empty)').join('\n\n'),
        config.length,
        config.style,
        true,
      );
    }
    rows.push([
      { role: 'user', content: prompt },
      { role: 'assistant', content: r.summary },
    ]);
  }
  return rows;
}

/** A chunk's prompt: level 0 is part k of n of the document (chunks are indexed first, 0..n-1); higher levels are reduce steps. */
function chunkUserPrompt(view: RunView, it: RunItem, config: SummarizeConfig): string {
  const level = it.output?.kind === 'chunk' ? it.output.level : 0;
  if (level > 0) return reducePrompt(it.input, config.length, config.style, false);
  const n =
    view.result?.kind === 'summarize'
      ? view.result.chunks
      : view.items.filter((x) => x.output?.kind !== 'chunk' || x.output.level === 0).length;
  return chunkPrompt(it.input, it.index, n);
}
