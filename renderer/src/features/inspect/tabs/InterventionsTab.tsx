// Interventions: zero or scale an attention head or an MLP unit, or add a steering vector (the
// difference of two prompts' residual streams at a layer), rerun, and compare the next-token
// distribution before and after.
import { useEffect, useState } from 'react';
import type { InspectRun, Intervention, InterventionResult } from '../../../../../electron/core/api/inspect.ts';
import { useApi } from '../../../api/hooks.ts';
import { Button } from '../../../components/ui.tsx';
import { textInputClass } from '../../../components/fields.tsx';
import { ChartFrame } from '../../../components/charts/ChartFrame.tsx';
import { formatNumber } from '../../../components/charts/format.ts';
import { JobStatus, NumberInput, Select, Td, Th } from '../Controls.tsx';
import { delta, pct } from '../format.ts';
import { NeedsRun } from '../InspectScreen.tsx';
import { TokenChips } from '../TokenChips.tsx';
import { useJob } from '../useJob.ts';
import { tokenLabel } from '../TokenLabel.tsx';

type Draft = Intervention & { key: number };
let nextKey = 1;

export function InterventionsTab({
  run,
  position,
  setPosition,
}: {
  run: InspectRun | null;
  position: number | null;
  setPosition(p: number): void;
}) {
  const api = useApi();
  const job = useJob<InterventionResult>();
  const [drafts, setDrafts] = useState<Draft[]>([{ key: 0, kind: 'head', layer: 0, head: 0, scale: 0 }]);
  const [result, setResult] = useState<InterventionResult | null>(null);
  useEffect(() => setResult((r) => (r && r.runId === run?.runId ? r : null)), [run]);
  if (!run) return <NeedsRun />;
  const pos = Math.min(position ?? run.tokens.length - 1, run.tokens.length - 1);
  const update = (key: number, patch: Partial<Intervention>) =>
    setDrafts((ds) => ds.map((d) => (d.key === key ? ({ ...d, ...patch } as Draft) : d)));
  const add = (kind: Intervention['kind']) =>
    setDrafts((ds) => [
      ...ds,
      kind === 'head'
        ? { key: nextKey++, kind, layer: 0, head: 0, scale: 0 }
        : kind === 'mlp'
          ? { key: nextKey++, kind, layer: 0, unit: run.mlp[0]?.topUnits[0]?.unit ?? 0, scale: 0 }
          : { key: nextKey++, kind, layer: Math.floor(run.model.layers / 2), promptA: 'Love', promptB: 'Hate', scale: 4, from: 'mean' },
    ]);
  const apply = async () => {
    const interventions = drafts.map(({ key: _key, ...iv }) => iv as Intervention);
    const r = await job.start(() => api.inspect.intervene({ runId: run.runId, interventions, position: pos, topK: 10 }));
    if (r) setResult(r);
  };
  const layers = Array.from({ length: run.model.layers }, (_, l) => ({
    value: l,
    label: `${l}${run.model.sliding[l] ? ' (local)' : ' (global)'}`,
  }));

  return (
    <div className="space-y-4">
      <p className="text-[12.5px] text-zinc-500">
        Next-token distribution after token #{pos} “{tokenLabel(run.tokens[pos])}” (click a token to change):
      </p>
      <TokenChips tokens={run.tokens} selected={pos} onSelect={setPosition} testId="intervention-token-chips" />
      <div className="space-y-2" data-testid="intervention-list">
        {drafts.map((d, i) => (
          <div
            key={d.key}
            className="flex flex-wrap items-center gap-3 rounded-lg bg-zinc-50 px-3 py-2 ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
            data-testid={`intervention-${i}`}
          >
            <span className="w-24 text-[12.5px] font-medium">
              {d.kind === 'head' ? 'Attention head' : d.kind === 'mlp' ? 'MLP unit' : 'Steering'}
            </span>
            <Select
              label="layer"
              testId={`iv-layer-${i}`}
              value={d.layer}
              onChange={(layer) => update(d.key, { layer })}
              options={layers}
            />
            {d.kind === 'head' && (
              <Select
                label="head"
                testId={`iv-head-${i}`}
                value={d.head}
                onChange={(head) => update(d.key, { head })}
                options={Array.from({ length: run.model.heads }, (_, h) => ({ value: h, label: String(h) }))}
              />
            )}
            {d.kind === 'mlp' && (
              <NumberInput
                label="unit"
                testId={`iv-unit-${i}`}
                value={d.unit}
                min={0}
                max={run.model.ffn - 1}
                onChange={(unit) => update(d.key, { unit })}
              />
            )}
            {d.kind === 'steer' && (
              <>
                <input
                  aria-label="steer toward"
                  data-testid={`iv-promptA-${i}`}
                  value={d.promptA}
                  onChange={(e) => update(d.key, { promptA: e.target.value })}
                  className={`w-32 ${textInputClass}`}
                />
                <span className="text-[12px] text-zinc-500">minus</span>
                <input
                  aria-label="steer away from"
                  data-testid={`iv-promptB-${i}`}
                  value={d.promptB}
                  onChange={(e) => update(d.key, { promptB: e.target.value })}
                  className={`w-32 ${textInputClass}`}
                />
                <Select
                  label="from"
                  value={d.from}
                  onChange={(from) => update(d.key, { from })}
                  options={[
                    { value: 'mean', label: 'mean of tokens' },
                    { value: 'last', label: 'last token' },
                  ]}
                />
              </>
            )}
            <NumberInput label="scale" testId={`iv-scale-${i}`} value={d.scale} step={0.1} onChange={(scale) => update(d.key, { scale })} />
            {d.kind !== 'steer' && <ScaleEffect kind={d.kind} scale={d.scale} testId={`iv-effect-${i}`} />}
            <Button
              variant="ghost"
              className="!px-2 !py-1"
              aria-label="Remove intervention"
              onClick={() => setDrafts((ds) => ds.filter((x) => x.key !== d.key))}
            >
              ✕
            </Button>
          </div>
        ))}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button
          onClick={() => add('head')}
          title="Adds an ablation of one attention head (scale 0); change the scale to weaken or amplify it instead"
        >
          + Head
        </Button>
        <Button
          onClick={() => add('mlp')}
          title="Adds an ablation of one MLP unit (scale 0); change the scale to weaken or amplify it instead"
        >
          + MLP unit
        </Button>
        <Button onClick={() => add('steer')}>+ Steering vector</Button>
        <Button variant="primary" onClick={apply} disabled={drafts.length === 0 || job.state === 'running'}>
          Rerun with interventions
        </Button>
      </div>
      <JobStatus job={job} label="Rerunning" testId="intervention-job" />
      {result && (
        <ChartFrame
          title={`Next token after #${result.position}: before → after`}
          description={`KL(before ‖ after) = ${formatNumber(result.kl)} nats${result.steeringNorms.length ? ` · ‖steering vector‖ = ${result.steeringNorms.map((n) => n.toFixed(3)).join(', ')}` : ''}`}
          name="intervention"
          csv={() => [
            ['token_id', 'token', 'before', 'after', 'delta'],
            ...result.changes.map((c) => [c.id, c.text, c.before, c.after, c.delta]),
          ]}
          json={() => result}
        >
          <table className="w-full max-w-2xl" data-testid="intervention-result" data-kl={result.kl}>
            <thead>
              <tr>
                <Th>token</Th>
                <Th right>before</Th>
                <Th right>after</Th>
                <Th right>Δ (pp)</Th>
                <Th> </Th>
              </tr>
            </thead>
            <tbody>
              {result.changes.map((c) => (
                <tr
                  key={c.id}
                  className="border-t border-zinc-100 dark:border-zinc-800"
                  data-token-id={c.id}
                  data-before={c.before}
                  data-after={c.after}
                  data-delta={c.delta}
                >
                  <Td mono>{c.text}</Td>
                  <Td right mono>
                    {pct(c.before)}
                  </Td>
                  <Td right mono>
                    {pct(c.after)}
                  </Td>
                  <Td right mono className={c.delta > 0 ? 'text-emerald-600' : c.delta < 0 ? 'text-red-600' : ''}>
                    {delta(c.delta)}
                  </Td>
                  <Td>
                    <DeltaBar before={c.before} after={c.after} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </table>
        </ChartFrame>
      )}
    </div>
  );
}

function DeltaBar({ before, after }: { before: number; after: number }) {
  return (
    <div className="relative h-3 w-48 rounded bg-zinc-100 dark:bg-zinc-800" aria-hidden="true">
      <div className="absolute inset-y-0 left-0 rounded bg-zinc-400/60" style={{ width: `${before * 100}%` }} />
      <div className="absolute inset-y-[3px] left-0 rounded bg-accent-500" style={{ width: `${after * 100}%` }} />
    </div>
  );
}

/** Says in words what a head/unit scale does: 0 ablates (removes it), 1 leaves it, anything else multiplies it. */
function ScaleEffect({ kind, scale, testId }: { kind: 'head' | 'mlp'; scale: number; testId: string }) {
  const what = kind === 'head' ? "this head's output" : "this unit's activation";
  const [label, explain] =
    scale === 0
      ? ['Ablate (scale 0)', `${what} is set to zero: the rerun shows what the model does without it.`]
      : scale === 1
        ? ['No change (scale 1)', `${what} is multiplied by 1: the rerun is the same as before.`]
        : [
            `Scale ×${scale}`,
            `${what} is multiplied by ${scale}${scale < 0 ? ' (its sign flipped)' : scale < 1 ? ' (weakened)' : ' (amplified)'}.`,
          ];
  return (
    <span className="flex items-center gap-1.5 text-[12px]" data-testid={testId} title={explain}>
      <span
        className={`rounded px-1.5 py-0.5 font-medium ${scale === 0 ? 'bg-amber-100 text-amber-900 dark:bg-amber-500/15 dark:text-amber-200' : 'bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300'}`}
      >
        {label}
      </span>
      <span className="text-zinc-500 dark:text-zinc-400">{explain}</span>
    </span>
  );
}
