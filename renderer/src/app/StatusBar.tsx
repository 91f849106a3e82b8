// Bottom bar: connection, loaded model, llama.cpp backend, worker processes, app mode.
import type { SystemStatus } from '../../../electron/core/api/system.ts';
import type { WorkerStatus } from '../../../electron/core/api/workers.ts';
import type { ConnectionState } from '../api/transport.ts';

function Dot({ tone }: { tone: 'ok' | 'warn' | 'bad' | 'idle' }) {
  const colors = { ok: 'bg-emerald-500', warn: 'bg-amber-500', bad: 'bg-red-500', idle: 'bg-zinc-400 dark:bg-zinc-600' };
  return <span className={`inline-block size-1.5 rounded-full ${colors[tone]}`} aria-hidden="true" />;
}

const workerTone = (w: WorkerStatus) =>
  w.state === 'ready' ? 'ok' : w.state === 'crashed' ? 'bad' : w.state === 'starting' ? 'warn' : 'idle';

const Sep = () => <span className="h-3 w-px bg-zinc-300 dark:bg-zinc-700" aria-hidden="true" />;

export function StatusBar({ status, connection }: { status: SystemStatus | undefined; connection: ConnectionState }) {
  const connText = connection === 'open' ? 'Connected' : connection === 'connecting' ? 'Disconnected · reconnecting…' : 'Disconnected';
  // While disconnected the last known state may be stale: say so rather than show it as current.
  const live = connection === 'open';
  return (
    <footer
      role="status"
      aria-label="Status bar"
      className="flex h-7 shrink-0 items-center gap-3 overflow-hidden border-t whitespace-nowrap border-zinc-200 bg-zinc-50 px-3 text-[11.5px] text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400"
    >
      <span className="flex items-center gap-1.5" data-testid="status-connection">
        <Dot tone={connection === 'open' ? 'ok' : connection === 'connecting' ? 'warn' : 'bad'} />
        {connText}
      </span>
      <Sep />
      <span data-testid="status-model" title={status?.model?.path} className="min-w-0 truncate">
        Model:{' '}
        <span className="text-zinc-800 dark:text-zinc-200">
          {!live ? 'unknown (disconnected)' : (status?.model?.name ?? 'none active')}
        </span>
      </span>
      <Sep />
      <span data-testid="status-backend" title={status?.backend?.detail} className="min-w-0 truncate">
        Backend:{' '}
        <span className="text-zinc-800 dark:text-zinc-200">
          {!live ? 'unknown (disconnected)' : status?.backend ? status.backend.detail : 'not started'}
        </span>
      </span>
      <div className="flex-1" />
      {live &&
        status?.workers.map((w) => (
          <span key={w.name} className="flex items-center gap-1.5" data-testid={`status-worker-${w.name}`} title={w.lastError ?? undefined}>
            <Dot tone={workerTone(w)} />
            {w.name} process {w.state}
            {w.restarts > 0 && (
              <span className="text-zinc-500">
                ({w.restarts} restart{w.restarts === 1 ? '' : 's'})
              </span>
            )}
          </span>
        ))}
      <Sep />
      <span>{status ? `${status.mode === 'desktop' ? 'Desktop' : 'Browser'} · v${status.appVersion}` : '…'}</span>
    </footer>
  );
}
