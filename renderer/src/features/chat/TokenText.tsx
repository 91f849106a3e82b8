// A generated reply as its tokens. Hovering (or moving with ←/→ after focusing the reply) shows two
// probabilities, each named: the model's own (whole vocabulary, temperature 1, computed when the reply
// ends) and the sampler's (what the token was drawn from after temperature, top-k, top-p, min-p), with
// the model's top alternatives. With `colour` on, each token is tinted by the model's probability (the
// sampler's while the model's is not known yet, said in the popover).
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { bandClass, confidenceBand, formatProb, visibleToken } from './confidence.ts';
import { shownProb, type Sampling, type TokenView } from './types.ts';

export function TokenText({
  tokens,
  colour,
  label,
  sampling,
}: {
  tokens: readonly TokenView[];
  colour: boolean;
  label: string;
  sampling?: Sampling | null;
}) {
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
            data-prob={shownProb(tok)}
            onMouseEnter={() => setActive(i)}
            className={`rounded-[3px] ${colour ? bandClass[confidenceBand(shownProb(tok))] : ''} ${
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
          <div className="mb-2 truncate">
            <span className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[12.5px] dark:bg-zinc-800">{visibleToken(t.text)}</span>
          </div>
          <dl className="mb-2 space-y-1">
            <div className="flex items-baseline justify-between gap-2">
              <dt title="Softmax of the model's raw scores over the whole vocabulary, at temperature 1">Model</dt>
              <dd className="font-mono font-semibold" data-testid="token-model-prob" data-prob={t.modelProb ?? ''}>
                {t.modelProb === undefined ? 'not computed' : formatProb(t.modelProb)}
              </dd>
            </div>
            <div className="flex items-baseline justify-between gap-2">
              <dt title="The distribution the token was drawn from: after repeat penalty, top-k, top-p, min-p and temperature, renormalised">
                Sampler
              </dt>
              <dd className="font-mono" data-testid="token-prob" data-prob={t.prob}>
                {formatProb(t.prob)}
              </dd>
            </div>
          </dl>
          <p className="mb-2 text-[11px] leading-snug text-zinc-500 dark:text-zinc-400" data-testid="token-prob-note">
            {t.modelProb === undefined
              ? 'Model: computed once the reply ends (replies from older versions have only the sampler’s number). '
              : 'Model: whole vocabulary, temperature 1. '}
            {samplerNote(sampling)}
          </p>
          <div className="mb-1 text-[10.5px] font-medium tracking-wide text-zinc-500 uppercase">
            {t.modelTop ? 'Model’s top tokens' : 'Sampler’s top candidates'}
          </div>
          {alternatives(t).length === 0 ? (
            <div className="text-zinc-500">none recorded</div>
          ) : (
            <ol className="space-y-1" aria-label="Top alternatives">
              {alternatives(t).map((alt, j) => (
                <li key={j} className="flex items-center gap-2" data-testid="token-alternative" data-token={alt.text} data-prob={alt.prob}>
                  <span
                    className={`min-w-0 flex-1 truncate font-mono ${alt.text === t.text ? 'font-semibold text-accent-700 dark:text-accent-400' : ''}`}
                  >
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

const alternatives = (t: TokenView) => t.modelTop ?? t.top;

function samplerNote(s: Sampling | null | undefined): string {
  if (!s) return 'Sampler: what the token was drawn from.';
  if (s.temperature <= 0) return 'Sampler: greedy (temperature 0) always takes the most likely token.';
  const cut = [
    s.topK > 0 ? `top-k ${s.topK}` : null,
    s.topP < 1 ? `top-p ${s.topP}` : null,
    s.minP > 0 ? `min-p ${s.minP}` : null,
    s.repeatPenalty !== 1 ? `repeat penalty ${s.repeatPenalty}` : null,
  ].filter(Boolean);
  return `Sampler: drawn at temperature ${s.temperature}${cut.length ? ` after ${cut.join(', ')}` : ''}, renormalised over the candidates kept.`;
}
