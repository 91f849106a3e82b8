// Small pieces the playground tabs and the Files screen share: a run's progress with cancel and
// export, a list of earlier runs to reopen, a model picker, section boxes.
import { ADAPTER_SCALE } from '../../../../electron/core/api/finetune.ts';
import { useState, type ReactNode } from 'react';
import type { ModelInfo } from '../../../../electron/core/api/models.ts';
import type { RunKind, RunSummary } from '../../../../electron/core/api/playground.ts';
import { useQuery } from '@tanstack/react-query';
import { useApi, useModelList } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';
import { downloadFile } from '../../components/download.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { textInputClass } from '../../components/fields.tsx';
import { Button } from '../../components/ui.tsx';
import { describe, useJobProgress } from './useRun.ts';

export function Section({
  title,
  actions,
  children,
  className = '',
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`rounded-lg bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800 ${className}`} aria-label={title}>
      <header className="flex items-center justify-between gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <h2 className="text-[13px] font-semibold">{title}</h2>
        {actions && <div className="flex items-center gap-2">{actions}</div>}
      </header>
      <div className="p-4">{children}</div>
    </section>
  );
}

export function ErrorText({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p
      role="alert"
      className="whitespace-pre-wrap rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700 dark:bg-red-500/10 dark:text-red-300"
    >
      {children}
    </p>
  );
}

export function useModels() {
  return useModelList();
}

export function ModelSelect({
  label,
  value,
  onChange,
  models,
}: {
  label: string;
  value: string;
  onChange(id: string): void;
  models: ModelInfo[] | undefined;
}) {
  return (
    <label className="block space-y-1 text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
      <span>{label}</span>
      <select className={`w-full ${textInputClass}`} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Active model{models?.find((m) => m.active) ? ` (${models.find((m) => m.active)!.name})` : ''}</option>
        {models?.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A configuration's adapter: none (the base model) or one of the chosen model's LoRA adapters, at a scale. */
export interface AdapterValue {
  adapterId: string;
  scale: number;
}
export const noAdapter: AdapterValue = { adapterId: '', scale: 1 };
/** The API's form: absent for the base model. */
export const adapterInput = (a: AdapterValue) => (a.adapterId ? { adapter: { adapterId: a.adapterId, scale: a.scale } } : {});

export function AdapterSelect({
  modelId,
  value,
  onChange,
  models,
}: {
  /** '' = the active model */
  modelId: string;
  value: AdapterValue;
  onChange(v: AdapterValue): void;
  models: ModelInfo[] | undefined;
}) {
  const api = useApi();
  const adapters = useQuery({ queryKey: ['finetune.adapters'], queryFn: () => api.finetune.adapters({}) });
  const model = models?.find((m) => (modelId ? m.id === modelId : m.active));
  const mine = adapters.data?.filter((a) => model && a.modelPath === model.path) ?? [];
  const chosen = adapters.data?.find((a) => a.id === value.adapterId);
  return (
    <div className="space-y-2">
      <label className="block space-y-1 text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
        <span>Adapter</span>
        <select
          aria-label="Adapter"
          className={`w-full ${textInputClass}`}
          value={value.adapterId}
          onChange={(e) => onChange({ ...value, adapterId: e.target.value })}
        >
          <option value="">None (base model)</option>
          {mine.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} · rank {a.rank}
            </option>
          ))}
          {/* chosen for another model (the model was changed after): shown so the refusal is understood */}
          {chosen && !mine.includes(chosen) && <option value={chosen.id}>{chosen.name} (for another model)</option>}
        </select>
      </label>
      {mine.length === 0 && !chosen && <p className="text-[11.5px] text-zinc-500">No adapter for this model yet (Fine-tune makes them).</p>}
      {value.adapterId && (
        <label className="flex items-center gap-2 text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
          <span className="shrink-0">Scale</span>
          <input
            type="range"
            aria-label="Adapter scale"
            min={0}
            max={ADAPTER_SCALE.max}
            step={0.05}
            value={value.scale}
            onChange={(e) => onChange({ ...value, scale: Number(e.target.value) })}
            className="min-w-0 flex-1 accent-accent-500"
          />
          <span className="w-10 text-right tabular-nums">{value.scale.toFixed(2)}</span>
        </label>
      )}
    </div>
  );
}

