// Check this model: our engine against llama.cpp on the active model, with a verdict in plain words
// and the numbers behind it, stored with the model. The inspectors read the same verdict.
import type { StoredCheck } from '../../../../electron/core/api/lab.ts';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { Button } from '../../components/ui.tsx';
import { useJob } from '../inspect/useJob.ts';
import { fmtPct } from './format.ts';

export function CheckTab() {
  const api = useApi();
  const latest = useQuery<StoredCheck | null>({ queryKey: [...queryKeys.labChecks, 'active'], queryFn: () => api.lab.latestCheck({}) });
  const job = useJob<StoredCheck>();
  const check = job.result ?? latest.data ?? null;

  return (
    <div className="max-w-[820px] space-y-4">
      <p className="text-[13px] text-zinc-600 dark:text-zinc-400">
        Runs a few prompts through our engine and through llama.cpp (CPU backend) and compares their next-token probabilities at every
        position, their most likely tokens and a greedy continuation. Where they disagree beyond the rounding this model's weight type
        explains, the inspectors say so on their own screens.
      </p>
      <div className="flex items-center gap-2">
        <Button
          variant="primary"
          onClick={() => void job.start(() => api.lab.check({}))}
          disabled={job.state === 'running'}
          data-testid="check-run"
        >
          Check the active model
        </Button>
        {job.state === 'running' && (
          <Button variant="ghost" onClick={job.cancel}>
            Cancel
          </Button>
        )}
      </div>
      {job.state === 'running' && <ProgressBar value={job.progress} label={job.message || 'Starting'} />}
      {job.state === 'failed' && <p className="text-[13px] text-red-600">The check could not run: {job.error}</p>}
      {latest.error && <p className="text-[13px] text-red-600">{latest.error.message}</p>}
      {check && <CheckReport check={check} />}
    </div>
  );
}

function CheckReport({ check }: { check: StoredCheck }) {
  const r = check.result;
  return (
    <section className="space-y-3" data-testid="check-report">
      <div
        role="status"
        data-testid="check-verdict"
        data-ok={check.ok}
        className={`rounded-md px-3 py-2 text-[13px] ring-1 ${
          check.ok
            ? 'bg-emerald-50 text-emerald-900 ring-emerald-200 dark:bg-emerald-950/40 dark:text-emerald-200 dark:ring-emerald-900'
            : 'bg-red-50 text-red-900 ring-red-200 dark:bg-red-950/40 dark:text-red-200 dark:ring-red-900'
        }`}
      >
        <p className="font-medium">{r.verdict.headline}</p>
        <p className="mt-0.5 text-[12px] opacity-80">
          {check.modelName} ({check.quantization}) · checked {new Date(check.createdAt).toLocaleString()} · bound {fmtPct(r.bound.tv)} total
          variation ({r.bound.why}
          {r.boundMeasured ? '' : `; measured for ${r.bound.measuredFor}, borrowed`})
        </p>
      </div>
      {r.verdict.details.length > 0 && (
        <ul className="list-disc space-y-0.5 pl-5 text-[12.5px]">
          {r.verdict.details.map((d, i) => (
            <li key={i}>{d}</li>
          ))}
        </ul>
      )}
      <table className="w-full text-left text-[12.5px]">
        <thead className="text-zinc-500">
          <tr>
            <th className="py-1 pr-3 font-medium">Prompt</th>
            <th className="py-1 pr-3 text-right font-medium">Tokens</th>
            <th className="py-1 pr-3 text-right font-medium">Worst difference</th>
            <th className="py-1 pr-3 text-right font-medium">Top token differs</th>
            <th className="py-1 text-right font-medium">Greedy agrees</th>
          </tr>
        </thead>
        <tbody>
          {r.prompts.map((p, i) => (
            <tr key={i} className="border-t border-zinc-200 align-top dark:border-zinc-800">
              <td className="max-w-[320px] truncate py-1 pr-3" title={p.text}>
                {p.text.replace(/\n/g, '⏎')}
                {!p.tokenizerAgrees && <span className="ml-1 text-amber-600">(tokenized differently)</span>}
              </td>
              <td className="py-1 pr-3 text-right tabular-nums">{p.tokenCount}</td>
              <td className="py-1 pr-3 text-right tabular-nums">
                {fmtPct(p.worstTv)} <span className="text-zinc-500">at {p.worstPosition}</span>
              </td>
              <td className="py-1 pr-3 text-right tabular-nums">
                {p.argmaxMismatches.length === 0
                  ? 'never'
                  : `${p.argmaxMismatches.length}× (${p.argmaxMismatches.filter((m) => m.tolerated).length} near-ties)`}
              </td>
              <td className="py-1 text-right tabular-nums">
                {p.greedy.agreed}/{p.greedy.tokens}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <TvStrip check={check} />
      <ul className="space-y-0.5 text-[11.5px] text-zinc-500">
        {r.limits.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
    </section>
  );
}

/** Per position of each prompt: its total variation against the bound, as a row of ticks. */
function TvStrip({ check }: { check: StoredCheck }) {
  const { prompts, bound } = check.result;
  return (
    <figure className="space-y-1">
      {prompts.map((p, i) => (
        <div key={i} className="flex items-center gap-2">
          <span className="w-16 shrink-0 text-[11px] text-zinc-500">prompt {i + 1}</span>
          <div className="flex h-4 items-end gap-px">
            {p.positions.map((pos) => (
              <span
                key={pos.position}
                title={`position ${pos.position}: ${fmtPct(pos.tv)} total variation`}
                className={`inline-block w-1.5 ${pos.tv > bound.tv ? 'bg-red-500' : 'bg-emerald-500'}`}
                style={{ height: `${Math.max(15, Math.min(100, (pos.tv / bound.tv) * 100))}%` }}
              />
            ))}
          </div>
        </div>
      ))}
      <figcaption className="text-[11px] text-zinc-500">Each bar is one position; full height = the bound. Red = beyond it.</figcaption>
    </figure>
  );
}
