// How much of the model's context window the conversation fills (tokens used / total).
export function ContextMeter({ used, total }: { used: number | null; total: number | null }) {
  if (used === null || total === null || total <= 0) {
    return (
      <span className="text-[11.5px] text-zinc-500" data-testid="context-meter">
        context: —
      </span>
    );
  }
  const frac = Math.min(1, used / total);
  const tone = frac > 0.9 ? 'bg-red-500' : frac > 0.7 ? 'bg-amber-500' : 'bg-accent-500';
  return (
    <div className="flex items-center gap-2" data-testid="context-meter" title={`${used} of ${total} context tokens used`}>
      <div
        role="meter"
        aria-label="Context used"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={used}
        aria-valuetext={`${used} of ${total} tokens`}
        className="h-1.5 w-24 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div className={`h-full ${tone}`} style={{ width: `${Math.max(frac * 100, used > 0 ? 2 : 0)}%` }} />
      </div>
      <span className="font-mono text-[11.5px] text-zinc-600 tabular-nums dark:text-zinc-400" data-testid="context-meter-text">
        {used.toLocaleString('en-US')} / {total.toLocaleString('en-US')}
      </span>
    </div>
  );
}
