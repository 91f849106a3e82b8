// The sampling settings as fields (temperature, top-k, top-p, min-p, repeat penalty, seed, reply
// limit): one set of fields for a chat's panel and for the app-wide defaults in Settings, drawn from
// the specs in samplingSpecs.ts; SamplingField alone serves other screens (Playground → Compare).
import { NumberField } from '../../components/fields.tsx';
import { SAMPLING_KEYS, SAMPLING_SPECS, samplingValue, type SamplingSpec } from './samplingSpecs.ts';
import type { Sampling } from './types.ts';

export function SamplingFields({
  value: s,
  defaults,
  onChange,
  legend = 'Sampling',
}: {
  value: Sampling;
  /** What a cleared field falls back to. */
  defaults: Sampling;
  onChange(sampling: Sampling): void;
  legend?: string;
}) {
  return (
    <fieldset className="space-y-4">
      <legend className="mb-2 text-[11.5px] font-medium tracking-wide text-zinc-500 uppercase">{legend}</legend>
      {SAMPLING_KEYS.map((key) => (
        <SamplingField key={key} name={key} value={s[key]} fallback={defaults[key]} onChange={(v) => onChange({ ...s, [key]: v })} />
      ))}
    </fieldset>
  );
}

/** One sampling setting as a number field, by its spec; `label` and `hint` can be changed for a tighter layout. */
export function SamplingField<K extends keyof Sampling>({
  name,
  value,
  fallback,
  onChange,
  label,
  hint = true,
}: {
  name: K;
  value: Sampling[K];
  /** What a cleared field falls back to (unless the setting may be empty). */
  fallback: Sampling[K];
  onChange(v: Sampling[K]): void;
  label?: string;
  hint?: boolean;
}) {
  const spec: SamplingSpec = SAMPLING_SPECS[name];
  return (
    <NumberField
      label={label ?? spec.label}
      value={value}
      min={spec.min}
      max={spec.max}
      step={spec.step}
      slider={spec.slider ?? true}
      allowEmpty={spec.empty !== undefined}
      placeholder={spec.empty}
      onChange={(v) => onChange(samplingValue(name, v, fallback))}
      hint={hint ? spec.hint : undefined}
    />
  );
}
