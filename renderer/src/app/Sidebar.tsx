// Left navigation: one button per screen; arrow keys move between them (roving tabindex), Enter opens.
// Below 1280 px wide it collapses to icons (names in tooltips and for screen readers) to leave room.
import { useRef, type KeyboardEvent } from 'react';
import { Kbd } from '../components/ui.tsx';
import { Logo, MoonIcon, SunIcon } from '../components/icons.tsx';
import { modKey, navigate } from './navigation.ts';
import { screens } from './screens.tsx';
import type { ThemeSetting } from './theme.ts';

export function Sidebar({
  current,
  resolvedTheme,
  setTheme,
}: {
  current: string;
  resolvedTheme: 'light' | 'dark';
  setTheme(t: ThemeSetting): void;
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (e: KeyboardEvent, index: number) => {
    let next = -1;
    if (e.key === 'ArrowDown') next = (index + 1) % screens.length;
    else if (e.key === 'ArrowUp') next = (index - 1 + screens.length) % screens.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = screens.length - 1;
    if (next >= 0) {
      e.preventDefault();
      refs.current[next]?.focus();
    }
  };
  const currentIndex = Math.max(
    0,
    screens.findIndex((s) => s.id === current),
  );

  return (
    <aside className="flex w-[60px] shrink-0 flex-col xl:w-[212px] border-r border-zinc-200 bg-zinc-50/80 dark:border-zinc-800 dark:bg-zinc-900/70">
      <div className="flex items-center gap-2.5 px-4 pt-4 pb-5" title="Glassbox, local LLM workbench">
        <Logo />
        <div className="hidden leading-tight xl:block">
          <div className="text-[14px] font-semibold tracking-tight">Glassbox</div>
          <div className="text-[11px] text-zinc-500 dark:text-zinc-400">local LLM workbench</div>
        </div>
      </div>
      <nav aria-label="Screens" className="flex-1 px-2">
        <ul className="space-y-0.5">
          {screens.map((s, i) => {
            const active = s.id === current;
            const IconC = s.icon;
            return (
              <li key={s.id}>
                <button
                  ref={(el) => {
                    refs.current[i] = el;
                  }}
                  type="button"
                  data-screen={s.id}
                  aria-current={active ? 'page' : undefined}
                  tabIndex={i === currentIndex ? 0 : -1}
                  onKeyDown={(e) => onKeyDown(e, i)}
                  onClick={() => navigate(s.id)}
                  title={`${s.label} (${modKey}${i + 1})`}
                  className={`group flex w-full items-center gap-2.5 rounded-md px-2.5 py-[7px] text-left text-[13.5px] transition-colors ${
                    active
                      ? 'bg-white font-medium text-zinc-900 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-800 dark:text-white dark:ring-zinc-700'
                      : 'text-zinc-600 hover:bg-zinc-200/60 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/70 dark:hover:text-zinc-100'
                  }`}
                >
                  <IconC className={active ? 'text-accent-600 dark:text-accent-400' : 'opacity-80'} />
                  <span className="sr-only xl:not-sr-only xl:flex-1">{s.label}</span>
                  <span className="hidden opacity-0 transition-opacity group-hover:opacity-100 group-focus-visible:opacity-100 xl:inline">
                    <Kbd>
                      {modKey}
                      {i + 1}
                    </Kbd>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="border-t border-zinc-200 p-2 dark:border-zinc-800">
        <button
          type="button"
          onClick={() => setTheme(resolvedTheme === 'dark' ? 'light' : 'dark')}
          aria-label={resolvedTheme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
          className="flex w-full items-center gap-2.5 rounded-md px-2.5 py-[7px] text-[13px] text-zinc-600 hover:bg-zinc-200/60 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/70 dark:hover:text-zinc-100"
        >
          {resolvedTheme === 'dark' ? <SunIcon /> : <MoonIcon />}
          <span className="sr-only xl:not-sr-only">{resolvedTheme === 'dark' ? 'Light theme' : 'Dark theme'}</span>
        </button>
      </div>
    </aside>
  );
}
