// The Inspect screen's model choice: the gemma3 models of the model library (our engine runs gemma3
// only), the active chat model first and labelled so. A path that is not in the library (a stored run
// of a model since removed) stays shown as such, so reopening a run never silently swaps its model.
import type { ModelInfo } from '../../../../electron/core/api/models.ts';
import { useModelList } from '../../api/hooks.ts';
import { textInputClass } from '../../components/fields.tsx';

/** Library models the engine can inspect, the active one first, then newest first (the library's order). */
export function inspectableModels(models: ModelInfo[]): ModelInfo[] {
  const usable = models.filter((m) => m.architecture === 'gemma3');
  return [...usable.filter((m) => m.active), ...usable.filter((m) => !m.active)];
}

/** What the screen should inspect when nothing is chosen yet or the choice left the library. */
export function defaultModelPath(models: ModelInfo[], remembered: string): string {
  const usable = inspectableModels(models);
  if (remembered && usable.some((m) => m.path === remembered)) return remembered;
  return usable[0]?.path ?? '';
}

/** The name a path is shown by: the library's name, else the file name. */
export function modelLabel(models: ModelInfo[] | undefined, path: string): string {
  return models?.find((m) => m.path === path)?.name ?? path.split(/[\\/]/).pop() ?? path;
}

export function ModelPicker({ value, onChange }: { value: string; onChange(path: string): void }) {
  const list = useModelList();
  const usable = inspectableModels(list.data ?? []);
  const outside = value !== '' && !usable.some((m) => m.path === value);
  if (list.data && usable.length === 0 && !outside) {
    return (
      <p className="text-[12.5px] text-zinc-600 dark:text-zinc-400" data-testid="inspect-no-models">
        No Gemma 3 model in the library yet: import or download one on the{' '}
        <a href="#/models" className="text-accent-700 underline dark:text-accent-400">
          Models
        </a>{' '}
        screen.
      </p>
    );
  }
  return (
    <label className="flex min-w-0 items-center gap-2 text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
      Model
      <select
        data-testid="inspect-model-path"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        title={value}
        className={`max-w-[420px] min-w-0 ${textInputClass}`}
      >
        {value === '' && <option value="">Choose a model…</option>}
        {usable.map((m) => (
          <option key={m.id} value={m.path} disabled={!m.fileExists}>
            {m.name}
            {m.active ? ' — active' : ''}
            {m.fileExists ? '' : ' (file missing)'}
          </option>
        ))}
        {outside && <option value={value}>{modelLabel(list.data, value)} (not in the library)</option>}
      </select>
    </label>
  );
}
