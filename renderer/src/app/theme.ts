// Light/dark theme: the setting lives in SQLite (settings 'ui.theme') so it survives restarts in both
// the desktop app and the browser host; a localStorage copy avoids a flash on start.
import { useCallback, useEffect, useState } from 'react';
import { useApi, useEvent } from '../api/hooks.ts';

export type ThemeSetting = 'light' | 'dark' | 'system';
const CACHE_KEY = 'glassbox.theme';

const systemPrefersDark = () => window.matchMedia('(prefers-color-scheme: dark)').matches;

function apply(setting: ThemeSetting): void {
  const dark = setting === 'dark' || (setting === 'system' && systemPrefersDark());
  document.documentElement.classList.toggle('dark', dark);
  document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
}

export function useTheme(): { setting: ThemeSetting; resolved: 'light' | 'dark'; setTheme(t: ThemeSetting): void } {
  const api = useApi();
  const [setting, setSetting] = useState<ThemeSetting>(() => (localStorage.getItem(CACHE_KEY) as ThemeSetting | null) ?? 'system');
  const [, setTick] = useState(0);

  useEffect(() => {
    api.settings.getAll().then((s) => setSetting(s['ui.theme']), () => {});
  }, [api]);
  useEvent('settings.changed', (s) => setSetting(s['ui.theme']));

  useEffect(() => {
    apply(setting);
    localStorage.setItem(CACHE_KEY, setting);
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => (apply(setting), setTick((t) => t + 1));
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, [setting]);

  const setTheme = useCallback(
    (t: ThemeSetting) => {
      setSetting(t);
      api.settings.set({ key: 'ui.theme', value: t }).catch(() => {});
    },
    [api],
  );
  const resolved = setting === 'dark' || (setting === 'system' && systemPrefersDark()) ? 'dark' : 'light';
  return { setting, resolved, setTheme };
}

/** Applied before React renders, from the cached copy. */
export function applyCachedTheme(): void {
  apply((localStorage.getItem(CACHE_KEY) as ThemeSetting | null) ?? 'system');
}
