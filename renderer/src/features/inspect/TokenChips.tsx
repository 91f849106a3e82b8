// The prompt's tokens as chips; clicking one selects its position (logit lens, interventions).
import type { TokenInfo } from '../../../../electron/core/api/inspect.ts';
import { TokenLabel, tokenKindName } from './TokenLabel.tsx';

export function TokenChips({
  tokens,
  selected,
  onSelect,
  testId = 'token-chips',
}: {
  tokens: TokenInfo[];
  selected?: number | null;
  onSelect?: (position: number) => void;
  testId?: string;
}) {
  return (
    <div className="flex max-h-40 flex-wrap gap-1 overflow-y-auto" data-testid={testId} aria-label={`${tokens.length} tokens`}>
      {tokens.map((t, i) => (
        <button
          key={i}
          type="button"
          title={[`position ${i}, id ${t.id}`, tokenKindName(t.kind)].filter(Boolean).join(', ')}
          data-position={i}
          data-token-id={t.id}
          aria-pressed={selected === i}
          onClick={() => onSelect?.(i)}
          className={`rounded px-1.5 py-0.5 font-mono text-[11.5px] ring-1 transition-colors ${
            selected === i
              ? 'bg-accent-600 text-white ring-accent-600'
              : 'bg-zinc-50 text-zinc-700 ring-zinc-200 hover:bg-accent-50 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-700'
          }`}
        >
          <TokenLabel token={t} className={selected === i ? '!text-white' : ''} />
        </button>
      ))}
    </div>
  );
}
