// Bar and line charts over categorical x positions (layers, histogram bins) on uPlot, with an
// optional log y axis (gradient norms span many decades). Ticks come from d3-scale (nice round
// values, never "-0.0"); the y axis is as wide as its widest tick, so its title never sits on them.
// Redraws only when the data, the theme or the width change; hovering moves only the tooltip.
// Series values are also exposed as a data attribute (JSON) on the wrapper.
import { useMemo, useState } from 'react';
import uPlot from 'uplot';
import { FONT, clip, theme } from './canvas.ts';
import { decadeLabel, formatNumber, niceTicks } from './format.ts';
import { ChartTooltip, type TooltipAt } from './Tooltip.tsx';
import { UPlot } from './UPlot.tsx';
import { useResolvedTheme } from './useChartTheme.ts';
import { useAvailableWidth } from './useWidth.ts';

export interface Series {
  name: string;
  values: number[];
  color?: string;
}

export interface SeriesChartProps {
  kind: 'bar' | 'line';
  series: Series[];
  /** one label per x position */
  labels: string[];
  log?: boolean;
  width?: number;
  height?: number;
  yLabel?: string;
  /** vertical marker at a fractional x index (e.g. the −3 edge of GELU's flat tail) */
  marker?: { x: number; label: string };
  /** highlight these x positions (e.g. flagged layers) */
  highlight?: number[];
  testId: string;
  label: string;
}

const PALETTE = ['#4f46e5', '#0891b2', '#d97706', '#dc2626', '#16a34a'];
/** "-0.0" is a rounding artefact of a label, not a value: show it as "0.0". */
const cleanLabel = (l: string) => l.replace(/^[−-](0(?:\.0*)?)$/, '$1');

