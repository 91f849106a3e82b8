// A run's results as CSV (one row per item or cell, for spreadsheets) or JSONL (a header line with
// the run and its config, then one object per item, for scripts and datasets).
import type { RunView } from '../api/playground.ts';

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function rows(view: RunView): Record<string, unknown>[] {
  const { config } = view;
  return view.items.map((it) => {
    const o = it.output;
    switch (config.kind) {
      case 'tag':
        return {
          index: it.index,
          text: it.input,
          gold: it.gold?.join('|') ?? '',
          labels: o?.kind === 'tag' ? o.labels.join('|') : '',
          confidence: o?.kind === 'tag' ? o.labels.map((l) => (o.confidence[l] ?? 0).toFixed(4)).join('|') : '',
          status: it.status,
          error: it.error ?? '',
        };
      case 'summarize':
        return {
          index: it.index,
          level: o?.kind === 'chunk' ? o.level : '',
          input_tokens: o?.kind === 'chunk' ? o.inputTokens : '',
          summary: o?.kind === 'chunk' ? o.summary : '',
          status: it.status,
        };
      case 'compare': {
        const col = config.columns[it.col];
        return {
          input_index: it.index,
          column: col?.label ?? it.col,
          model: col?.modelName ?? '',
          input: it.input,
          output: o?.kind === 'cell' ? o.text : '',
          generated_tokens: o?.kind === 'cell' ? o.generatedTokens : '',
          ms: o?.kind === 'cell' ? Math.round(o.ms) : '',
          tokens_per_second: o?.kind === 'cell' && o.tokensPerSecond !== null ? o.tokensPerSecond.toFixed(1) : '',
          status: it.status,
        };
      }
      default:
        config satisfies never;
        return {};
    }
  });
}

export function exportRun(view: RunView, format: 'csv' | 'jsonl'): { fileName: string; mimeType: string; content: string } {
  const base = `${view.run.kind}-${view.run.title.replace(/[^\w.-]+/g, '_').slice(0, 60) || view.run.id}`;
  if (format === 'csv') {
    const data = rows(view);
    if (view.result?.kind === 'summarize')
      data.push({
        index: 'final',
        level: '',
        input_tokens: view.result.documentTokens,
        summary: view.result.summary,
        status: view.run.status,
      });
    const header = data.length > 0 ? Object.keys(data[0]) : ['index'];
    const lines = [header.map(csvCell).join(','), ...data.map((r) => header.map((h) => csvCell(r[h])).join(','))];
    return { fileName: `${base}.csv`, mimeType: 'text/csv', content: lines.join('\r\n') + '\r\n' };
  }
  const head = {
    type: 'run',
    id: view.run.id,
    kind: view.run.kind,
    title: view.run.title,
    status: view.run.status,
    createdAt: view.run.createdAt,
    config: view.config,
    result: view.result,
  };
  const lines = [
    JSON.stringify(head),
    ...view.items.map((it) =>
      JSON.stringify({
        type: 'item',
        index: it.index,
        col: it.col,
        input: it.input,
        gold: it.gold,
        status: it.status,
        output: it.output,
        error: it.error,
      }),
    ),
  ];
  return { fileName: `${base}.jsonl`, mimeType: 'application/x-ndjson', content: lines.join('\n') + '\n' };
}
