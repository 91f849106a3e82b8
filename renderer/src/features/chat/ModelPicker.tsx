// Which model answers in Chat, switchable from the conversation header (loading takes a moment; the
// choice is the library's active model, the same as on the Models screen).
import { useEffect, useId, useState } from 'react';
import type { ModelInfo } from '../../../../electron/core/api/models.ts';
import { useApi, useConnection, useEvent } from '../../api/hooks.ts';

export function ModelPicker({ disabled }: { disabled: boolean }) {
  const api = useApi();
  const connection = useConnection();
  const id = useId();
  const [models, setModels] = useState<ModelInfo[]>([]);
  const [loading, setLoading] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (connection === 'open') api.models.list().then(setModels, () => setModels([]));
  }, [api, connection]);
  useEvent('models.changed', ({ models }) => setModels(models));

  const active = models.find((m) => m.active) ?? null;
  if (models.length === 0) return null;
  const choose = async (modelId: string) => {
    setLoading(modelId);
    try {
      await api.models.setActive({ id: modelId });
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(null);
    }
  };
  return (
    // Shrinks with the header (down to ~9 characters) instead of spilling over the buttons beside it.
    <div className="flex max-w-[220px] min-w-[80px] shrink items-center gap-1.5">
      <label htmlFor={id} className="sr-only">
        Chat model
      </label>
      <select
        id={id}
        value={loading ?? active?.id ?? ''}
        disabled={disabled || loading !== null}
        onChange={(e) => void choose(e.target.value)}
        title={error ?? active?.path}
        className="w-full min-w-0 truncate rounded-md bg-transparent px-1.5 py-1 text-[12.5px] text-zinc-700 ring-1 ring-zinc-200 outline-none hover:ring-zinc-300 focus:ring-2 focus:ring-accent-500 disabled:opacity-60 dark:text-zinc-300 dark:ring-zinc-700"
      >
        {!active && <option value="">Choose a model…</option>}
        {models.map((m) => (
          <option key={m.id} value={m.id} disabled={!m.fileExists}>
            {m.name}
          </option>
        ))}
      </select>
      {loading && <span className="text-[11.5px] text-zinc-500">loading…</span>}
      {error && (
        <span role="alert" className="max-w-[200px] truncate text-[11.5px] text-red-600 dark:text-red-400" title={error}>
          {error}
        </span>
      )}
    </div>
  );
}
