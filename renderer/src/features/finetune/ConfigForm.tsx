// The training configuration with every default explained (help text from the core), a preset for
// Gemma 3 270M, and the choices that belong to the dataset step (over-long rows, validation share).
import type { FinetuneConfig, LoraTargetName } from '../../../../electron/core/api/finetune.ts';
import { NumberField, SelectField } from '../../components/fields.tsx';

const TARGETS: LoraTargetName[] = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'];

export function ConfigForm({
  config,
  help,
  onChange,
  disabled,
}: {
  config: FinetuneConfig;
  help: Record<keyof FinetuneConfig, string>;
  onChange(c: FinetuneConfig): void;
  disabled?: boolean;
}) {
  const set = <K extends keyof FinetuneConfig>(k: K, v: FinetuneConfig[K]) => onChange({ ...config, [k]: v });
  const num = (k: keyof FinetuneConfig, label: string, min: number, max: number, step = 1) => (
    <NumberField
      label={label}
      value={config[k] as number}
      min={min}
      max={max}
      step={step}
      slider={false}
      hint={help[k]}
      onChange={(v) => v !== null && set(k, v as never)}
    />
  );
  return (
    <fieldset disabled={disabled} className="space-y-3" data-testid="finetune-config">
      <div>
        <p className="text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">Adapted layers</p>
        <div className="mt-1 flex flex-wrap gap-1">
          {TARGETS.map((t) => {
            const on = config.targets.includes(t);
            return (
              <button
                key={t}
                type="button"
                aria-pressed={on}
                onClick={() => set('targets', on ? config.targets.filter((x) => x !== t) : [...config.targets, t])}
                className={`rounded px-2 py-0.5 font-mono text-[12px] ring-1 ${on ? 'bg-accent-600 text-white ring-accent-600' : 'ring-zinc-300 dark:ring-zinc-700'}`}
              >
                {t}
              </button>
            );
          })}
        </div>
        <p className="mt-1 text-[11.5px] text-zinc-500 dark:text-zinc-400">{help.targets}</p>
      </div>
      {num('rank', 'Rank r', 1, 256)}
      {num('alpha', 'Alpha', 1, 4096)}
      {num('learningRate', 'Learning rate', 1e-6, 0.1, 1e-5)}
      <SelectField
        label="Schedule"
        value={config.schedule}
        hint={help.schedule}
        onChange={(v) => set('schedule', v)}
        options={[
          { value: 'cosine', label: 'Cosine' },
          { value: 'linear', label: 'Linear' },
          { value: 'constant', label: 'Constant' },
        ]}
      />
      {num('warmupSteps', 'Warm-up steps', 0, 10000)}
      {num('epochs', 'Epochs', 1, 1000)}
      {num('batchSize', 'Batch size', 1, 256)}
      {num('gradAccum', 'Gradient accumulation', 1, 256)}
      {num('maxLength', 'Maximum length', 8, 32768)}
      {num('seed', 'Seed', 0, 2 ** 31)}
      <details>
        <summary className="cursor-pointer text-[12.5px] font-medium">Advanced</summary>
        <div className="mt-2 space-y-3">
          {num('weightDecay', 'Weight decay', 0, 1, 0.01)}
          {num('maxGradNorm', 'Clip gradient norm', 0, 1000, 0.1)}
          {num('evalEvery', 'Validate every (steps)', 1, 100000)}
          {num('checkpointEvery', 'Checkpoint every (steps)', 1, 100000)}
          {num('targetValLoss', 'Stop at validation loss', 0, 100, 0.01)}
          {num('patience', 'Stop after evaluations without improvement', 0, 1000)}
        </div>
      </details>
    </fieldset>
  );
}
