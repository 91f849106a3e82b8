// A generated reply as its tokens. Hovering (or moving with ←/→ after focusing the reply) shows the
// token's probability and the top alternatives the model weighed at that step, as captured during
// generation. With `colour` on, each token is tinted by how confident the model was.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { bandClass, confidenceBand, formatProb, visibleToken } from './confidence.ts';
import type { TokenView } from './types.ts';

export function TokenText({ tokens, colour, label }: { tokens: readonly TokenView[]; colour: boolean; label: string }) {
  const [active, setActive] = useState<number | null>(null);
  const [pos, setPos] = useState<{ left: number; top: number; below: boolean } | null>(null);
  const box = useRef<HTMLDivElement>(null);

  // The popover is fixed to the viewport so the thread's scroll box cannot clip it; it sits above the
  // token, or below when there is no room above.
  useLayoutEffect(() => {
    if (active === null || !box.current) return setPos(null);
    const el = box.current.querySelector<HTMLElement>(`[data-token-index="${active}"]`);
    if (!el) return setPos(null);
    const r = el.getBoundingClientRect();
    const below = r.top < 250;
    setPos({ left: Math.max(8, Math.min(r.left, window.innerWidth - 270)), top: below ? r.bottom + 6 : r.top - 6, below });
  }, [active, tokens.length]);

  useEffect(() => {
    if (active === null) return;
    const close = () => setActive(null);
    window.addEventListener('scroll', close, true);
    return () => window.removeEventListener('scroll', close, true);
  }, [active]);

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      const d = e.key === 'ArrowRight' ? 1 : -1;
      setActive((a) => Math.max(0, Math.min(tokens.length - 1, a === null ? 0 : a + d)));
    } else if (e.key === 'Escape') setActive(null);
  };

  const t = active === null ? null : tokens[active];
  return (
    <div
      ref={box}
      tabIndex={0}
      role="group"
      aria-label={`${label}: tokens with probabilities (use arrow keys)`}
      onKeyDown={onKey}
      onMouseLeave={() => setActive(null)}
      onBlur={() => setActive(null)}
      data-testid="token-text"
    >
      <p className="font-mono text-[13px] leading-[1.75] whitespace-pre-wrap selectable">
        {tokens.map((tok, i) => (
          <span
            key={i}
            data-token-index={i}
            data-prob={tok.prob}
            onMouseEnter={() => setActive(i)}
            className={`rounded-[3px] ${colour ? bandClass[confidenceBand(tok.prob)] : ''} ${
              active === i ? 'ring-2 ring-accent-500' : 'hover:bg-zinc-200/70 dark:hover:bg-zinc-700/60'
            }`}
          >
            {tok.text}
          </span>
        ))}
      </p>
      {t && pos && (
        <div
          role="tooltip"
          data-testid="token-popover"
          className={`pointer-events-none fixed z-40 w-[260px] rounded-lg border border-zinc-200 bg-white p-3 text-[12px] shadow-xl shadow-zinc-900/10 dark:border-zinc-700 dark:bg-zinc-900 ${
            pos.below ? '' : '-translate-y-full'
          }`}
          style={{ left: pos.left, top: pos.top }}
        >
          <div className="mb-2 flex items-baseline justify-between gap-2">
            <span className="truncate rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[12.5px] dark:bg-zinc-800">{visibleToken(t.text)}</span>
            <span className="font-mono font-semibold" data-testid="token-prob" data-prob={t.prob}>
              {formatProb(t.prob)}
            </span>
          </div>
          <div className="mb-1 text-[10.5px] font-medium tracking-wide text-zinc-500 uppercase">Top alternatives</div>
          {t.top.length === 0 ? (
            <div className="text-zinc-500">none recorded</div>
          ) : (
            <ol className="space-y-1" aria-label="Top alternatives">
              {t.top.map((alt, j) => (
                <li key={j} className="flex items-center gap-2" data-testid="token-alternative" data-token={alt.text} data-prob={alt.prob}>
                  <span className={`min-w-0 flex-1 truncate font-mono ${alt.text === t.text ? 'font-semibold text-accent-700 dark:text-accent-400' : ''}`}>
                    {visibleToken(alt.text)}
                  </span>
                  <span className="h-1.5 w-16 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800" aria-hidden="true">
                    <span className="block h-full bg-accent-500" style={{ width: `${Math.max(2, alt.prob * 100)}%` }} />
                  </span>
                  <span className="w-14 text-right font-mono tabular-nums">{formatProb(alt.prob)}</span>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </div>
  );
}
