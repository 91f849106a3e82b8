// Bar and line charts on a canvas, with an optional log y axis (gradient norms span many decades).
// Series values are also exposed as a data attribute (JSON) on the wrapper.
import { useEffect, useRef, useState } from 'react';
import { FONT, clip, fmt, setupCanvas, theme } from './canvas.ts';
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
const M = { left: 54, right: 12, top: 12, bottom: 34 };

export function SeriesChart(p: SeriesChartProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);
  const [box, avail] = useAvailableWidth<HTMLDivElement>();
  const width = Math.max(240, Math.min(p.width ?? 640, avail ?? Infinity));
  const height = p.height ?? 220;
  const n = p.labels.length;
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;

  const all = p.series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && (!p.log || v > 0));
  let lo = p.log ? Math.log10(Math.min(...all, 1)) : Math.min(0, ...all);
  let hi = p.log ? Math.log10(Math.max(...all, 1e-12)) : Math.max(0, ...all);
  if (!all.length) [lo, hi] = [0, 1];
  if (p.log) [lo, hi] = [Math.floor(lo), Math.ceil(hi)];
  if (hi <= lo) hi = lo + 1;
  const y = (v: number) => {
    const t = p.log ? Math.log10(Math.max(v, 10 ** lo)) : v;
    return M.top + plotH * (1 - (t - lo) / (hi - lo));
  };
  const xc = (i: number) => M.left + (plotW * (i + 0.5)) / Math.max(1, n);

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const ctx = setupCanvas(canvas, width, height);
    const th = theme();
    ctx.fillStyle = th.background;
    ctx.fillRect(0, 0, width, height);
    ctx.font = FONT;
    // grid + y ticks
    ctx.strokeStyle = th.grid;
    ctx.fillStyle = th.muted;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const ticks = p.log ? Array.from({ length: hi - lo + 1 }, (_, i) => lo + i) : Array.from({ length: 5 }, (_, i) => lo + ((hi - lo) * i) / 4);
    const step = Math.ceil(ticks.length / 7);
    ticks.forEach((t, i) => {
      if (i % step !== 0) return;
      const py = M.top + plotH * (1 - (t - lo) / (hi - lo));
      ctx.beginPath();
      ctx.moveTo(M.left, py);
      ctx.lineTo(width - M.right, py);
      ctx.stroke();
      ctx.fillText(p.log ? `1e${t}` : fmt(t), M.left - 4, py);
    });
    // highlight columns
    for (const i of p.highlight ?? []) {
      ctx.fillStyle = 'rgba(245, 158, 11, 0.15)';
      ctx.fillRect(M.left + (plotW * i) / n, M.top, plotW / n, plotH);
    }
    // series
    p.series.forEach((s, si) => {
      const color = s.color ?? PALETTE[si % PALETTE.length];
      ctx.fillStyle = color;
      ctx.strokeStyle = color;
      if (p.kind === 'bar') {
        const bw = Math.max(1, (plotW / n / p.series.length) * 0.85);
        s.values.forEach((v, i) => {
          if (!Number.isFinite(v)) return;
          const x0 = M.left + (plotW * i) / n + (plotW / n - bw * p.series.length) / 2 + si * bw;
          const base = p.log ? M.top + plotH : y(0);
          const top = y(v);
          ctx.fillRect(x0, Math.min(base, top), bw, Math.max(1, Math.abs(base - top)));
        });
      } else {
        ctx.lineWidth = 2;
        ctx.beginPath();
        s.values.forEach((v, i) => (i === 0 ? ctx.moveTo(xc(i), y(v)) : ctx.lineTo(xc(i), y(v))));
        ctx.stroke();
        s.values.forEach((v, i) => {
          ctx.beginPath();
          ctx.arc(xc(i), y(v), 2.5, 0, 2 * Math.PI);
          ctx.fill();
        });
      }
    });
    if (p.marker) {
      const mx = M.left + (plotW * p.marker.x) / Math.max(1, n);
      ctx.strokeStyle = th.warn;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(mx, M.top);
      ctx.lineTo(mx, M.top + plotH);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = th.warn;
      ctx.textAlign = 'left';
      ctx.fillText(p.marker.label, mx + 3, M.top + 6);
    }
    // x labels
    ctx.fillStyle = th.text;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const every = Math.ceil((n * 34) / plotW);
    p.labels.forEach((l, i) => i % every === 0 && ctx.fillText(clip(l, 8), xc(i), M.top + plotH + 5));
    if (p.yLabel) {
      ctx.save();
      ctx.translate(11, M.top + plotH / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'center';
      ctx.fillStyle = th.muted;
      ctx.fillText(p.yLabel, 0, 0);
      ctx.restore();
    }
  });

  return (
    <div ref={box} className="relative inline-block max-w-full" data-testid={p.testId} data-values={JSON.stringify(p.series.map((s) => s.values))} data-log={p.log ? 'true' : 'false'}>
      <canvas
        ref={ref}
        role="img"
        aria-label={p.label}
        onMouseMove={(e) => {
          const rect = e.currentTarget.getBoundingClientRect();
          const i = Math.floor(((e.clientX - rect.left - M.left) / plotW) * n);
          if (i < 0 || i >= n) return setHover(null);
          const text = `${p.labels[i]}: ${p.series.map((s) => `${p.series.length > 1 ? s.name + ' ' : ''}${fmt(s.values[i])}`).join(', ')}`;
          setHover({ x: e.clientX - rect.left, y: e.clientY - rect.top, text });
        }}
        onMouseLeave={() => setHover(null)}
      />
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
      {hover && (
        <div className="pointer-events-none absolute z-10 whitespace-nowrap rounded bg-zinc-900/90 px-2 py-1 font-mono text-[11px] text-white shadow" style={{ left: Math.min(hover.x + 12, width - 180), top: hover.y + 12 }}>
          {hover.text}
        </div>
      )}
    </div>
  );
}
