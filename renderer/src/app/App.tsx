// The window: navigation on the left, the current screen, the status bar, and notices on top.
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
  const Screen = screen.component;
  return (
    <div className="flex h-full flex-col">
      <div className="flex min-h-0 flex-1">
        <Sidebar current={screen.id} resolvedTheme={theme.resolved} setTheme={theme.setTheme} />
        <main className="flex min-w-0 flex-1 flex-col" aria-label={screen.label} data-screen-active={screen.id}>
          <Screen key={screen.id} />
        </main>
      </div>
      <StatusBar status={status} connection={connection} />
      <Notices />
      <GlobalFileDrop />
    </div>
  );
}
