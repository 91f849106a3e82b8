// Form fields with their label wired for screen readers: a number with an optional slider, a switch,
// and a select. Values are committed on change; the caller validates and saves.
import { useEffect, useId, useState, type ReactNode } from 'react';
import { ADAPTER_SCALE } from '../../../electron/core/api/finetune.ts';

const inputClass =
  'rounded-md bg-white px-2 py-1 text-[13px] ring-1 ring-zinc-300 outline-none focus:ring-2 focus:ring-accent-500 dark:bg-zinc-900 dark:ring-zinc-700';

export function NumberField({
  label,
  value,
  onChange,
  min,
  max,
  step = 1,
  slider = true,
  hint,
  placeholder,
  allowEmpty = false,
}: {
  label: string;
  value: number | null;
  onChange(v: number | null): void;
  min: number;
  max: number;
  step?: number;
  slider?: boolean;
  hint?: ReactNode;
  placeholder?: string;
  /** Empty input means "unset" (null), e.g. a random seed. */
  allowEmpty?: boolean;
}) {
  const id = useId();
  const [text, setText] = useState(value === null ? '' : String(value));
  useEffect(() => setText(value === null ? '' : String(value)), [value]);
  const commit = (raw: string) => {
    if (raw.trim() === '' && allowEmpty) return onChange(null);
    const v = Number(raw);
    if (!Number.isFinite(v)) return setText(value === null ? '' : String(value));
    const clamped = Math.min(max, Math.max(min, v));
    if (clamped !== v) setText(String(clamped));
    onChange(clamped);
  };
  return (
    <div className="space-y-1">
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={id} className="text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
          {label}
        </label>
        <input
          id={id}
          type="number"
          inputMode="decimal"
          min={min}
          max={max}
          step={step}
          value={text}
          placeholder={placeholder}
          onChange={(e) => setText(e.target.value)}
          onBlur={(e) => commit(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && commit((e.target as HTMLInputElement).value)}
          className={`w-20 text-right font-mono ${inputClass}`}
        />
      </div>
      {slider && (
        <input
          type="range"
          aria-label={`${label} slider`}
          min={min}
          max={max}
          step={step}
          value={value ?? min}
          onChange={(e) => onChange(Number(e.target.value))}
          className="w-full accent-[var(--color-accent-600)]"
        />
      )}
      {hint && <p className="text-[11.5px] text-zinc-500 dark:text-zinc-400">{hint}</p>}
    </div>
  );
}

export function Switch({
  label,
  checked,
  onChange,
  disabled,
}: {
  label: string;
  checked: boolean;
  onChange(v: boolean): void;
  disabled?: boolean;
}) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      disabled={disabled}
      onClick={() => onChange(!checked)}
      className="inline-flex items-center gap-2 text-[12.5px] text-zinc-700 disabled:opacity-50 dark:text-zinc-300"
    >
      <span
        className={`relative inline-block h-4 w-7 shrink-0 rounded-full transition-colors ${checked ? 'bg-accent-600' : 'bg-zinc-300 dark:bg-zinc-700'}`}
        aria-hidden="true"
      >
        <span
          className={`absolute top-0.5 left-0 size-3 rounded-full bg-white shadow transition-transform ${checked ? 'translate-x-3.5' : 'translate-x-0.5'}`}
        />
      </span>
      {label}
    </button>
  );
}

export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
  hint,
}: {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange(v: T): void;
  hint?: ReactNode;
}) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)} className={`w-full ${inputClass}`}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && <p className="text-[11.5px] text-zinc-500 dark:text-zinc-400">{hint}</p>}
    </div>
  );
}

export const textInputClass = inputClass;

/** A LoRA adapter's scale as llama.cpp applies it (1 as trained, 0 off), in the contract's range. */
export function AdapterScaleInput({ value, onChange, onBlur }: { value: number; onChange(v: number): void; onBlur?(): void }) {
  return (
    <input
      type="number"
      aria-label="Adapter scale"
      title="Scale: 1 applies the adapter as trained, 0 turns it off"
      min={ADAPTER_SCALE.min}
      max={ADAPTER_SCALE.max}
      step={0.1}
      value={value}
      onChange={(e) => onChange(Number(e.target.value))}
      onBlur={onBlur}
      className={`w-16 text-right font-mono ${inputClass}`}
    />
  );
}
