// Small form pieces shared by the inspector's tabs.
import type { ReactNode } from 'react';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { Button } from '../../components/ui.tsx';
import { textInputClass } from '../../components/fields.tsx';
import type { JobView } from './useJob.ts';

export function PromptBox({
  label,
  value,
  onChange,
  rows = 3,
  testId,
  placeholder,
}: {
  label: string;
  value: string;
  onChange(v: string): void;
  rows?: number;
  testId: string;
  placeholder?: string;
}) {
  return (
    <label className="block space-y-1">
      <span className="text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">{label}</span>
      <textarea
        data-testid={testId}
        rows={rows}
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        className={`w-full resize-y font-mono ${textInputClass}`}
      />
    </label>
  );
}

export function NumberInput({
  label,
  value,
  onChange,
  min,
  max,
  step = 1,
  testId,
}: {
  label: string;
  value: number;
  onChange(v: number): void;
  min?: number;
  max?: number;
  step?: number;
  testId?: string;
}) {
  return (
    <label className="inline-flex items-center gap-1.5 text-[12.5px] text-zinc-700 dark:text-zinc-300">
      {label}
      <input
        type="number"
        data-testid={testId}
        value={Number.isFinite(value) ? value : ''}
        min={min}
        max={max}
        step={step}
        onChange={(e) => onChange(Number(e.target.value))}
        className={`w-20 text-right font-mono ${textInputClass}`}
      />
    </label>
  );
}

export function Select<T extends string | number>({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: T;
  options: { value: T; label: string }[];
  onChange(v: T): void;
  testId?: string;
}) {
  return (
    <label className="inline-flex items-center gap-1.5 text-[12.5px] text-zinc-700 dark:text-zinc-300">
      {label}
      <select
        data-testid={testId}
        value={String(value)}
        onChange={(e) => {
          const o = options.find((x) => String(x.value) === e.target.value);
          if (o) onChange(o.value);
        }}
        className={textInputClass}
      >
        {options.map((o) => (
          <option key={String(o.value)} value={String(o.value)}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Progress bar, message and cancel button of a running job; the error of a failed one. */
export function JobStatus({
  job,
  label,
  testId,
}: {
  job: Pick<JobView<unknown>, 'state' | 'progress' | 'message' | 'error' | 'cancel'>;
  label: string;
  testId: string;
}) {
  if (job.state === 'idle' || job.state === 'done') return null;
  return (
    <div className="space-y-1.5" data-testid={testId} data-state={job.state}>
      {job.state === 'running' && (
        <div className="flex items-center gap-3">
          <ProgressBar value={job.progress} label={label} className="flex-1" />
          <span className="w-40 truncate text-[12px] text-zinc-500">{job.message}</span>
          <Button variant="secondary" className="!py-1" onClick={job.cancel}>
            Cancel
          </Button>
        </div>
      )}
      {job.state === 'failed' && <ErrorNote>{job.error}</ErrorNote>}
      {job.state === 'cancelled' && <p className="text-[12.5px] text-zinc-500">Cancelled.</p>}
    </div>
  );
}

export function ErrorNote({ children }: { children: ReactNode }) {
  return (
    <p
      role="alert"
      className="rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700 ring-1 ring-red-200 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-500/30"
    >
      {children}
    </p>
  );
}

export function Th({ children, right }: { children: ReactNode; right?: boolean }) {
  return <th className={`px-2 py-1 text-[11.5px] font-medium text-zinc-500 ${right ? 'text-right' : 'text-left'}`}>{children}</th>;
}

export function Td({
  children,
  right,
  mono,
  className = '',
}: {
  children: ReactNode;
  right?: boolean;
  mono?: boolean;
  className?: string;
}) {
  return <td className={`px-2 py-1 text-[12.5px] ${right ? 'text-right' : ''} ${mono ? 'font-mono' : ''} ${className}`}>{children}</td>;
}
