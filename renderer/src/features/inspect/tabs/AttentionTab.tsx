// Attention patterns per layer and head as query × key maps. Cells a query cannot see (the future,
// and on local layers everything before the sliding window) are grey, so the window is visible.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AttentionMap, InspectRun } from '../../../../../electron/core/api/inspect.ts';
import { useApi } from '../../../api/hooks.ts';
import { ChartFrame } from '../../../components/charts/ChartFrame.tsx';
import { Heatmap } from '../../../components/charts/Heatmap.tsx';
import { ErrorNote, Select, Td, Th } from '../Controls.tsx';
import { num } from '../format.ts';
import { NeedsRun } from '../InspectScreen.tsx';
import { errorMessage } from '../../../../../electron/core/api/errors.ts';

export function AttentionTab({ run }: { run: InspectRun | null }) {
  const api = useApi();
  const [layer, setLayer] = useState(0);
  const [head, setHead] = useState(0);
  const [maps, setMaps] = useState<AttentionMap[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!run) return;
    let live = true;
    setError(null);
    // every head of the layer at once: the small multiples below, and the big map of the chosen one
    const l = Math.min(layer, run.model.layers - 1);
    Promise.all(Array.from({ length: run.model.heads }, (_, h) => api.inspect.attention({ runId: run.runId, layer: l, head: h }))).then(
      (ms) => live && setMaps(ms),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [api, run, layer]);
  const map = maps.find((m) => m.head === head && m.layer === layer) ?? null;

  const sliding = map?.sliding ?? false;
  const window = map?.window ?? 0;
  const masked = useCallback((q: number, k: number) => k > q || (sliding && k <= q - window), [sliding, window]);
  const labels = useMemo(() => run?.tokens.map((t) => t.text) ?? [], [run]);
  if (!run) return <NeedsRun />;
  const heads = run.heads.filter((h) => h.layer === layer);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-4">
        <Select
          label="Layer"
          testId="attention-layer"
          value={layer}
          onChange={(v) => setLayer(Number(v))}
          options={run.model.sliding.map((s, l) => ({ value: l, label: `${l} (${s ? `local, window ${run.model.window}` : 'global'})` }))}
        />
        <Select
          label="Head"
          testId="attention-head"
          value={head}
          onChange={(v) => setHead(Number(v))}
          options={Array.from({ length: run.model.heads }, (_, h) => ({ value: h, label: String(h) }))}
        />
      </div>
      {error && <ErrorNote>{error}</ErrorNote>}
      {maps.length > 0 && maps[0].runId === run.runId && (
        <div className="flex flex-wrap gap-3" data-testid="attention-heads">
          {maps.map((m) => (
            <button
              key={m.head}
              type="button"
              aria-pressed={m.head === head}
              aria-label={`Show head ${m.head}`}
              onClick={() => setHead(m.head)}
              className={`rounded-lg p-1.5 text-left ring-1 ${m.head === head ? 'ring-2 ring-accent-500' : 'ring-zinc-200 hover:ring-zinc-400 dark:ring-zinc-700'}`}
            >
              <div className="mb-1 text-[11.5px] font-medium text-zinc-600 dark:text-zinc-400">head {m.head}</div>
              <Heatmap
                testId={`attention-head-${m.head}`}
                label={`Layer ${m.layer} head ${m.head} (small)`}
                values={m.data}
                rows={m.queries}
                cols={m.keys}
                range={[0, 1]}
                masked={masked}
                maxWidth={200}
                maxCell={6}
                legend={false}
              />
            </button>
          ))}
        </div>
      )}
      {map && map.runId === run.runId && (
        <ChartFrame
          title={`Layer ${map.layer}, head ${map.head} — ${map.sliding ? `local: each token sees the last ${map.window}` : 'global: each token sees every earlier token'}`}
          description="Rows: the query token; columns: the key it attends to. Grey: not visible to that query."
          name={`attention-L${map.layer}-H${map.head}`}
          csv={() => [
            ['query\\key', ...labels],
            ...labels.map((l, q) => [l, ...Array.from(map.data.subarray(q * map.keys, (q + 1) * map.keys))]),
          ]}
          json={() => map}
        >
          <Heatmap
            testId="attention-map"
            label={`Attention of layer ${map.layer} head ${map.head}`}
            values={map.data}
            rows={map.queries}
            cols={map.keys}
            rowLabels={labels}
            colLabels={labels}
            range={[0, 1]}
            masked={masked}
            maxWidth={760}
            maxCell={22}
            describe={(q, k, v) =>
              `${JSON.stringify(labels[q])} → ${JSON.stringify(labels[k])}: ${(v * 100).toFixed(2)}%${masked(q, k) ? ' (not visible)' : ''}`
            }
          />
        </ChartFrame>
      )}
      <ChartFrame
        title={`Heads of layer ${layer}`}
        description="Mean attention entropy; near 0 means the head looks at one token only."
        name={`heads-L${layer}`}
      >
        <table className="max-w-md" data-testid="head-entropy">
          <thead>
            <tr>
              <Th>head</Th>
              <Th right>entropy (nats)</Th>
              <Th right>normalised</Th>
            </tr>
          </thead>
          <tbody>
            {heads.map((h) => (
              <tr
                key={h.head}
                className={`cursor-pointer border-t border-zinc-100 dark:border-zinc-800 ${h.head === head ? 'bg-accent-50 dark:bg-accent-500/10' : ''}`}
                onClick={() => setHead(h.head)}
              >
                <Td mono>{h.head}</Td>
                <Td right mono>
                  {num(h.entropy)}
                </Td>
                <Td right mono>
                  {num(h.normalizedEntropy)}
                </Td>
              </tr>
            ))}
          </tbody>
        </table>
      </ChartFrame>
    </div>
  );
}
