// Which screen is shown and what is open in it, kept in the URL hash (#/chat/<sessionId>) so a reload
// and back/forward restore it; switched by Ctrl/Cmd+1…9 from anywhere. Each screen's last opened item
// is remembered, so coming back to a screen opens what was open there.
import { useEffect, useState } from 'react';
import { screens } from './screens.tsx';

interface Route {
  screen: string;
  /** What is open on that screen (a session id, a run id), '' for nothing. */
  param: string;
}

const parse = (): Route => {
  const [id = '', ...rest] = window.location.hash.replace(/^#\/?/, '').split('/');
  const screen = screens.some((s) => s.id === id) ? id : screens[0].id;
  return { screen, param: screen === id ? decodeURIComponent(rest.join('/')) : '' };
};
const fromHash = () => parse().screen;

const lastParam = new Map<string, string>();
const hashOf = (screen: string, param: string) => `#/${screen}${param ? `/${encodeURIComponent(param)}` : ''}`;

/** Shows screen `id` with what was last open there (or `param`). */
export function navigate(id: string, param?: string): void {
  const p = param ?? lastParam.get(id) ?? '';
  const hash = hashOf(id, p);
  if (window.location.hash !== hash) window.location.hash = hash;
}

/**
 * What is open on `screen` (from the URL), and a setter that records a new entry in the history (so
 * back/forward step through what was opened) or replaces the current one.
 */
export function useRouteParam(screen: string): [string, (param: string, options?: { replace?: boolean }) => void] {
  const read = () => {
    const r = parse();
    return r.screen === screen ? r.param : (lastParam.get(screen) ?? '');
  };
  const [param, setParam] = useState(read);
  useEffect(() => {
    const onHash = () => {
      const r = parse();
      if (r.screen !== screen) return;
      lastParam.set(screen, r.param);
      setParam(r.param);
    };
    onHash();
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [screen]);
  const set = (next: string, options: { replace?: boolean } = {}) => {
    lastParam.set(screen, next);
    setParam(next);
    if (parse().screen !== screen) return; // not shown: remembered for when it is
    const hash = hashOf(screen, next);
    if (window.location.hash === hash) return;
    if (options.replace) window.history.replaceState(null, '', hash);
    else window.location.hash = hash;
  };
  return [param, set];
}

export function useCurrentScreen(): string {
  const [current, setCurrent] = useState(fromHash);
  useEffect(() => {
    const onHash = () => setCurrent(fromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return current;
}

let searchRequested = false;
/** True once after Ctrl/Cmd+K asked for the chat search (read by the search box when it mounts). */
export function takeSearchRequest(): boolean {
  const r = searchRequested;
  searchRequested = false;
  return r;
}
export const SEARCH_EVENT = 'glassbox:focus-chat-search';

/** Ctrl/Cmd + digit → screen by position; Ctrl/Cmd+K → the chat search, from any screen. */
export function useScreenShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      if (e.key.toLowerCase() === 'k') {
        e.preventDefault();
        searchRequested = true;
        navigate('chat');
        window.dispatchEvent(new Event(SEARCH_EVENT));
        return;
      }
      const n = Number(e.key);
      if (Number.isInteger(n) && n >= 1 && n <= screens.length) {
        e.preventDefault();
        navigate(screens[n - 1].id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
export const modKey = isMac ? '⌘' : 'Ctrl+';