export function SeriesChart(p: SeriesChartProps) {
  const [box, avail] = useAvailableWidth<HTMLDivElement>();
  const width = Math.max(240, Math.min(p.width ?? 640, avail ?? Infinity));
  const height = p.height ?? 220;
  const dark = useResolvedTheme();
  const [hover, setHover] = useState<TooltipAt | null>(null);
  const labels = useMemo(() => p.labels.map(cleanLabel), [p.labels]);

  // Keyed on content, not identity: a parent re-render with equal data keeps the plot as it is.
  const dataKey = JSON.stringify([p.series.map((s) => [s.name, s.values, s.color]), labels, p.log, p.marker, p.highlight]);
  const data = useMemo<uPlot.AlignedData>(
    () => [labels.map((_, i) => i), ...p.series.map((s) => s.values.map((v) => (Number.isFinite(v) && (!p.log || v > 0) ? v : null)))],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [dataKey],
  );

  const options = useMemo(() => {
    const th = theme();
    const all = p.series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && (!p.log || v > 0));
    const n = labels.length;
    let range: [number, number];
    const decades: number[] = [];
    if (p.log) {
      const lo = Math.floor(Math.log10(Math.min(...all, 1)));
      const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...all, 1e-12))));
      range = [10 ** lo, 10 ** hi];
      // One tick per decade, thinned to at most ~6 labels.
      const step = Math.ceil((hi - lo + 1) / 6);
      for (let e = lo; e <= hi; e += step) decades.push(e);
    } else {
      const ticks = niceTicks(Math.min(0, ...all), Math.max(all.length ? 0 : 1, ...all), 5);
      range = ticks.length > 1 ? [ticks[0].value, ticks[ticks.length - 1].value] : [0, 1];
      if (range[1] <= range[0]) range = [range[0], range[0] + 1];
    }
    const yTicks = p.log ? null : niceTicks(range[0], range[1], 5);
    const axisCommon = {
      stroke: th.muted,
      font: FONT,
      labelFont: FONT,
      grid: { stroke: th.grid, width: 1 },
      ticks: { stroke: th.grid, width: 1, size: 4 },
    };
    const opts: Omit<uPlot.Options, 'width' | 'height'> = {
      legend: { show: false },
      padding: [12, 12, 0, 0],
      cursor: { drag: { x: false, y: false }, points: { show: p.kind === 'line' }, y: false },
      scales: {
        x: { time: false, range: [-0.5, n - 0.5] },
        y: p.log ? { distr: 3, log: 10, range } : { range },
      },
      axes: [
        {
          ...axisCommon,
          grid: { show: false },
          size: 26,
          splits: () => {
            const every = Math.max(1, Math.ceil((n * 34) / Math.max(1, width - 80)));
            return labels.map((_, i) => i).filter((i) => i % every === 0);
          },
          values: (_u, splits) => splits.map((i) => clip(labels[i] ?? '', 8)),
          stroke: th.text,
        },
        {
          ...axisCommon,
          label: p.yLabel,
          labelSize: 16,
          labelGap: 2,
          gap: 4,
          splits: () => (yTicks ? yTicks.map((t) => t.value) : decades.map((e) => 10 ** e)),
          values: () => (yTicks ? yTicks.map((t) => t.label) : decades.map(decadeLabel)),
          // As wide as the widest tick label, so the title beside them never overlaps.
          size: (u, values) => {
            u.ctx.font = FONT;
            const widest = Math.max(0, ...(values ?? []).map((v) => u.ctx.measureText(v).width));
            return Math.ceil(widest + 4 + 4 + 6);
          },
        },
      ],
      series: [
        {},
        ...p.series.map((s, i) => {
          const color = s.color ?? PALETTE[i % PALETTE.length];
          return p.kind === 'bar'
            ? {
                label: s.name,
                stroke: color,
                fill: color,
                width: 0,
                paths: uPlot.paths.bars!({ size: [0.85 / p.series.length, Infinity], align: 0 as const }),
                points: { show: false },
              }
            : { label: s.name, stroke: color, width: 2, points: { show: true, size: 5, fill: color } };
        }),
      ],
      hooks: {
        drawAxes: [
          (u: uPlot) => {
            // flagged columns behind the series
            const ctx = u.ctx;
            ctx.save();
            ctx.fillStyle = 'rgba(245, 158, 11, 0.15)';
            for (const i of p.highlight ?? []) {
              const x0 = u.valToPos(i - 0.5, 'x', true),
                x1 = u.valToPos(i + 0.5, 'x', true);
              ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
            }
            ctx.restore();
          },
        ],
        draw: [
          (u: uPlot) => {
            if (!p.marker) return;
            const ctx = u.ctx;
            const dpr = uPlot.pxRatio;
            const x = u.valToPos(p.marker.x - 0.5, 'x', true);
            ctx.save();
            ctx.strokeStyle = th.warn;
            ctx.lineWidth = dpr;
            ctx.setLineDash([4 * dpr, 3 * dpr]);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.fillStyle = th.warn;
            ctx.font = FONT.replace(/^(\d+(?:\.\d+)?)px/, (_, s: string) => `${Number(s) * dpr}px`);
            ctx.textBaseline = 'top';
            ctx.textAlign = 'left';
            ctx.fillText(p.marker.label, x + 3 * dpr, u.bbox.top + 2 * dpr);
            ctx.restore();
          },
        ],
        setCursor: [
          (u: uPlot) => {
            const i = u.cursor.idx;
            if (i == null || u.cursor.left == null || u.cursor.left < 0) return setHover(null);
            const text = `${labels[i]}: ${p.series.map((s) => `${p.series.length > 1 ? s.name + ' ' : ''}${formatNumber(s.values[i])}`).join(', ')}`;
            setHover({ x: u.cursor.left + u.over.offsetLeft, y: (u.cursor.top ?? 0) + u.over.offsetTop, text });
          },
        ],
      },
    };
    return opts;
    // Rebuilt only when what is drawn changes (data content, theme), never on hover.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dataKey, dark, p.kind, p.yLabel, width]);

  return (
    <div
      ref={box}
      className="relative inline-block max-w-full"
      data-testid={p.testId}
      data-values={JSON.stringify(p.series.map((s) => s.values))}
      data-log={p.log ? 'true' : 'false'}
      role="img"
      aria-label={p.label}
      onMouseLeave={() => setHover(null)}
    >
      <UPlot options={options} data={data} width={width} height={height} />
      {p.series.length > 1 && (
        <div className="flex gap-3 pl-[54px] text-[11px] text-zinc-500">
          {p.series.map((s, i) => (
            <span key={s.name} className="inline-flex items-center gap-1">
              <span className="size-2 rounded-full" style={{ background: s.color ?? PALETTE[i % PALETTE.length] }} />
              {s.name}
            </span>
          ))}
        </div>
      )}
      <ChartTooltip at={hover} bounds={{ width, height }} />
    </div>
  );
}
