// The window: navigation on the left, the current screen, the status bar, and notices on top.
import { useState } from 'react';
import { useConnection } from '../api/hooks.ts';
import { GlobalFileDrop } from '../features/files/GlobalFileDrop.tsx';
import { useCurrentScreen, useScreenShortcuts } from './navigation.ts';
import { Notices } from './Notices.tsx';
import { screens } from './screens.tsx';
import { Sidebar } from './Sidebar.tsx';
import { StatusBar } from './StatusBar.tsx';
import { applyCachedTheme, useTheme } from './theme.ts';
import { useSystemStatus } from './useSystemStatus.ts';

applyCachedTheme();

export function App() {
  const current = useCurrentScreen();
  useScreenShortcuts();
  const theme = useTheme();
  const status = useSystemStatus();
  const connection = useConnection();
  const screen = screens.find((s) => s.id === current) ?? screens[0];
  // Screens stay mounted once opened (hidden when not shown), so switching keeps their work: a run,
  // a prompt, the open chat, a draft.
  const [visited, setVisited] = useState<string[]>([screen.id]);
  if (!visited.includes(screen.id)) setVisited([...visited, screen.id]);
  return (
    <div className="flex h-full flex-col">
      <div className="flex min-h-0 flex-1">
        <Sidebar current={screen.id} resolvedTheme={theme.resolved} setTheme={theme.setTheme} />
        <main className="flex min-w-0 flex-1 flex-col" aria-label={screen.label} data-screen-active={screen.id}>
          {screens
            .filter((s) => visited.includes(s.id))
            .map((s) => (
              <div
                key={s.id}
                hidden={s.id !== screen.id}
                data-screen-panel={s.id}
                className={`${s.id === screen.id ? 'flex' : 'hidden'} min-h-0 min-w-0 flex-1 flex-col`}
              >
                <s.component />
              </div>
            ))}
        </main>
      </div>
      <StatusBar status={status} connection={connection} />
      <Notices />
      <GlobalFileDrop />
    </div>
  );
}
