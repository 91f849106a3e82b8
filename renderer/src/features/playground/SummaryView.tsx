// A summarization run: progress and cancel, how it went (whole or map-reduce with its chunk count),
// each chunk's partial summary (open one to read it, the one being written streams), and the final
// summary as it streams. Used by the Summarize tab and the Files screen.
import { useState } from 'react';
import type { ChunkOutput } from '../../../../electron/core/api/playground.ts';
import { AddToDataset } from './AddToDataset.tsx';
import { ErrorText, RunBar, Section } from './parts.tsx';
import { itemKey, useRun } from './useRun.ts';

export function SummaryView({ runId }: { runId: string }) {
  const { live, error } = useRun(runId);
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const [withSummary, setWithSummary] = useState(true);
  if (error) return <ErrorText>{error}</ErrorText>;
  if (!live) return null;
  const { view, streaming } = live;
  const result = view.result?.kind === 'summarize' ? view.result : null;
  const chunks = view.items;
  const level0 = chunks.filter((c) =>
    (c.output as ChunkOutput | null)?.level !== undefined ? (c.output as ChunkOutput).level === 0 : true,
  );
  const mapReduce = result ? result.mode === 'map-reduce' : chunks.length > 0;
  return (
    <div className="space-y-4" data-testid="summary-view">
      <Section title={view.run.title}>
        <RunBar run={view.run} />
        <p className="mt-2 text-[12.5px] text-zinc-600 dark:text-zinc-400" data-testid="summary-mode">
          {mapReduce
            ? `Map-reduce over ${result ? result.chunks : level0.length} chunks${result && result.levels > 0 ? ` and ${result.levels} reduce level${result.levels === 1 ? '' : 's'}` : ''}`
            : result
              ? 'Summarized whole (the document fits the context)'
              : 'Preparing…'}
          {result && ` · ${result.documentTokens.toLocaleString()} tokens · ${(result.ms / 1000).toFixed(1)} s`}
        </p>
      </Section>
      {chunks.length > 0 && (
        <Section title={`Chunks (${chunks.length})`}>
          <ol className="max-h-[40vh] space-y-1 overflow-auto" aria-label="Chunks">
            {chunks.map((c) => {
              const o = c.output?.kind === 'chunk' ? c.output : null;
              const text = o?.summary ?? streaming[itemKey(c.index, 0)] ?? '';
              return (
                <li key={c.index} data-testid="chunk" data-status={c.status}>
                  <details className="rounded-md ring-1 ring-zinc-200 dark:ring-zinc-800" open={c.status === 'running'}>
                    <summary className="flex cursor-pointer items-center gap-2 px-3 py-1.5 text-[12.5px]">
                      <span
                        className={`size-2 rounded-full ${c.status === 'done' ? 'bg-emerald-500' : c.status === 'running' ? 'animate-pulse bg-accent-500' : c.status === 'failed' ? 'bg-red-500' : 'bg-zinc-300 dark:bg-zinc-700'}`}
                      />
                      <input
                        type="checkbox"
                        aria-label={`Choose chunk ${c.index + 1}`}
                        checked={chosen.has(c.index)}
                        disabled={c.status !== 'done' || view.run.status === 'running'}
                        onClick={(e) => e.stopPropagation()}
                        onChange={() => {
                          const next = new Set(chosen);
                          if (!next.delete(c.index)) next.add(c.index);
                          setChosen(next);
                        }}
                      />
                      <span className="font-medium">
                        {o && o.level > 0 ? `Reduce ${o.level} · part ${c.index + 1}` : `Chunk ${c.index + 1}`}
                      </span>
                      <span className="text-zinc-500">{o ? `${o.inputTokens} tokens in → ${o.generatedTokens} out` : c.status}</span>
                    </summary>
                    <div className="space-y-2 border-t border-zinc-200 px-3 py-2 text-[12.5px] dark:border-zinc-800">
                      <p className="whitespace-pre-wrap">{text || <span className="text-zinc-400">no summary yet</span>}</p>
                      <details>
                        <summary className="cursor-pointer text-[11.5px] text-zinc-500">Source text</summary>
                        <p className="mt-1 max-h-40 overflow-auto whitespace-pre-wrap text-[11.5px] text-zinc-500">{c.input}</p>
                      </details>
                    </div>
                  </details>
                </li>
              );
            })}
          </ol>
        </Section>
      )}
      <Section title="Summary">
        <p className="whitespace-pre-wrap text-[13.5px] leading-relaxed" data-testid="final-summary">
          {result?.summary ?? view.partial ?? ''}
          {view.run.status === 'running' && <span className="ml-0.5 inline-block h-4 w-1.5 animate-pulse bg-accent-500 align-middle" />}
        </p>
        {result && !result.summary && <p className="text-[12px] text-zinc-500">The model ended its answer at once (an empty summary).</p>}
      </Section>
      {view.run.status !== 'running' && (result || chunks.some((c) => c.status === 'done')) && (
        <Section title="Use as training data">
          <div className="space-y-2">
            {result && (
              <label className="flex items-center gap-2 text-[12.5px]">
                <input type="checkbox" checked={withSummary} onChange={(e) => setWithSummary(e.target.checked)} />
                The final summary{chunks.length > 0 ? ' (choose chunks above to add their partial summaries too)' : ''}
              </label>
            )}
            <AddToDataset
              runId={runId}
              chosen={{
                items: [...chosen].sort((a, b) => a - b).map((index) => ({ index, col: 0 })),
                summary: withSummary && result !== null,
              }}
              onAdded={() => setChosen(new Set())}
            />
          </div>
        </Section>
      )}
    </div>
  );
}
