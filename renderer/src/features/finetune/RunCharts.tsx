// Live charts over the whole run: loss and validation loss, learning rate, gradient norm per layer
// (the gradient inspector's view over training steps), tokens/s; plus ETA.
import { useMemo } from 'react';
import { useResolvedTheme } from '../../components/charts/useChartTheme.ts';
import { LineChart, type Series } from './LineChart.tsx';
import { formatDuration, type RunMetrics } from './runState.ts';

// Tailwind's 600 shades on white, their 400 shades on the dark background (readable on each)
const PALETTE = {
  light: { loss: '#2563eb', val: '#ea580c', lr: '#16a34a', tps: '#9333ea' },
  dark: { loss: '#60a5fa', val: '#fb923c', lr: '#4ade80', tps: '#c084fc' },
};
const LAYER_COLORS = {
  light: ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4f46e5', '#65a30d'],
  dark: ['#60a5fa', '#4ade80', '#f87171', '#c084fc', '#fb923c', '#22d3ee', '#facc15', '#f472b6', '#818cf8', '#a3e635'],
};

export function RunCharts({ metrics, totalSteps }: { metrics: RunMetrics; totalSteps: number }) {
  const { steps, evals } = metrics;
  const mode = useResolvedTheme();
  const data = useMemo(() => {
    const c = PALETTE[mode];
    const layerColors = LAYER_COLORS[mode];
    const x = steps.map((s) => s.step);
    const evalAt = new Map(evals.map((e) => [e.step, e.valLoss]));
    const L = steps[0]?.layerGradNorms.length ?? 0;
    // many layers: show a spread of them so the legend stays readable
    const layers =
      L <= 6 ? Array.from({ length: L }, (_, i) => i) : [0, Math.floor(L / 4), Math.floor(L / 2), Math.floor((3 * L) / 4), L - 1];
    return {
      x,
      loss: [
        { label: 'train loss', color: c.loss, values: steps.map((s) => s.loss) },
        { label: 'validation loss', color: c.val, values: steps.map((s) => evalAt.get(s.step) ?? null) },
      ] as Series[],
      lr: [{ label: 'learning rate', color: c.lr, values: steps.map((s) => s.lr) }] as Series[],
      grad: layers.map((l, i) => ({
        label: `layer ${l}`,
        color: layerColors[i % layerColors.length],
        values: steps.map((s) => s.layerGradNorms[l] ?? null),
      })) as Series[],
      tps: [{ label: 'tokens/s', color: c.tps, values: steps.map((s) => s.tokensPerSec) }] as Series[],
    };
  }, [steps, evals, mode]);
  const last = steps.at(-1);
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-x-6 gap-y-1 text-[12.5px]" data-testid="run-summary">
        <span>
          Step{' '}
          <b className="font-mono" data-testid="run-step">
            {last?.step ?? 0}
          </b>{' '}
          / {totalSteps || '–'}
        </span>
        <span>
          Loss <b className="font-mono">{last ? last.loss.toFixed(4) : '–'}</b>
        </span>
        <span>
          Validation <b className="font-mono">{evals.at(-1)?.valLoss.toFixed(4) ?? '–'}</b>
        </span>
        <span>
          Tokens/s <b className="font-mono">{last ? last.tokensPerSec.toFixed(0) : '–'}</b>
        </span>
        <span>
          Elapsed <b className="font-mono">{last ? formatDuration(last.elapsedMs) : '–'}</b>
        </span>
        <span>
          ETA <b className="font-mono">{last ? formatDuration(last.etaMs) : '–'}</b>
        </span>
      </div>
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
        <LineChart title="Loss (train, validation)" x={data.x} series={data.loss} testId="chart-loss" />
        <LineChart title="Learning rate" x={data.x} series={data.lr} format={(v) => v.toExponential(0)} />
        <LineChart title="Gradient norm per layer (before clipping)" x={data.x} series={data.grad} />
        <LineChart title="Tokens per second" x={data.x} series={data.tps} />
      </div>
    </div>
  );
}
