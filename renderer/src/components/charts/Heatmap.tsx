// A rows × cols heatmap on a canvas. The cells are painted into an offscreen image one pixel per
// cell and scaled up without smoothing, so a 512 × 512 attention map draws in a few milliseconds.
// The values also sit on the element as data attributes, for tests and for anyone scripting the UI.
// Redrawn only when the data, the layout or the theme change; hovering moves only the tooltip.
import { useEffect, useMemo, useRef, useState } from 'react';
import { FONT, MONO, clip, fmt, setupCanvas, theme } from './canvas.ts';
import { diverging, sequential } from './colors.ts';
import { ColorLegend } from './Legend.tsx';
import { ChartTooltip, type TooltipAt } from './Tooltip.tsx';
import { useResolvedTheme } from './useChartTheme.ts';
import { useAvailableWidth } from './useWidth.ts';

export interface HeatmapProps {
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  rowLabels?: string[];
  colLabels?: string[];
  scale?: 'sequential' | 'diverging';
  /** colour range; default the data's min..max (diverging: ±max |v|) */
  range?: [number, number];
  log?: boolean;
  /** cells for which this returns true are drawn as "not visible" (e.g. outside the attention window) */
  masked?: (row: number, col: number) => boolean;
  selectedCol?: number | null;
  onCellClick?: (row: number, col: number) => void;
  maxWidth?: number;
  maxCell?: number;
  testId: string;
  label: string;
  describe?: (row: number, col: number, value: number) => string;
  /** colour legend under the map (default shown) */
  legend?: boolean;
}

const MAX_DATA_ATTR = 20_000;

