// Light/dark theme: the setting lives in SQLite (settings 'ui.theme') so it survives restarts in both
// the desktop app and the browser host; a localStorage copy avoids a flash on start. The setting is
// read from the shared settings query (one request, kept fresh by settings.changed).
import { useCallback, useEffect } from 'react';
import { useSetSetting, useSettings } from '../api/hooks.ts';
import { useResolvedTheme } from '../components/charts/useChartTheme.ts';

export { useResolvedTheme };

export type ThemeSetting = 'light' | 'dark' | 'system';
const CACHE_KEY = 'glassbox.theme';

const systemPrefersDark = () => window.matchMedia('(prefers-color-scheme: dark)').matches;
const cachedSetting = () => (localStorage.getItem(CACHE_KEY) as ThemeSetting | null) ?? 'system';

function apply(setting: ThemeSetting): void {
  const dark = setting === 'dark' || (setting === 'system' && systemPrefersDark());
  document.documentElement.classList.toggle('dark', dark);
  document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
}

export function useTheme(): { setting: ThemeSetting; resolved: 'light' | 'dark'; setTheme(t: ThemeSetting): void } {
  const setting = useSettings().data?.['ui.theme'] ?? cachedSetting();
  const setSetting = useSetSetting();

  useEffect(() => {
    apply(setting);
    localStorage.setItem(CACHE_KEY, setting);
    if (setting !== 'system') return;
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => apply(setting);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, [setting]);

  const setTheme = useCallback((t: ThemeSetting) => void setSetting('ui.theme', t).catch(() => {}), [setSetting]);
  return { setting, resolved: useResolvedTheme(), setTheme };
}

/** Applied before React renders, from the cached copy. */
export function applyCachedTheme(): void {
  apply(cachedSetting());
}
