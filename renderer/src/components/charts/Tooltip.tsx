// The one chart tooltip: absolutely placed inside the chart's (relative) wrapper, beside the pointer,
// flipped to the other side when it would leave the chart. Rendering it never redraws the chart: the
// chart's canvas lives in a sibling whose drawing depends only on data and theme.
import { useLayoutEffect, useRef, useState } from 'react';

export interface TooltipAt {
  /** pointer position relative to the wrapper */
  x: number;
  y: number;
  text: string;
}

export function ChartTooltip({ at, bounds }: { at: TooltipAt | null; bounds: { width: number; height: number } }) {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  useLayoutEffect(() => {
    if (ref.current)
      setSize((s) =>
        s.w === ref.current!.offsetWidth && s.h === ref.current!.offsetHeight
          ? s
          : { w: ref.current!.offsetWidth, h: ref.current!.offsetHeight },
      );
  }, [at?.text]);
  if (!at) return null;
  const left = at.x + 12 + size.w > bounds.width ? Math.max(0, at.x - 12 - size.w) : at.x + 12;
  const top = at.y + 12 + size.h > bounds.height ? Math.max(0, at.y - 12 - size.h) : at.y + 12;
  return (
    <div
      ref={ref}
      role="tooltip"
      data-testid="chart-tooltip"
      className="pointer-events-none absolute z-10 whitespace-nowrap rounded bg-zinc-900/90 px-2 py-1 font-mono text-[11px] text-white shadow dark:bg-zinc-100/95 dark:text-zinc-900"
      style={{ left, top }}
    >
      {at.text}
    </div>
  );
}
