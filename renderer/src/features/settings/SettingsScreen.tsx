// Settings: appearance, chat (context policy), the llama.cpp backend (in use, devices, memory, layers,
// fallback; override and threads), the worker processes (state, restarts; a ping and a test job in test
// mode only: they are developer diagnostics), storage paths.
import { useState } from 'react';
import { snapshotOf, type JobSnapshot } from '../../../../electron/core/api/jobs.ts';
import type { WorkerName } from '../../../../electron/core/api/workers.ts';
import { useApi, useEvent } from '../../api/hooks.ts';
import { MonitorIcon, MoonIcon, SunIcon } from '../../components/icons.tsx';
import { Button, Card, PageHeader } from '../../components/ui.tsx';
import { useTheme, type ThemeSetting } from '../../app/theme.ts';
import { useSystemStatus } from '../../app/useSystemStatus.ts';
import { BackendSettings } from './BackendSettings.tsx';
import { ChatDefaults, ChatSettings } from './ChatSettings.tsx';

export function SettingsScreen() {
  return (
    <>
      <PageHeader title="Settings" subtitle="Appearance, chat, backend, processes and storage" />
      <div className="min-h-0 flex-1 overflow-y-auto">
        <div className="mx-auto max-w-3xl space-y-5 p-6">
          <Appearance />
          <ChatSettings />
          <ChatDefaults />
          <BackendSettings />
          <Processes />
          <Storage />
        </div>
      </div>
    </>
  );
}

function Appearance() {
  const { setting, setTheme } = useTheme();
  const options: { id: ThemeSetting; label: string; icon: typeof SunIcon }[] = [
    { id: 'light', label: 'Light', icon: SunIcon },
    { id: 'dark', label: 'Dark', icon: MoonIcon },
    { id: 'system', label: 'System', icon: MonitorIcon },
  ];
  return (
    <Card title="Appearance" description="Saved with your settings; follows the OS when set to System.">
      <div role="radiogroup" aria-label="Theme" className="inline-flex rounded-lg bg-zinc-100 p-0.5 dark:bg-zinc-800">
        {options.map((o) => {
          const IconC = o.icon;
          const checked = setting === o.id;
          return (
            <button
              key={o.id}
              type="button"
              role="radio"
              aria-checked={checked}
              onClick={() => setTheme(o.id)}
              className={`flex items-center gap-1.5 rounded-md px-3 py-1.5 text-[13px] ${
                checked
                  ? 'bg-white font-medium shadow-xs dark:bg-zinc-700'
                  : 'text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100'
              }`}
            >
              <IconC width={15} height={15} /> {o.label}
            </button>
          );
        })}
      </div>
    </Card>
  );
}

function Processes() {
  const api = useApi();
  const status = useSystemStatus();
  const [pings, setPings] = useState<Record<string, string>>({});
  const [job, setJob] = useState<JobSnapshot<{ slept: number }> | null>(null);
  useEvent('jobs.update', (j) => setJob((cur) => (cur && cur.jobId === j.jobId ? snapshotOf(cur.jobId, j) : cur)));
  // Ping and the test job are for tests and diagnosis, not for users: only in test mode
  // (GLASSBOX_TEST=1, or the host's --test-mode flag).
  const testMode = status?.testMode === true;

  const ping = async (worker: WorkerName) => {
    setPings((p) => ({ ...p, [worker]: 'pinging…' }));
    try {
      const r = await api.workers.ping({ worker, text: 'hello' });
      setPings((p) => ({ ...p, [worker]: `pong from pid ${r.pid} in ${r.roundTripMs.toFixed(1)} ms` }));
    } catch (e) {
      setPings((p) => ({ ...p, [worker]: `failed: ${(e as Error).message}` }));
    }
  };
  const runJob = async () => {
    const { jobId } = await api.workers.sleep({ worker: 'model', ms: 3000, steps: 30 });
    setJob(snapshotOf(jobId, await api.jobs.get({ jobId })));
  };

  return (
    <Card title="Processes" description="Model work runs in separate processes; if one crashes it is restarted and nothing else stops.">
      <table className="w-full text-left text-[13px]">
        <thead className="text-[11.5px] tracking-wide text-zinc-500 uppercase">
          <tr>
            <th className="pb-2 font-medium">Worker</th>
            <th className="pb-2 font-medium">State</th>
            <th className="pb-2 font-medium">PID</th>
            <th className="pb-2 font-medium">Restarts</th>
            {testMode && <th className="pb-2" />}
          </tr>
        </thead>
        <tbody>
          {status?.workers.map((w) => (
            <tr key={w.name} className="border-t border-zinc-100 align-top dark:border-zinc-800" data-testid={`worker-row-${w.name}`}>
              <td className="py-2.5 font-medium">{w.name}</td>
              <td className="py-2.5">
                <span data-testid={`worker-state-${w.name}`}>{w.state}</span>
                {w.lastError && <div className="mt-0.5 max-w-xs text-[12px] text-red-600 dark:text-red-400">last crash: {w.lastError}</div>}
              </td>
              <td className="py-2.5 font-mono text-[12px]">{w.pid ?? '—'}</td>
              <td className="py-2.5" data-testid={`worker-restarts-${w.name}`}>
                {w.restarts}
              </td>
              {testMode && (
                <td className="py-2.5 text-right">
                  <Button onClick={() => ping(w.name)} aria-label={`Ping ${w.name} worker`}>
                    Ping
                  </Button>
                  {pings[w.name] && (
                    <div className="mt-1 text-[12px] text-zinc-500" data-testid={`ping-result-${w.name}`}>
                      {pings[w.name]}
                    </div>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {testMode && (
        <div className="mt-4 flex items-center gap-3 border-t border-zinc-100 pt-4 dark:border-zinc-800" data-testid="test-mode-tools">
          <Button onClick={runJob} disabled={job?.state === 'running'}>
            Run a test job
          </Button>
          {job && (
            <div className="flex flex-1 items-center gap-3" data-testid="test-job">
              <div className="h-1.5 flex-1 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
                <div className="h-full bg-accent-500 transition-[width]" style={{ width: `${Math.round((job.progress ?? 0) * 100)}%` }} />
              </div>
              <span className="w-36 text-[12px] text-zinc-500">{job.state === 'running' ? job.message || 'starting…' : job.state}</span>
              {job.state === 'running' && (
                <Button variant="ghost" onClick={() => api.jobs.cancel({ jobId: job.jobId })}>
                  Cancel
                </Button>
              )}
            </div>
          )}
        </div>
      )}
    </Card>
  );
}

function Storage() {
  const status = useSystemStatus();
  const rows: [string, string][] = status
    ? [
        ['Database', status.database.path],
        ['Schema version', String(status.database.schemaVersion)],
        ['Data folder', status.dataDir],
        ['Models folder', status.modelsDir],
        ['Platform', `${status.platform} ${status.arch}`],
      ]
    : [];
  return (
    <Card title="Storage" description="Everything Glassbox keeps lives in one SQLite file and the models folder.">
      <dl className="grid grid-cols-[140px_1fr] gap-y-2 text-[13px]">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-zinc-500">{k}</dt>
            <dd className="selectable truncate font-mono text-[12px]" title={v}>
              {v}
            </dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
