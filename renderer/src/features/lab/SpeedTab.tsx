// Speed: measure the active model on every backend and thread count this machine has, and on our
// engine; compare with earlier runs or with a run exported on another machine.
import { useEffect, useState } from 'react';
import type { SpeedConfig, SpeedPlan, SpeedRun } from '../../../../electron/core/api/lab.ts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';
import { downloadFile } from '../../components/download.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { Button } from '../../components/ui.tsx';
import { useJob } from '../inspect/useJob.ts';
import { SpeedChart } from './SpeedChart.tsx';
import { fmtMs, fmtRate } from './format.ts';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

const keyOf = (c: SpeedConfig) => `${c.engine}:${c.backend}:${c.threads}`;
const labelOf = (c: SpeedConfig) =>
  `${c.engine === 'glassbox' ? 'Glassbox engine' : `llama.cpp ${c.backend.toUpperCase()}`} · ${c.threads} thread${c.threads === 1 ? '' : 's'}`;

export function SpeedTab() {
  const api = useApi();
  const queries = useQueryClient();
  const plan = useQuery<SpeedPlan>({ queryKey: queryKeys.labSpeedPlan, queryFn: () => api.lab.speedPlan({}) });
  const runs = useQuery<SpeedRun[]>({ queryKey: queryKeys.labSpeedRuns, queryFn: () => api.lab.speedRuns({}) });
  const reloadRuns = () => void queries.invalidateQueries({ queryKey: queryKeys.labSpeedRuns });
  const job = useJob<SpeedRun>();
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const [compare, setCompare] = useState<Set<string>>(new Set());
  const [importError, setImportError] = useState<string | null>(null);

  useEffect(() => {
    if (plan.data && chosen === null) setChosen(new Set(plan.data.configs.map(keyOf)));
  }, [plan.data, chosen]);

  const configs = plan.data?.configs ?? [];
  const run = async () => {
    const picked = configs.filter((c) => chosen?.has(keyOf(c)));
    const r = await job.start(() => api.lab.speedRun({ configs: picked }));
    if (r) {
      reloadRuns();
      setCompare(new Set([r.id]));
    }
  };
  const shown = (runs.data ?? []).filter((r) => compare.has(r.id));
  const latest = runs.data?.[0];
  const visible = shown.length ? shown : latest ? [latest] : [];

  const exportRun = async (id: string) => {
    const { fileName, json } = await api.lab.speedExport({ id });
    downloadFile({ fileName, mimeType: 'application/json', content: json });
  };
  const importRun = async (file: File) => {
    setImportError(null);
    try {
      const r = await api.lab.speedImport({ json: await file.text() });
      reloadRuns();
      setCompare((s) => new Set([...s, r.id]));
    } catch (err) {
      setImportError(errorMessage(err));
    }
  };

  return (
    <div className="space-y-5">
      <section className="space-y-3">
        <p className="max-w-[70ch] text-[13px] text-zinc-600 dark:text-zinc-400">
          Times the active model's prefill (reading a prompt) and decode (writing one token at a time) on each configuration below, the same
          way <code>npm run bench</code> does. A chat reply that is being written goes first: the lab waits for it.
        </p>
        {plan.error && <p className="text-[13px] text-red-600">{plan.error.message}</p>}
        {plan.data && (
          <p className="text-[12.5px] text-zinc-500">
            This machine: {plan.data.machine.label} · {plan.data.machine.backendBuild}
          </p>
        )}
        <fieldset className="flex flex-wrap gap-x-4 gap-y-1.5" aria-label="Configurations to measure">
          {configs.map((c) => (
            <label key={keyOf(c)} className="inline-flex items-center gap-1.5 text-[13px]">
              <input
                type="checkbox"
                checked={chosen?.has(keyOf(c)) ?? false}
                onChange={(e) =>
                  setChosen((s) => {
                    const n = new Set(s ?? []);
                    if (e.target.checked) n.add(keyOf(c));
                    else n.delete(keyOf(c));
                    return n;
                  })
                }
              />
              {labelOf(c)}
            </label>
          ))}
        </fieldset>
        <div className="flex items-center gap-2">
          <Button variant="primary" onClick={() => void run()} disabled={job.state === 'running' || !chosen?.size} data-testid="speed-run">
            Measure
          </Button>
          {job.state === 'running' && (
            <Button variant="ghost" onClick={job.cancel}>
              Cancel
            </Button>
          )}
          <label className="ml-auto inline-flex cursor-pointer items-center text-[13px] text-accent-700 hover:underline dark:text-accent-400">
            Import a run…
            <input
              type="file"
              accept="application/json,.json"
              className="sr-only"
              onChange={(e) => e.target.files?.[0] && void importRun(e.target.files[0])}
            />
          </label>
        </div>
        {job.state === 'running' && <ProgressBar value={job.progress} label={job.message || 'Starting'} />}
        {job.state === 'failed' && <p className="text-[13px] text-red-600">The speed run failed: {job.error}</p>}
        {importError && <p className="text-[13px] text-red-600">{importError}</p>}
      </section>

      {visible.length > 0 && (
        <section className="space-y-3">
          <SpeedChart runs={visible} />
          {visible.map((r) => (
            <table key={r.id} className="w-full max-w-[760px] text-left text-[12.5px]" data-testid="speed-table">
              <caption className="pb-1 text-left text-[12px] text-zinc-500">
                {r.modelName} ({r.quantization}) on {r.machine.label}, {new Date(r.createdAt).toLocaleString()}
                {r.imported ? ' · imported' : ''}
              </caption>
              <thead className="text-zinc-500">
                <tr>
                  <th className="py-1 pr-3 font-medium">Configuration</th>
                  <th className="py-1 pr-3 text-right font-medium">Prefill tok/s</th>
                  <th className="py-1 pr-3 text-right font-medium">First token</th>
                  <th className="py-1 pr-3 text-right font-medium">Decode tok/s</th>
                  <th className="py-1 text-right font-medium">Memory</th>
                </tr>
              </thead>
              <tbody>
                {r.results.map((x) => (
                  <tr key={x.label} className="border-t border-zinc-200 dark:border-zinc-800">
                    <td className="py-1 pr-3">{x.label}</td>
                    {x.error ? (
                      <td colSpan={4} className="py-1 text-red-600">
                        {x.error}
                      </td>
                    ) : (
                      <>
                        <td className="py-1 pr-3 text-right tabular-nums">
                          {x.prefill.map((p) => `${fmtRate(p.tokensPerSecond)} (${p.promptTokens})`).join(' · ')}
                        </td>
                        <td className="py-1 pr-3 text-right tabular-nums">
                          {x.prefill.length ? fmtMs(x.prefill[x.prefill.length - 1].timeToFirstTokenMs) : '—'}
                        </td>
                        <td className="py-1 pr-3 text-right tabular-nums">{fmtRate(x.decodeTokensPerSecond)}</td>
                        <td className="py-1 text-right tabular-nums">{x.memoryMiB.toFixed(0)} MiB</td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </section>
      )}

      {(runs.data?.length ?? 0) > 0 && (
        <section className="space-y-1.5">
          <h2 className="text-[13px] font-semibold">Runs</h2>
          <p className="text-[12px] text-zinc-500">Tick runs to compare them in the chart (other models, quantizations, machines).</p>
          <ul className="space-y-1">
            {runs.data!.map((r) => (
              <li key={r.id} className="flex items-center gap-2 text-[12.5px]">
                <input
                  type="checkbox"
                  aria-label={`Compare the run of ${new Date(r.createdAt).toLocaleString()}`}
                  checked={compare.has(r.id) || (compare.size === 0 && r.id === latest?.id)}
                  onChange={(e) =>
                    setCompare((s) => {
                      const n = new Set(s.size ? s : latest ? [latest.id] : []);
                      if (e.target.checked) n.add(r.id);
                      else n.delete(r.id);
                      return n;
                    })
                  }
                />
                <span className="min-w-0 truncate">
                  {r.modelName} ({r.quantization}) · {r.machine.cpu} · {new Date(r.createdAt).toLocaleString()}
                  {r.imported ? ' · imported' : ''}
                </span>
                <Button variant="ghost" className="!px-2 !py-0.5" onClick={() => void exportRun(r.id)}>
                  Export
                </Button>
                <Button variant="ghost" className="!px-2 !py-0.5" onClick={() => void api.lab.speedRemove({ id: r.id }).then(reloadRuns)}>
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
