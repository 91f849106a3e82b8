// Toasts for things the user must know about but did not ask for: a worker process crashed, and
// came back. Each notice stays until dismissed (crashes are not to be missed).
import { useState } from 'react';
import type { WorkerStatus } from '../../../electron/core/api/workers.ts';
import { useEvent } from '../api/hooks.ts';
import { AlertIcon, CloseIcon } from '../components/icons.tsx';

interface Notice {
  id: number;
  worker: string;
  message: string;
  recovered: boolean;
}

let nextId = 1;

export function Notices() {
  const [notices, setNotices] = useState<Notice[]>([]);
  useEvent('workers.state', (w: WorkerStatus) => {
    if (w.state === 'crashed') {
      setNotices((n) => [...n, { id: nextId++, worker: w.name, message: w.lastError ?? `the ${w.name} worker crashed`, recovered: false }]);
    } else if (w.state === 'ready') {
      setNotices((n) => n.map((x) => (x.worker === w.name && !x.recovered ? { ...x, recovered: true } : x)));
    }
  });
  if (notices.length === 0) return null;
  return (
    <div className="pointer-events-none fixed top-3 right-3 z-50 flex w-[380px] flex-col gap-2">
      {notices.map((n) => (
        <div
          key={n.id}
          role="alert"
          data-testid="worker-crash-notice"
          className="pointer-events-auto flex gap-3 rounded-lg border border-red-200 bg-white p-3 shadow-lg shadow-zinc-900/5 dark:border-red-500/30 dark:bg-zinc-900"
        >
          <AlertIcon className="mt-0.5 shrink-0 text-red-600 dark:text-red-400" />
          <div className="min-w-0 flex-1 text-[13px]">
            <div className="font-medium">The {n.worker} process crashed</div>
            <div className="mt-0.5 text-zinc-600 dark:text-zinc-400">{n.message}.</div>
            <div
              className={`mt-1 text-[12px] ${n.recovered ? 'text-emerald-700 dark:text-emerald-400' : 'text-amber-700 dark:text-amber-400'}`}
            >
              {n.recovered ? 'Restarted — it is ready again.' : 'Restarting…'}
            </div>
          </div>
          <button
            type="button"
            aria-label="Dismiss"
            onClick={() => setNotices((all) => all.filter((x) => x.id !== n.id))}
            className="h-fit rounded p-0.5 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 dark:hover:bg-zinc-800 dark:hover:text-zinc-200"
          >
            <CloseIcon width={16} height={16} />
          </button>
        </div>
      ))}
    </div>
  );
}
