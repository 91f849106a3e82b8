// A small uPlot line chart of our own (the shared chart components are being built elsewhere; the
// lead unifies them). The plot is made once per series layout and theme, and fed with setData() on
// updates, so a live run redraws without recreating it; a theme switch recreates it in the new
// colours (axes from the shared chart theme, series colours from the caller); it follows its
// container's width.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { theme } from '../../components/charts/canvas.ts';
import { useResolvedTheme } from '../../components/charts/useChartTheme.ts';

export interface Series {
  label: string;
  color: string;
  /** y values aligned with x; null = no point */
  values: (number | null)[];
}

export function LineChart({
  title,
  x,
  series,
  height = 170,
  logY = false,
  testId,
  format,
}: {
  title: string;
  x: number[];
  series: Series[];
  height?: number;
  logY?: boolean;
  testId?: string;
  format?: (v: number) => string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const mode = useResolvedTheme();
  const layout = `${series.map((s) => `${s.label}:${s.color}`).join('|')}|${logY}|${mode}`;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const th = theme();
    const axis = { stroke: th.text, grid: { stroke: th.grid }, ticks: { stroke: th.grid } };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: false },
      scales: { x: { time: false }, y: logY ? { distr: 3 } : {} },
      axes: [{ ...axis }, { ...axis, size: 56, values: format ? (_u, vals) => vals.map((v) => format(v)) : undefined }],
      series: [
        { label: 'step' },
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: true, points: { show: false } })),
      ],
    };
    const u = new uPlot(opts, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // recreated only when the series layout changes; data flows through setData below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout, height]);

  useEffect(() => {
    plot.current?.setData([x, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [x, series]);

  return (
    <figure className="min-w-0 rounded-lg border border-zinc-200 p-2 dark:border-zinc-800" data-testid={testId} data-theme={mode}>
      <figcaption className="mb-1 flex flex-wrap items-center gap-x-3 text-[12px] font-medium text-zinc-600 dark:text-zinc-400">
        {title}
        {series.length > 1 &&
          series.map((s) => (
            <span key={s.label} className="inline-flex items-center gap-1 font-normal">
              <span className="inline-block h-0.5 w-3" style={{ background: s.color }} aria-hidden="true" data-swatch={s.label} />
              {s.label}
            </span>
          ))}
      </figcaption>
      <div ref={box} className="w-full" data-points={x.length} />
    </figure>
  );
}