/** Status line of a run: progress while it runs (with cancel), the outcome after, export buttons. */
export function RunBar({ run, exportable = true }: { run: RunSummary; exportable?: boolean }) {
  const api = useApi();
  const progress = useJobProgress(run.jobId);
  const [error, setError] = useState<string | null>(null);
  const exportAs = async (format: 'csv' | 'jsonl') => {
    try {
      downloadFile(await api.playground.export({ runId: run.id, format }));
    } catch (e) {
      setError(describe(e));
    }
  };
  const tone: Record<RunSummary['status'], string> = {
    running: 'text-accent-700 dark:text-accent-400',
    complete: 'text-emerald-700 dark:text-emerald-400',
    failed: 'text-red-700 dark:text-red-400',
    cancelled: 'text-zinc-500',
    interrupted: 'text-amber-700 dark:text-amber-400',
  };
  return (
    <div className="space-y-2" data-testid="run-bar" data-status={run.status}>
      <div className="flex flex-wrap items-center gap-3 text-[12.5px]">
        <span className={`font-medium ${tone[run.status]}`} data-testid="run-status">
          {run.status}
        </span>
        {run.itemCount > 0 && (
          <span className="text-zinc-500">
            {run.doneCount} of {run.itemCount} {run.kind === 'summarize' ? 'chunks' : run.kind === 'compare' ? 'cells' : 'items'}
          </span>
        )}
        {run.error && run.status !== 'cancelled' && <span className="text-red-700 dark:text-red-400">{run.error}</span>}
        <span className="flex-1" />
        {run.status === 'running' && run.jobId && (
          <Button variant="secondary" onClick={() => void api.jobs.cancel({ jobId: run.jobId! })}>
            Cancel
          </Button>
        )}
        {exportable && run.status !== 'running' && (
          <>
            <Button variant="ghost" onClick={() => void exportAs('csv')}>
              Export CSV
            </Button>
            <Button variant="ghost" onClick={() => void exportAs('jsonl')}>
              Export JSONL
            </Button>
          </>
        )}
      </div>
      {run.status === 'running' && <ProgressBar value={progress?.value ?? null} label={progress?.message || 'Working'} />}
      {run.status === 'running' && progress?.message && <p className="text-[11.5px] text-zinc-500">{progress.message}</p>}
      <ErrorText>{error}</ErrorText>
    </div>
  );
}

/** Earlier runs of one kind, newest first; click to reopen. */
export function RunHistory({ kind, selected, onSelect }: { kind: RunKind; selected: string | null; onSelect(id: string): void }) {
  const api = useApi();
  const runs = useQuery({ queryKey: queryKeys.playgroundRuns(kind), queryFn: () => api.playground.runs({ kind, limit: 50 }) });
  if (!runs.data || runs.data.length === 0) return <p className="text-[12px] text-zinc-500">No runs yet.</p>;
  return (
    <ul className="space-y-0.5" aria-label="Earlier runs">
      {runs.data.map((r) => (
        <li key={r.id}>
          <button
            type="button"
            onClick={() => onSelect(r.id)}
            className={`w-full truncate rounded px-2 py-1 text-left text-[12.5px] ${r.id === selected ? 'bg-accent-100 text-accent-800 dark:bg-accent-500/15 dark:text-accent-300' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`}
            title={r.title}
          >
            <span className="block truncate">{r.title}</span>
            <span className="text-[11px] text-zinc-500">
              {r.status} · {new Date(r.createdAt).toLocaleString()}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

export const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `${(x * 100).toFixed(x >= 0.995 || x === 0 ? 0 : 1)}%`;
