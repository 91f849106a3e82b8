// MLP activations per layer: histogram of the GELU's input (pre-activation) with the flat tail
// below −3 marked, and saturation statistics.
import type { Histogram, InspectRun } from '../../../../../electron/core/api/inspect.ts';
import { ChartFrame } from '../../../components/charts/ChartFrame.tsx';
import { SeriesChart } from '../../../components/charts/SeriesChart.tsx';
import { Td, Th } from '../Controls.tsx';
import { num, pct } from '../format.ts';
import { NeedsRun } from '../InspectScreen.tsx';

const FLAT = -3;

export function MlpTab({ run }: { run: InspectRun | null }) {
  if (!run) return <NeedsRun />;
  return (
    <div className="space-y-4">
      <ChartFrame
        title="GELU saturation per layer"
        description="Flat: pre-activation below −3, where GELU's slope is under 0.012 and almost no gradient passes. Linear: above +3 (not saturated). Dead: units flat at every token."
        name="mlp-saturation"
        csv={() => [
          ['layer', 'flat_fraction', 'linear_fraction', 'dead_units', 'top_units'],
          ...run.mlp.map((m) => [m.layer, m.flatFraction, m.linearFraction, m.deadUnits, m.topUnits.map((u) => u.unit).join(' ')]),
        ]}
      >
        <table className="w-full max-w-3xl" data-testid="mlp-table">
          <thead>
            <tr>
              <Th>layer</Th>
              <Th right>flat</Th>
              <Th right>linear</Th>
              <Th right>dead units</Th>
              <Th>most active units (mean |gelu·up|)</Th>
            </tr>
          </thead>
          <tbody>
            {run.mlp.map((m) => (
              <tr key={m.layer} className="border-t border-zinc-100 dark:border-zinc-800" data-layer={m.layer}>
                <Td mono>L{m.layer}</Td>
                <Td right mono>
                  {pct(m.flatFraction)}
                </Td>
                <Td right mono>
                  {pct(m.linearFraction)}
                </Td>
                <Td right mono>
                  {m.deadUnits} / {run.model.ffn}
                </Td>
                <Td mono className="text-[11.5px] text-zinc-500">
                  {m.topUnits
                    .slice(0, 5)
                    .map((u) => `${u.unit} (${num(u.meanAbs)})`)
                    .join(', ')}
                </Td>
              </tr>
            ))}
          </tbody>
        </table>
      </ChartFrame>
      <div className="grid gap-4 xl:grid-cols-2">
        {run.mlp.map((m) => (
          <ChartFrame key={m.layer} title={`Layer ${m.layer}: GELU input`} name={`mlp-hist-L${m.layer}`} csv={() => histCsv(m.gate)}>
            <SeriesChart
              kind="bar"
              testId={`mlp-hist-${m.layer}`}
              label={`Histogram of layer ${m.layer} MLP pre-activations`}
              series={[{ name: 'count', values: m.gate.counts }]}
              labels={m.gate.edges.slice(0, -1).map((e) => e.toFixed(1))}
              marker={markerAt(m.gate)}
              log
              width={520}
              height={170}
              yLabel="count"
            />
          </ChartFrame>
        ))}
      </div>
    </div>
  );
}

function markerAt(h: Histogram): { x: number; label: string } | undefined {
  const lo = h.edges[0],
    hi = h.edges[h.edges.length - 1];
  if (FLAT <= lo || FLAT >= hi) return undefined;
  return { x: ((FLAT - lo) / (hi - lo)) * h.counts.length, label: 'flat below −3' };
}

function histCsv(h: Histogram): (string | number)[][] {
  return [
    ['bin_from', 'bin_to', 'count'],
    ...h.counts.map((c, i) => [h.edges[i], h.edges[i + 1], c]),
    ['below', h.edges[0], h.under],
    ['above', h.edges.at(-1)!, h.over],
  ];
}
