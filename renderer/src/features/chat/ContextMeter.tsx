// How much of the model's context window the next reply's prompt fills (tokens sent / total), counted
// as sending will count it: with the context policy applied. When older turns will be left out, or the
// policy will refuse, it says so beside the bar.
import type { ContextUsage } from './types.ts';

export function ContextMeter({ used, total, usage }: { used: number | null; total: number | null; usage?: ContextUsage | null }) {
  if (used === null || total === null || total <= 0) {
    return (
      <span className="text-[11.5px] text-zinc-500" data-testid="context-meter">
        context: —
      </span>
    );
  }
  const frac = Math.min(1, used / total);
  const tone = usage?.refused || frac > 0.9 ? 'bg-red-500' : frac > 0.7 ? 'bg-amber-500' : 'bg-accent-500';
  const dropped = usage?.droppedTurns ?? 0;
  const title = usage
    ? `The next reply's prompt: ${used} of ${total} tokens (${usage.reserveTokens ?? 0} more kept free for the reply).` +
      (dropped > 0
        ? ` The whole chat takes ${usage.fullTokens}; the ${dropped} oldest messages will be left out${usage.systemPromptDropped ? ', and the system prompt with them' : ''}.`
        : '')
    : `${used} of ${total} context tokens used`;
  return (
    <div className="flex min-w-0 items-center gap-2" data-testid="context-meter" title={title}>
      <div
        role="meter"
        aria-label="Context used"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={Math.min(used, total)}
        aria-valuetext={`${used} of ${total} tokens`}
        className="h-1.5 w-24 shrink-0 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div className={`h-full ${tone}`} style={{ width: `${Math.max(frac * 100, used > 0 ? 2 : 0)}%` }} />
      </div>
      <span
        className="font-mono text-[11.5px] whitespace-nowrap text-zinc-600 tabular-nums dark:text-zinc-400"
        data-testid="context-meter-text"
      >
        {used.toLocaleString('en-US')} / {total.toLocaleString('en-US')}
      </span>
      {usage?.refused ? (
        <span className="truncate text-[11.5px] text-red-600 dark:text-red-400" data-testid="context-note">
          too long: the next message will be refused (Settings → Chat)
        </span>
      ) : dropped > 0 ? (
        <span className="truncate text-[11.5px] text-amber-700 dark:text-amber-400" data-testid="context-note">
          {dropped} oldest message{dropped === 1 ? '' : 's'}
          {usage?.systemPromptDropped ? ' and the system prompt' : ''} will be left out
        </span>
      ) : null}
    </div>
  );
}
