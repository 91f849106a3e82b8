// Which screen is shown: kept in the URL hash (#/inspect) so a reload stays put, and switched by
// Ctrl/Cmd+1…8 from anywhere.
import { useEffect, useState } from 'react';
import { screens } from './screens.tsx';

const fromHash = () => {
  const id = window.location.hash.replace(/^#\/?/, '').split('/')[0];
  return screens.some((s) => s.id === id) ? id : screens[0].id;
};

export function navigate(id: string): void {
  if (fromHash() !== id || window.location.hash === '') window.location.hash = `#/${id}`;
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

/** Ctrl/Cmd + digit → screen by position. */
export function useScreenShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
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
