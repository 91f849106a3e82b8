// "Recent runs": the inspector's stored activation and gradient runs (SQLite, kept across restarts),
// newest first. Opening one shows it exactly as it was computed; the URL then names it
// (#/inspect/run/<id>), so a reload or a link reopens the same run.
import { Popover } from 'radix-ui';
import { useState } from 'react';
import type { RunListItem } from '../../../../electron/core/api/inspect.ts';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';
import { Button } from '../../components/ui.tsx';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

const RUN_HASH = /^#\/inspect\/run\/([^/?#]+)$/;

/** The run the URL names, if any. */
export function runIdFromHash(hash = window.location.hash): string | null {
  const m = RUN_HASH.exec(hash);
  return m ? decodeURIComponent(m[1]) : null;
}

/** Puts the open run in the URL without a history entry per run (null: the plain Inspect screen). */
export function setRunInHash(runId: string | null): void {
  const hash = runId ? `#/inspect/run/${encodeURIComponent(runId)}` : '#/inspect';
  if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
}

export function RecentRuns({ currentRunId, onOpen }: { currentRunId: string | null; onOpen(runId: string): void }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const runs = useQuery({ queryKey: queryKeys.inspectRuns, queryFn: () => api.inspect.runs({ limit: 50 }) });
  const list = runs.data ?? [];

  const [error, setError] = useState<string | null>(null);
  const remove = async (r: RunListItem) => {
    try {
      await api.inspect.deleteRun({ runId: r.runId });
      setError(null);
      // the screen keeps showing what it shows, but the URL no longer names a run that is gone
      if (r.runId === currentRunId) setRunInHash(null);
    } catch (err) {
      setError(`Could not delete the run: ${errorMessage(err)}`);
    }
  };

  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger asChild>
        <Button variant="secondary" className="!py-1" data-testid="recent-runs-button" aria-label="Recent runs">
          Recent runs{list.length > 0 && <span className="ml-1 text-zinc-500">({list.length})</span>}
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={6}
          collisionPadding={12}
          data-testid="recent-runs"
          aria-label="Recent runs"
          className="z-50 max-h-[min(480px,70vh)] w-[440px] overflow-y-auto rounded-lg border border-zinc-200 bg-white p-1.5 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {error && (
            <p role="alert" className="px-2 py-2 text-[12.5px] text-red-600 dark:text-red-400">
              {error}
            </p>
          )}
          {runs.error && (
            <p className="px-2 py-3 text-[12.5px] text-red-600 dark:text-red-400">Could not load the runs: {runs.error.message}</p>
          )}
          {!runs.error && list.length === 0 && (
            <p className="px-2 py-3 text-[12.5px] text-zinc-500">
              No runs yet. Runs on the Activations and Gradients tabs are kept here, also after a restart.
            </p>
          )}
          <ul className="space-y-0.5">
            {list.map((r) => (
              <li key={r.runId} data-run-id={r.runId} className="group flex items-start gap-1">
                <button
                  type="button"
                  onClick={() => {
                    setOpen(false);
                    onOpen(r.runId);
                  }}
                  aria-current={r.runId === currentRunId ? 'true' : undefined}
                  className={`min-w-0 flex-1 rounded-md px-2 py-1.5 text-left hover:bg-zinc-100 dark:hover:bg-zinc-800 ${
                    r.runId === currentRunId ? 'bg-accent-50 dark:bg-accent-500/10' : ''
                  }`}
                >
                  <div className="flex items-center gap-2">
                    <span
                      className={`shrink-0 rounded px-1.5 py-px text-[10.5px] font-semibold tracking-wide uppercase ${
                        r.kind === 'gradients'
                          ? 'bg-amber-100 text-amber-800 dark:bg-amber-500/15 dark:text-amber-300'
                          : 'bg-sky-100 text-sky-800 dark:bg-sky-500/15 dark:text-sky-300'
                      }`}
                    >
                      {r.kind === 'gradients' ? 'grad' : 'act'}
                    </span>
                    <span className="truncate font-mono text-[12.5px] text-zinc-800 dark:text-zinc-200">
                      {oneLine(r.prompt)}
                      {r.target && <span className="text-zinc-500"> → {oneLine(r.target)}</span>}
                    </span>
                  </div>
                  <div className="mt-0.5 flex gap-2 text-[11.5px] whitespace-nowrap text-zinc-500">
                    <span className="shrink-0">{r.headline}</span>
                    <span className="shrink-0">· {r.tokenCount} tokens</span>
                    <span className="min-w-0 truncate" title={r.modelPath}>
                      · {modelName(r.modelPath)}
                    </span>
                    <span className="ml-auto shrink-0">{when(r.createdAt)}</span>
                  </div>
                </button>
                <button
                  type="button"
                  onClick={() => void remove(r)}
                  aria-label={`Delete run ${oneLine(r.prompt)}`}
                  className="mt-1 shrink-0 rounded px-1.5 py-1 text-[12px] text-zinc-400 opacity-0 group-hover:opacity-100 hover:bg-zinc-100 hover:text-red-600 focus:opacity-100 dark:hover:bg-zinc-800"
                >
                  ✕
                </button>
              </li>
            ))}
          </ul>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 60 ? `${t.slice(0, 59)}…` : t;
}

function modelName(path: string): string {
  return (path.split(/[\\/]/).pop() ?? path).replace(/\.gguf$/i, '');
}

function when(ms: number): string {
  const d = new Date(ms);
  const today = new Date();
  return d.toDateString() === today.toDateString()
    ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
