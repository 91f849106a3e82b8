// Compare: the same inputs through two to four configurations (model, sampling, system prompt),
// side by side, with tokens, time and tokens/s per column.
import { useState } from 'react';
import type { CompareConfig } from '../../../../electron/core/api/playground.ts';
import { useApi } from '../../api/hooks.ts';
import { textInputClass } from '../../components/fields.tsx';
import { SystemPromptField } from '../../components/SystemPromptField.tsx';
import { Button } from '../../components/ui.tsx';
import { SamplingField } from '../chat/SamplingFields.tsx';
import { activeModel, ModelAndAdapter, modelChoiceInput, type ModelChoice } from './ModelAndAdapter.tsx';
import { ErrorText, RunBar, Section } from './parts.tsx';
import { describe, itemKey, useRun } from './useRun.ts';

interface Column extends ModelChoice {
  systemPrompt: string;
  temperature: number;
  maxTokens: number;
}

const fresh = (temperature: number): Column => ({ ...activeModel, systemPrompt: '', temperature, maxTokens: 128 });

export function CompareTab({ runId, onRun }: { runId: string | null; onRun(id: string): void }) {
  const api = useApi();
  const [inputs, setInputs] = useState('');
  const [columns, setColumns] = useState<Column[]>([fresh(0), fresh(1)]);
  const [error, setError] = useState<string | null>(null);
  const set = (k: number, patch: Partial<Column>) => setColumns(columns.map((c, i) => (i === k ? { ...c, ...patch } : c)));
  const run = async () => {
    setError(null);
    try {
      const started = await api.playground.compare({
        inputs: inputs
          .split(/\n\s*\n|\n(?=\S)/)
          .map((s) => s.trim())
          .filter(Boolean),
        columns: columns.map((c) => ({
          ...modelChoiceInput(c),
          systemPrompt: c.systemPrompt,
          sampling: { temperature: c.temperature, maxTokens: c.maxTokens },
        })),
      });
      onRun(started.runId);
    } catch (e) {
      setError(describe(e));
    }
  };
  return (
    <div className="space-y-4">
      <Section title="Inputs and configurations">
        <div className="space-y-3">
          <textarea
            aria-label="Inputs"
            className={`w-full ${textInputClass}`}
            rows={4}
            value={inputs}
            onChange={(e) => setInputs(e.target.value)}
            placeholder="One prompt per line"
          />
          <div className="grid gap-3" style={{ gridTemplateColumns: `repeat(${columns.length}, minmax(0, 1fr))` }}>
            {columns.map((c, k) => (
              <div
                key={k}
                className="space-y-2 rounded-md p-3 ring-1 ring-zinc-200 dark:ring-zinc-800"
                aria-label={`Configuration ${String.fromCharCode(65 + k)}`}
              >
                <div className="flex items-center justify-between">
                  <strong className="text-[12.5px]">{String.fromCharCode(65 + k)}</strong>
                  {columns.length > 2 && (
                    <Button variant="ghost" onClick={() => setColumns(columns.filter((_, i) => i !== k))}>
                      Remove
                    </Button>
                  )}
                </div>
                <ModelAndAdapter value={c} onChange={(choice) => set(k, choice)} />
                <SystemPromptField
                  value={c.systemPrompt}
                  onChange={(systemPrompt) => set(k, { systemPrompt })}
                  rows={2}
                  maxLength={50_000}
                  note={false}
                />
                <SamplingField
                  name="temperature"
                  value={c.temperature}
                  fallback={0}
                  onChange={(temperature) => set(k, { temperature })}
                  hint={false}
                />
                <SamplingField
                  name="maxTokens"
                  label="Max tokens"
                  value={c.maxTokens}
                  fallback={128}
                  onChange={(maxTokens) => set(k, { maxTokens })}
                  hint={false}
                />
              </div>
            ))}
          </div>
          <div className="flex gap-2">
            <Button variant="primary" onClick={() => void run()} disabled={!inputs.trim()}>
              Compare
            </Button>
            {columns.length < 4 && <Button onClick={() => setColumns([...columns, fresh(0.7)])}>+ Configuration</Button>}
          </div>
          <ErrorText>{error}</ErrorText>
        </div>
      </Section>
      {runId && <CompareResults runId={runId} />}
    </div>
  );
}

function CompareResults({ runId }: { runId: string }) {
  const { live, error } = useRun(runId);
  if (error) return <ErrorText>{error}</ErrorText>;
  if (!live) return null;
  const { view, streaming } = live;
  const config = view.config as CompareConfig;
  const rows = [...new Set(view.items.map((i) => i.index))];
  const totals = config.columns.map((_, col) => {
    const cells = view.items.filter((i) => i.col === col && i.output?.kind === 'cell');
    const tokens = cells.reduce((a, i) => a + (i.output?.kind === 'cell' ? i.output.generatedTokens : 0), 0);
    const ms = cells.reduce((a, i) => a + (i.output?.kind === 'cell' ? i.output.ms : 0), 0);
    return { tokens, ms, tps: ms > 0 ? tokens / (ms / 1000) : null };
  });
  return (
    <Section title={view.run.title}>
      <RunBar run={view.run} />
      <div className="mt-3 overflow-x-auto">
        <table className="w-full table-fixed text-left text-[12.5px]" aria-label="Side by side">
          <thead>
            <tr>
              <th className="w-40 py-1 font-medium text-zinc-500">Input</th>
              {config.columns.map((c, col) => (
                <th key={col} className="px-2 py-1 align-top font-medium" data-testid="compare-column">
                  <div>{c.label}</div>
                  <div className="font-normal text-zinc-500" data-testid="column-config">
                    T {c.sampling.temperature}
                    {c.adapter ? ` · adapter ${c.adapter.name} × ${c.adapter.scale}` : ' · base model'}
                    {c.systemPrompt ? ' · system prompt' : ''}
                  </div>
                  <div className="font-normal text-zinc-500" data-testid="column-stats">
                    {totals[col].tokens} tokens · {(totals[col].ms / 1000).toFixed(1)} s ·{' '}
                    {totals[col].tps ? `${totals[col].tps!.toFixed(1)} tok/s` : '–'}
                  </div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((index) => (
              <tr key={index} className="border-t border-zinc-100 align-top dark:border-zinc-800">
                <td className="py-2 pr-2 text-zinc-600 dark:text-zinc-400">{view.items.find((i) => i.index === index)?.input}</td>
                {config.columns.map((_, col) => {
                  const it = view.items.find((i) => i.index === index && i.col === col);
                  const o = it?.output?.kind === 'cell' ? it.output : null;
                  return (
                    <td key={col} className="px-2 py-2" data-testid="compare-cell" data-status={it?.status}>
                      <p className="whitespace-pre-wrap">{o?.text ?? streaming[itemKey(index, col)] ?? ''}</p>
                      {o && (
                        <p className="mt-1 text-[11px] text-zinc-500">
                          {o.generatedTokens} tokens · {(o.ms / 1000).toFixed(2)} s
                          {o.tokensPerSecond ? ` · ${o.tokensPerSecond.toFixed(1)} tok/s` : ''}
                        </p>
                      )}
                      {it?.status === 'failed' && <p className="text-red-600">{it.error}</p>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
