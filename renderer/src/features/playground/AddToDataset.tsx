// "Add to dataset": the chosen results of a run become training rows (playground.toDataset) of an
// existing dataset or a new one, in one step; the message says how many rows went where.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';
import { textInputClass } from '../../components/fields.tsx';
import { Button } from '../../components/ui.tsx';
import { ErrorText } from './parts.tsx';
import { describe } from './useRun.ts';

const NEW = '__new__';

export interface Chosen {
  items: { index: number; col: number }[];
  summary: boolean;
}

export function AddToDataset({ runId, chosen, onAdded }: { runId: string; chosen: Chosen; onAdded(): void }) {
  const api = useApi();
  const datasets = useQuery({ queryKey: queryKeys.datasets, queryFn: () => api.datasets.list({}) });
  const [target, setTarget] = useState('');
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const count = chosen.items.length + (chosen.summary ? 1 : 0);
  const datasetId = target || datasets.data?.[0]?.id || NEW;
  const add = async () => {
    setError(null);
    setMessage(null);
    setBusy(true);
    try {
      const r = await api.playground.toDataset({
        runId,
        items: chosen.items,
        summary: chosen.summary,
        ...(datasetId === NEW ? { newDataset: name } : { datasetId }),
      });
      setMessage(`Added ${r.added} row${r.added === 1 ? '' : 's'} to “${r.datasetName}”.`);
      setTarget(r.datasetId);
      setName('');
      onAdded();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="space-y-2" data-testid="add-to-dataset">
      <div className="flex flex-wrap items-end gap-2 text-[12.5px]">
        <label className="min-w-40 flex-1 space-y-1 font-medium text-zinc-700 dark:text-zinc-300">
          <span>Dataset</span>
          <select aria-label="Dataset" className={`w-full ${textInputClass}`} value={datasetId} onChange={(e) => setTarget(e.target.value)}>
            {datasets.data?.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.rowCount} rows)
              </option>
            ))}
            <option value={NEW}>New dataset…</option>
          </select>
        </label>
        {datasetId === NEW && (
          <label className="min-w-40 flex-1 space-y-1 font-medium text-zinc-700 dark:text-zinc-300">
            <span>New dataset name</span>
            <input className={`w-full ${textInputClass}`} value={name} onChange={(e) => setName(e.target.value)} />
          </label>
        )}
        <Button variant="primary" onClick={() => void add()} disabled={busy || count === 0 || (datasetId === NEW && !name.trim())}>
          Add {count} to dataset
        </Button>
      </div>
      {message && (
        <p role="status" className="text-[12.5px] text-emerald-700 dark:text-emerald-400">
          {message}
        </p>
      )}
      <ErrorText>{error}</ErrorText>
    </div>
  );
}
