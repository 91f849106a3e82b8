// Tokens laid out as text with a heat colour behind each one (signed values: blue negative, red
// positive), drawn on a canvas so the strip exports as PNG like every other chart, with a colour
// legend under it. Redrawn only when the data, the width or the theme change.
import { useEffect, useRef, useState } from 'react';
import { MONO, fmt, setupCanvas, theme } from './canvas.ts';
import { diverging, textOn, css } from './colors.ts';
import { ColorLegend } from './Legend.tsx';
import { ChartTooltip, type TooltipAt } from './Tooltip.tsx';
import { useResolvedTheme } from './useChartTheme.ts';
import { useAvailableWidth } from './useWidth.ts';

export function HeatStrip({
  tokens,
  values,
  testId,
  label,
  maxWidth = 960,
}: {
  tokens: string[];
  values: number[];
  testId: string;
  label: string;
  maxWidth?: number;
}) {
  const [box, avail] = useAvailableWidth<HTMLDivElement>();
  const width = Math.max(240, Math.min(maxWidth, avail ?? Infinity));
  const ref = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<TooltipAt | null>(null);
  const [height, setHeight] = useState(30);
  const dark = useResolvedTheme();
  const boxes = useRef<{ x: number; y: number; w: number; h: number }[]>([]);
  const max = Math.max(...values.map(Math.abs), 1e-30);

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    // lay out first (measure with a scratch context), then size the canvas to fit
    const m = document.createElement('canvas').getContext('2d')!;
    m.font = MONO;
    const H = 22,
      pad = 4,
      gap = 3;
    let x = 4,
      yy = 4;
    const out: { x: number; y: number; w: number; h: number }[] = [];
    tokens.forEach((t) => {
      const w = Math.ceil(m.measureText(show(t)).width) + 2 * pad;
      if (x + w > width - 4) {
        x = 4;
        yy += H + gap;
      }
      out.push({ x, y: yy, w, h: H });
      x += w + gap;
    });
    boxes.current = out;
    const height = yy + H + 4;
    setHeight(height);
    const ctx = setupCanvas(canvas, width, height);
    ctx.fillStyle = theme().background;
    ctx.fillRect(0, 0, width, height);
    ctx.font = MONO;
    ctx.textBaseline = 'middle';
    out.forEach((b, i) => {
      const rgb = diverging(values[i] / max);
      ctx.fillStyle = css(rgb);
      ctx.fillRect(b.x, b.y, b.w, b.h);
      ctx.fillStyle = textOn(rgb);
      ctx.fillText(show(tokens[i]), b.x + pad, b.y + b.h / 2);
    });
  }, [tokens, values, width, max, dark]);

  return (
    <div
      ref={box}
      className="relative inline-block max-w-full"
      data-testid={testId}
      data-values={JSON.stringify(values)}
      data-tokens={JSON.stringify(tokens)}
    >
      <canvas
        ref={ref}
        role="img"
        aria-label={label}
        onMouseMove={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          const px = e.clientX - r.left,
            py = e.clientY - r.top;
          const i = boxes.current.findIndex((b) => px >= b.x && px < b.x + b.w && py >= b.y && py < b.y + b.h);
          setHover(i < 0 ? null : { x: px, y: py, text: `#${i} ${JSON.stringify(tokens[i])}: ${fmt(values[i])}` });
        }}
        onMouseLeave={() => setHover(null)}
      />
      <ChartTooltip at={hover} bounds={{ width, height }} />
      <ColorLegend lo={-max} hi={max} scale="diverging" />
    </div>
  );
}

/** Whitespace made visible so a token of spaces or a newline still has a box to colour. */
export function show(t: string): string {
  return t.replace(/\n/g, '↵').replace(/\t/g, '⇥').replace(/^ /, '·') || '∅';
}
