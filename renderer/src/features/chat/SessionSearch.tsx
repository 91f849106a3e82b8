// Full-text search over every message of every chat (SQLite FTS5 in the core). Typing searches after
// a short pause; a hit opens its chat on the branch that holds the message. A query FTS5 cannot parse
// shows the core's "Search syntax not understood: …" with its hint, never "No messages match".
import { useEffect, useId, useRef, useState } from 'react';
import { modKey, SEARCH_EVENT, takeSearchRequest } from '../../app/navigation.ts';
import { SearchIcon } from '../../components/more-icons.tsx';
import { CloseIcon } from '../../components/icons.tsx';

import { snippetParts } from './snippet.ts';
import type { SearchHit } from './types.ts';

export type SearchHitView = Pick<SearchHit, 'sessionId' | 'sessionTitle' | 'messageId' | 'role' | 'snippet'>;

export function SessionSearch({
  search,
  onOpen,
  query,
  setQuery,
}: {
  search(query: string): Promise<SearchHitView[]>;
  onOpen(hit: SearchHitView): void;
  query: string;
  setQuery(q: string): void;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  // Ctrl/Cmd+K (app/navigation.ts) jumps here from any screen: focus once the chat screen is shown.
  useEffect(() => {
    // The screen switch lands a frame or two later (hash change, render): wait until the box is shown.
    const focus = () => {
      let frames = 0;
      const step = () => {
        const el = input.current;
        if (el && el.offsetParent !== null) {
          if (!takeSearchRequest()) return;
          el.focus();
          el.select();
        } else if (frames++ < 60) requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    };
    focus();
    window.addEventListener(SEARCH_EVENT, focus);
    return () => window.removeEventListener(SEARCH_EVENT, focus);
  }, []);
  const [hits, setHits] = useState<SearchHitView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const q = query.trim();
    if (!q) return (setHits(null), setError(null));
    let live = true;
    const t = setTimeout(() => {
      search(q).then(
        (r) => live && (setHits(r), setError(null)),
        (e: Error) => live && (setHits([]), setError(e.message)),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [query, search]);

  return (
    <div className="px-3 pb-2">
      <div className="flex items-center gap-1.5 rounded-md bg-zinc-100 px-2 ring-accent-500 focus-within:ring-2 dark:bg-zinc-800/80">
        <SearchIcon className="shrink-0 text-zinc-500" />
        <label htmlFor={id} className="sr-only">
          Search chats
        </label>
        <input
          ref={input}
          id={id}
          type="search"
          value={query}
          placeholder={`Search messages (${modKey}K)`}
          title={'Words match as prefixes. FTS5 syntax works too: "an exact phrase", word OR word, word NOT word, prefix*'}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setQuery('')}
          className="min-w-0 flex-1 bg-transparent py-1.5 text-[13px] outline-none placeholder:text-zinc-500 [&::-webkit-search-cancel-button]:hidden"
        />
        {query && (
          <button
            type="button"
            aria-label="Clear search"
            onClick={() => setQuery('')}
            className="rounded p-0.5 text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200"
          >
            <CloseIcon width={14} height={14} />
          </button>
        )}
      </div>
      {hits && (
        <div className="mt-2">
          {error && (
            <p role="alert" className="px-1 text-[12.5px] text-red-600 dark:text-red-400">
              {error}
            </p>
          )}
          {!error && hits.length === 0 && <p className="px-1 py-2 text-[12.5px] text-zinc-500">No messages match.</p>}
          <ul aria-label="Search results" className="space-y-0.5">
            {hits.map((h) => (
              <li key={h.messageId}>
                <button
                  type="button"
                  onClick={() => onOpen(h)}
                  data-testid="search-hit"
                  className="block w-full rounded-md px-2.5 py-2 text-left hover:bg-zinc-100 dark:hover:bg-zinc-800/60"
                >
                  <div className="truncate text-[12.5px] font-medium">{h.sessionTitle}</div>
                  <div className="mt-0.5 line-clamp-2 text-[12px] text-zinc-600 dark:text-zinc-400">
                    <span className="mr-1 text-zinc-400">{h.role === 'user' ? 'You:' : 'Model:'}</span>
                    {snippetParts(h.snippet).map((p, i) =>
                      p.hit ? (
                        <mark key={i} className="rounded-sm bg-amber-200/80 px-0.5 text-inherit dark:bg-amber-500/30">
                          {p.text}
                        </mark>
                      ) : (
                        <span key={i}>{p.text}</span>
                      ),
                    )}
                  </div>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
