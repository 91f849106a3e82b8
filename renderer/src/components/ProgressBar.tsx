// A labelled progress bar (role=progressbar); `value` null shows an indeterminate stripe.
export function ProgressBar({ value, label, className = '' }: { value: number | null; label: string; className?: string }) {
  const pct = value === null ? null : Math.max(0, Math.min(100, value * 100));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct === null ? undefined : Math.round(pct)}
      className={`h-1.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800 ${className}`}
    >
      {pct === null ? (
        <div className="h-full w-1/3 animate-pulse rounded-full bg-accent-500/70" />
      ) : (
        <div className="h-full rounded-full bg-accent-500 transition-[width] duration-200" style={{ width: `${pct}%` }} />
      )}
    </div>
  );
}
