// The Inspect screen's LoRA adapter choice: the adapters fine-tuned from the chosen model
// (finetune.adapters), none by default, and the scale llama.cpp would apply it at. Every inspector
// run from this screen (activations and the views of that run, compare, gradients) uses it.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ADAPTER_SCALE, type AdapterInfo } from '../../../../electron/core/api/finetune.ts';
import type { AdapterChoice, AppliedAdapter } from '../../../../electron/core/api/inspect.ts';
import { useApi, useEvent } from '../../api/hooks.ts';
import { textInputClass } from '../../components/fields.tsx';

const ADAPTERS_KEY = ['finetune.adapters', 'inspect'] as const;

/** The adapters made for this model, newest first (the list's order). */
export function useModelAdapters(modelPath: string): AdapterInfo[] {
  const api = useApi();
  const queries = useQueryClient();
  const all = useQuery({ queryKey: ADAPTERS_KEY, queryFn: () => api.finetune.adapters({}) });
  // a run that finishes (or stops and saves) exports a new adapter
  useEvent('finetune.runChanged', () => void queries.invalidateQueries({ queryKey: ADAPTERS_KEY }));
  return (all.data ?? []).filter((a) => a.modelPath === modelPath && a.ggufPath);
}

/** "adapter <name> × <scale>", the adapter's library name when it is known. */
export function adapterLabel(applied: AppliedAdapter, known: AdapterInfo[]): string {
  const name = known.find((a) => a.ggufPath === applied.path)?.name ?? applied.name;
  return `adapter ${name} × ${applied.scale}`;
}

export function AdapterPicker({
  modelPath,
  value,
  onChange,
}: {
  modelPath: string;
  value: AdapterChoice | null;
  onChange(v: AdapterChoice | null): void;
}) {
  const adapters = useModelAdapters(modelPath);
  if (adapters.length === 0 && !value) return null; // nothing fine-tuned from this model: no control to explain
  const known = value === null || adapters.some((a) => a.ggufPath === value.path);
  return (
    <div className="flex items-center gap-2 text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
      <label className="flex items-center gap-2">
        Adapter
        <select
          data-testid="inspect-adapter"
          value={value?.path ?? ''}
          onChange={(e) => onChange(e.target.value ? { path: e.target.value, scale: value?.scale ?? 1 } : null)}
          className={`max-w-[220px] ${textInputClass}`}
          title="A LoRA adapter fine-tuned from this model, applied to every inspector run"
        >
          <option value="">None (base model)</option>
          {adapters.map((a) => (
            <option key={a.id} value={a.ggufPath}>
              {a.name} (rank {a.rank})
            </option>
          ))}
          {!known && value && <option value={value.path}>{value.path.split(/[\\/]/).pop()} (not in the adapter list)</option>}
        </select>
      </label>
      {value && (
        <label className="flex items-center gap-1.5" title="llama.cpp's LoRA scale: 1 applies the adapter as trained, 0 turns it off">
          scale
          <input
            type="number"
            data-testid="inspect-adapter-scale"
            min={-4}
            max={ADAPTER_SCALE.max}
            step={0.1}
            value={value.scale}
            onChange={(e) => Number.isFinite(Number(e.target.value)) && onChange({ ...value, scale: Number(e.target.value) })}
            className={`w-16 text-right font-mono ${textInputClass}`}
          />
        </label>
      )}
    </div>
  );
}