export function Heatmap(p: HeatmapProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<TooltipAt | null>(null);
  const dark = useResolvedTheme();
  const [box, avail] = useAvailableWidth<HTMLDivElement>();
  const LEFT = p.rowLabels ? 46 : 2;
  const maxWidth = Math.max(200, Math.min(p.maxWidth ?? 960, avail ?? Infinity));
  const cell = Math.max(1, Math.min(p.maxCell ?? 28, Math.floor((maxWidth - LEFT) / Math.max(1, p.cols))));
  const showColLabels = !!p.colLabels && cell >= 9;
  const top = showColLabels ? 58 : 8;
  const width = LEFT + cell * p.cols + 8;
  // labelled maps get readable rows; unlabelled ones (small multiples) stay square
  const rowH = p.rowLabels ? Math.max(cell, Math.min(22, Math.floor(420 / Math.max(1, p.rows))), 1) : cell;
  const height = top + rowH * p.rows + 6;

  // Called as a plain function: the hooks below depend on it, not on the whole props object.
  const masked = p.masked;
  const [lo, hi] = useMemo(() => {
    if (p.range) return p.range;
    let mn = Infinity,
      mx = -Infinity;
    for (let i = 0; i < p.rows * p.cols; i++) {
      const v = tx(p.values[i], p.log);
      if (!Number.isFinite(v)) continue;
      if (masked?.(Math.floor(i / p.cols), i % p.cols)) continue;
      mn = Math.min(mn, v);
      mx = Math.max(mx, v);
    }
    if (!Number.isFinite(mn)) return [0, 1] as [number, number];
    if (p.scale === 'diverging') {
      const m = Math.max(Math.abs(mn), Math.abs(mx)) || 1;
      return [-m, m] as [number, number];
    }
    return [mn, mx > mn ? mx : mn + 1] as [number, number];
  }, [p.values, p.rows, p.cols, p.range, p.log, p.scale, masked]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const ctx = setupCanvas(canvas, width, height);
    const th = theme();
    ctx.fillStyle = th.background;
    ctx.fillRect(0, 0, width, height);
    // cells: one pixel each in an offscreen image, scaled up crisply
    const img = new ImageData(Math.max(1, p.cols), Math.max(1, p.rows));
    for (let r = 0; r < p.rows; r++) {
      for (let c = 0; c < p.cols; c++) {
        const i = r * p.cols + c;
        let rgb: [number, number, number];
        if (masked?.(r, c)) rgb = dark === 'dark' ? [39, 39, 42] : [228, 228, 231];
        else {
          const v = tx(p.values[i], p.log);
          rgb = p.scale === 'diverging' ? diverging(v / hi) : sequential((v - lo) / (hi - lo));
        }
        img.data.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
      }
    }
    const off = document.createElement('canvas');
    off.width = img.width;
    off.height = img.height;
    off.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, LEFT, top, cell * p.cols, rowH * p.rows);
    if (p.selectedCol != null && p.selectedCol < p.cols) {
      ctx.strokeStyle = th.accent;
      ctx.lineWidth = 2;
      ctx.strokeRect(LEFT + p.selectedCol * cell, top, cell, rowH * p.rows);
    }
    // labels
    ctx.fillStyle = th.text;
    ctx.font = FONT;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    const rowEvery = Math.ceil(12 / rowH);
    p.rowLabels?.forEach((l, r) => r % rowEvery === 0 && ctx.fillText(clip(l, 7), LEFT - 5, top + rowH * (r + 0.5)));
    if (showColLabels) {
      ctx.font = MONO;
      ctx.textAlign = 'left';
      const colEvery = Math.ceil(12 / cell);
      p.colLabels!.forEach((l, c) => {
        if (c % colEvery !== 0) return;
        ctx.save();
        ctx.translate(LEFT + cell * (c + 0.5), top - 4);
        ctx.rotate(-Math.PI / 3);
        ctx.fillText(clip(l, 9), 0, 0);
        ctx.restore();
      });
    }
  }, [
    p.values,
    p.rows,
    p.cols,
    p.rowLabels,
    p.colLabels,
    p.scale,
    p.log,
    masked,
    p.selectedCol,
    lo,
    hi,
    width,
    height,
    cell,
    rowH,
    top,
    showColLabels,
    LEFT,
    dark,
  ]);

  const cellAt = (e: React.MouseEvent) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const c = Math.floor((e.clientX - rect.left - LEFT) / cell);
    const r = Math.floor((e.clientY - rect.top - top) / rowH);
    return r >= 0 && r < p.rows && c >= 0 && c < p.cols ? { r, c, x: e.clientX - rect.left, y: e.clientY - rect.top } : null;
  };
  const n = p.rows * p.cols;
  const dataValues = useMemo(
    () => (n <= MAX_DATA_ATTR ? JSON.stringify(Array.from({ length: n }, (_, i) => p.values[i])) : undefined),
    [p.values, n],
  );

  return (
    <div
      ref={box}
      className="relative inline-block max-w-full overflow-x-auto"
      data-testid={p.testId}
      data-rows={p.rows}
      data-cols={p.cols}
      data-min={lo}
      data-max={hi}
      data-values={dataValues}
    >
      <canvas
        ref={canvasRef}
        role="img"
        aria-label={p.label}
        className={p.onCellClick ? 'cursor-pointer' : ''}
        onMouseMove={(e) => {
          const at = cellAt(e);
          if (!at) return setHover(null);
          const v = p.values[at.r * p.cols + at.c];
          const text = p.describe?.(at.r, at.c, v) ?? `${p.rowLabels?.[at.r] ?? at.r} · ${p.colLabels?.[at.c] ?? at.c}: ${fmt(v)}`;
          setHover({ x: at.x, y: at.y, text });
        }}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const at = cellAt(e);
          if (at) p.onCellClick?.(at.r, at.c);
        }}
      />
      <ChartTooltip at={hover} bounds={{ width, height }} />
      {p.legend !== false && <ColorLegend lo={lo} hi={hi} scale={p.scale ?? 'sequential'} log={!!p.log} indent={46} />}
    </div>
  );
}

function tx(v: number, log?: boolean): number {
  return log ? Math.log10(Math.max(Math.abs(v), 1e-12)) : v;
}
