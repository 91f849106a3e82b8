// Token lengths with the chosen model's tokenizer, before training: summary, a histogram with the
// maximum length marked, and how many rows would be truncated. Measured as a job in the engine
// worker (progress shown, cancellable), so a large dataset never stalls the app.
import { useState } from 'react';
import type { DatasetStats, DatasetSummary } from '../../../../electron/core/api/datasets.ts';
import { useApi } from '../../api/hooks.ts';
import { textInputClass } from '../../components/fields.tsx';
import { Button } from '../../components/ui.tsx';
import { useJob } from '../inspect/useJob.ts';
import { ModelPathInput } from './ModelPathInput.tsx';
import { useModelChoices } from './useModelChoices.ts';

export function StatsPanel({
  dataset,
  stats,
  onStats,
}: {
  dataset: DatasetSummary;
  stats: DatasetStats | null;
  onStats(s: DatasetStats): void;
}) {
  const api = useApi();
  const { choices, modelPath, setModelPath } = useModelChoices();
  const [maxLength, setMaxLength] = useState(256);
  const job = useJob<DatasetStats>();
  const measuring = job.state === 'running';
  const peak = Math.max(1, ...(stats?.histogram.map((h) => h.count) ?? [1]));
  return (
    <aside
      aria-label="Token statistics"
      className="w-56 shrink-0 space-y-3 overflow-y-auto border-l border-zinc-200 p-3 text-[12.5px] dark:border-zinc-800"
    >
      <h2 className="text-[13px] font-semibold">Token lengths</h2>
      <label className="block">
        Model (its tokenizer)
        <ModelPathInput
          choices={choices}
          value={modelPath}
          onChange={setModelPath}
          placeholder="/path/to/model.gguf"
          testId="stats-model"
        />
      </label>
      <label className="flex items-center justify-between">
        Maximum length
        <input
          type="number"
          min={8}
          max={32768}
          value={maxLength}
          onChange={(e) => setMaxLength(Number(e.target.value))}
          className={`w-24 text-right font-mono ${textInputClass}`}
        />
      </label>
      {measuring ? (
        <div className="space-y-1" data-testid="stats-progress">
          <div
            role="progressbar"
            aria-label="Measuring"
            aria-valuenow={job.progress === null ? undefined : Math.round(job.progress * 100)}
            className="h-1.5 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
          >
            <div className="h-full bg-accent-500" style={{ width: `${Math.round((job.progress ?? 0) * 100)}%` }} />
          </div>
          <div className="flex items-center justify-between gap-2 text-[11.5px] text-zinc-500">
            <span className="truncate">{job.message}</span>
            <Button onClick={() => job.cancel()}>Cancel</Button>
          </div>
        </div>
      ) : (
        <Button
          className="w-full"
          disabled={!modelPath || dataset.rowCount === 0}
          onClick={async () => {
            const s = await job.start(() => api.datasets.stats({ id: dataset.id, modelPath, maxLength }));
            if (s) onStats(s);
          }}
        >
          Measure
        </Button>
      )}
      {job.state === 'failed' && job.error && (
        <p role="alert" className="text-red-700">
          {job.error}
        </p>
      )}
      {dataset.tokenizer && <p className="text-[11.5px] text-zinc-500">Measured with {dataset.tokenizer.model}</p>}
      {stats && (
        <div data-testid="dataset-stats" className="space-y-2">
          <dl className="grid grid-cols-2 gap-x-2 gap-y-0.5">
            <dt className="text-zinc-500">Rows</dt>
            <dd className="font-mono">{stats.rows}</dd>
            <dt className="text-zinc-500">Mean / p95</dt>
            <dd className="font-mono">
              {stats.mean.toFixed(0)} / {stats.p95}
            </dd>
            <dt className="text-zinc-500">Longest</dt>
            <dd className="font-mono">{stats.max}</dd>
            <dt className="text-zinc-500">Answer tokens</dt>
            <dd className="font-mono">{stats.answerTokens}</dd>
          </dl>
          <div className="flex h-20 items-end gap-px" aria-label="Length histogram">
            {stats.histogram.map((h) => (
              <div
                key={h.from}
                title={`${h.from}–${h.to}: ${h.count}`}
                style={{ height: `${(h.count / peak) * 100}%` }}
                className={`min-h-px flex-1 ${h.from >= stats.maxLength ? 'bg-amber-500' : 'bg-accent-500'}`}
              />
            ))}
          </div>
          <p className={stats.overCount ? 'text-amber-700 dark:text-amber-400' : 'text-zinc-500'} data-testid="over-count">
            {stats.overCount === 0
              ? `Every row fits in ${stats.maxLength} tokens.`
              : `${stats.overCount} row(s) are longer than ${stats.maxLength} tokens (highlighted): they will be truncated or refused, as chosen when training.`}
            {stats.answerLostCount > 0 && ` ${stats.answerLostCount} of them lose their whole answer.`}
          </p>
        </div>
      )}
    </aside>
  );
}
