// A colour legend: the scale's gradient between its end values (and a middle value for diverging).
import { gradientCss } from './colors.ts';
import { decadeLabel, formatNumber } from './format.ts';

export function ColorLegend({
  lo,
  hi,
  scale,
  log = false,
  label,
  indent = 0,
}: {
  lo: number;
  hi: number;
  scale: 'sequential' | 'diverging';
  log?: boolean;
  label?: string;
  indent?: number;
}) {
  const f = (v: number) => (log ? (Number.isInteger(v) ? decadeLabel(v) : `10^${formatNumber(v, 2)}`) : formatNumber(v, 3));
  return (
    <div
      className="mt-1 flex items-center gap-2 text-[11px] text-zinc-500 dark:text-zinc-400"
      style={{ paddingLeft: indent }}
      data-testid="color-legend"
    >
      {label && <span>{label}</span>}
      <span className="font-mono">{f(lo)}</span>
      <span className="relative h-2 w-40 rounded-sm" style={{ background: gradientCss(scale) }}>
        {scale === 'diverging' && <span className="absolute top-2.5 left-1/2 -translate-x-1/2 font-mono text-[10px]">0</span>}
      </span>
      <span className="font-mono">{f(hi)}</span>
    </div>
  );
}
