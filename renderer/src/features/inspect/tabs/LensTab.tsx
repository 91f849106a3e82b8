// Logit lens: each layer's residual stream read through the final norm and the tied head — what the
// model would predict next if it stopped at that layer. The grid shows the top-1 probability for
// every position computed so far; the table shows the top 5 per layer at the selected position.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { InspectRun, LensAt } from '../../../../../electron/core/api/inspect.ts';
import { useApi } from '../../../api/hooks.ts';
import { ChartFrame } from '../../../components/charts/ChartFrame.tsx';
import { Heatmap } from '../../../components/charts/Heatmap.tsx';
import { Button } from '../../../components/ui.tsx';
import { ErrorNote, JobStatus, Td, Th } from '../Controls.tsx';
import { useJob } from '../useJob.ts';
import { layerName, pct } from '../format.ts';
import { NeedsRun } from '../InspectScreen.tsx';
import { TokenLabel, tokenKindName, tokenLabel } from '../TokenLabel.tsx';
import { TokenChips } from '../TokenChips.tsx';
import { errorMessage } from '../../../../../electron/core/api/errors.ts';

const K = 5;

export function LensTab({ run, position, setPosition }: { run: InspectRun | null; position: number | null; setPosition(p: number): void }) {
  const api = useApi();
  const [lens, setLens] = useState<Map<number, LensAt>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const all = useJob<LensAt[]>();

  const current = useRef<string | null>(null);
  useEffect(() => {
    current.current = run?.runId ?? null;
    setLens(new Map(run?.lens.map((l) => [l.position, l]) ?? []));
  }, [run]);
  const pos = run ? Math.min(position ?? run.tokens.length - 1, run.tokens.length - 1) : 0;
  useEffect(() => {
    if (!run || lens.has(pos)) return;
    // Not cancelled on re-render: the answer is cached by position whenever it comes.
    setError(null);
    const runId = run.runId;
    api.inspect.lens({ runId, position: pos, topK: 10 }).then(
      (l) => current.current === runId && setLens((m) => new Map(m).set(pos, l)),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, [api, run, pos, lens]);

  const grid = useMemo(() => {
    if (!run) return null;
    const L = run.layerStats.length,
      T = run.tokens.length;
    const values = new Float32Array(L * T).fill(NaN);
    const top = new Array<string>(L * T).fill('');
    for (const [p, l] of lens)
      l.layers.forEach((r, i) => ((values[i * T + p] = r.top[0]?.prob ?? NaN), (top[i * T + p] = r.top[0] ? tokenLabel(r.top[0]) : '')));
    return { values, top, L, T };
  }, [run, lens]);

  // The emb row: the input embedding read through the tied head. What it really shows is measured
  // here (how often its top token is the input token itself), not assumed.
  const embSelf = useMemo(() => {
    if (!run) return { computed: 0, self: 0, meanTop: 0 };
    let computed = 0,
      self = 0,
      sum = 0;
    for (const [p, l] of lens) {
      const emb = l.layers.find((r) => r.layer < 0);
      if (!emb?.top[0]) continue;
      computed++;
      sum += emb.top[0].prob;
      if (emb.top[0].id === run.tokens[p]?.id) self++;
    }
    return { computed, self, meanTop: computed ? sum / computed : 0 };
  }, [run, lens]);

  if (!run || !grid) return <NeedsRun />;
  const at = lens.get(pos);
  const computeAll = async () => {
    const runId = run.runId;
    const r = await all.start(() => api.inspect.lensAll({ runId, topK: 10 }));
    if (r && current.current === runId) setLens(new Map(r.map((l) => [l.position, l])));
  };
  const rowLabels = run.layerStats.map((s) => layerName(s.layer));
  return (
    <div className="space-y-4">
      <TokenChips tokens={run.tokens} selected={pos} onSelect={setPosition} testId="lens-token-chips" />
      <ChartFrame
        title="Top-1 probability per layer and position"
        description={
          lens.size < run.tokens.length
            ? `Computed for ${lens.size} of ${run.tokens.length} positions (the vocabulary is large: click a token to compute its column).`
            : 'Hover a cell to see the token.'
        }
        name="logit-lens-grid"
        actions={
          lens.size < run.tokens.length && all.state !== 'running' ? (
            <Button className="!py-1 text-[12px]" onClick={computeAll}>
              Compute every position
            </Button>
          ) : undefined
        }
      >
        <div className="mb-2">
          <JobStatus job={all} label="Computing the lens" testId="lens-all-job" />
        </div>
        <Heatmap
          testId="lens-grid"
          label="Logit lens top-1 probability"
          values={grid.values}
          rows={grid.L}
          cols={grid.T}
          rowLabels={rowLabels}
          colLabels={run.tokens.map(tokenLabel)}
          range={[0, 1]}
          masked={(r, c) => Number.isNaN(grid.values[r * grid.T + c])}
          selectedCol={pos}
          onCellClick={(_, c) => setPosition(c)}
          describe={(r, c, v) =>
            Number.isNaN(v)
              ? `#${c}: not computed yet (click)`
              : `${rowLabels[r]} · #${c}: “${grid.top[r * grid.T + c]}” ${(v * 100).toFixed(1)}%${
                  r === 0 && grid.top[r * grid.T + c] === run.tokens[c]?.text ? ' (the input token itself: tied embedding and head)' : ''
                }`
          }
        />
        {embSelf.computed > 0 && (
          <p className="mt-2 text-[12px] text-zinc-600 dark:text-zinc-400" data-testid="lens-emb-note">
            <span className="font-mono font-medium">emb</span> row: at {embSelf.self} of {embSelf.computed} position
            {embSelf.computed === 1 ? '' : 's'} its top token is the input token itself. Gemma ties the output head to the embedding matrix,
            so an embedding read straight through the head scores highest against its own row (a vector's dot product with itself), often
            with a probability near 1 (here {pct(embSelf.meanTop, 1)} on average): that is why the row is nearly one colour. It shows what
            the model reads, not a prediction; the layers below show the prediction forming.
          </p>
        )}
      </ChartFrame>
      {error && <ErrorNote>{error}</ErrorNote>}
      <ChartFrame
        title={`Predictions after token #${pos} ${tokenLabel(run.tokens[pos])}`}
        description="Each row: the layer's residual stream through the final norm and the tied head. The last row is the model's own output."
        name={`logit-lens-pos${pos}`}
        csv={
          at
            ? () => [
                ['layer', 'rank', 'token_id', 'token', 'prob', 'logit'],
                ...at.layers.flatMap((r) => r.top.map((t, i) => [layerName(r.layer), i + 1, t.id, t.text, t.prob, t.logit])),
              ]
            : undefined
        }
        json={at ? () => at : undefined}
      >
        {!at ? (
          <p className="text-[12.5px] text-zinc-500">Computing the lens at this position…</p>
        ) : (
          <table className="w-full" data-testid="lens-table" data-position={at.position}>
            <thead>
              <tr>
                <Th>layer</Th>
                {Array.from({ length: K }, (_, i) => (
                  <Th key={i}>#{i + 1}</Th>
                ))}
                <Th right>entropy</Th>
              </tr>
            </thead>
            <tbody>
              {at.layers.map((r) => (
                <tr key={r.layer} className="border-t border-zinc-100 dark:border-zinc-800" data-layer={r.layer}>
                  <Td mono>{layerName(r.layer)}</Td>
                  {r.top.slice(0, K).map((t) => (
                    <Td key={t.id} className="whitespace-nowrap">
                      <span className="lens-token font-mono" data-token-id={t.id} data-prob={t.prob} title={tokenKindName(t.kind)}>
                        <TokenLabel token={t} />
                      </span>{' '}
                      <span className="text-[11px] text-zinc-500">{pct(t.prob, 1)}</span>
                    </Td>
                  ))}
                  <Td right mono>
                    {r.entropy.toFixed(2)}
                  </Td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ChartFrame>
    </div>
  );
}
