// Grouped horizontal bars: one group per measured configuration (and run, when runs are compared),
// one bar per prompt length's prefill and one for decode, on a shared tokens/s axis.
import { scaleLinear } from 'd3-scale';
import type { SpeedRun } from '../../../../electron/core/api/lab.ts';
import { fmtRate } from './format.ts';

const COLORS = ['#2563eb', '#7c3aed', '#db2777', '#059669'];

export function SpeedChart({ runs }: { runs: SpeedRun[] }) {
  const rows = runs.flatMap((run) =>
    run.results
      .filter((r) => !r.error)
      .map((r) => ({
        key: `${run.id}:${r.label}`,
        label: runs.length > 1 ? `${r.label} — ${run.machine.cpu.slice(0, 24)}${run.imported ? ' (imported)' : ''}` : r.label,
        bars: [
          ...r.prefill.map((p) => ({ name: `prefill ${p.promptTokens}`, value: p.tokensPerSecond })),
          { name: 'decode', value: r.decodeTokensPerSecond },
        ],
      })),
  );
  if (rows.length === 0) return null;
  const names = [...new Set(rows.flatMap((r) => r.bars.map((b) => b.name)))];
  const max = Math.max(...rows.flatMap((r) => r.bars.map((b) => b.value)), 1);
  const W = 640;
  const left = 210;
  const barH = 12;
  const groupH = names.length * (barH + 2) + 12;
  const H = rows.length * groupH + 34;
  const x = scaleLinear()
    .domain([0, max])
    .nice()
    .range([left, W - 50]);
  return (
    <figure className="space-y-2" data-testid="speed-chart">
      <svg viewBox={`0 0 ${W} ${H}`} className="w-full max-w-[760px]" role="img" aria-label="Tokens per second by configuration">
        {x.ticks(5).map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={4} y2={H - 24} className="stroke-zinc-200 dark:stroke-zinc-800" />
            <text x={x(t)} y={H - 10} textAnchor="middle" className="fill-zinc-500 text-[10px]">
              {fmtRate(t)}
            </text>
          </g>
        ))}
        <text x={W - 50} y={H - 10} textAnchor="start" dx={6} className="fill-zinc-500 text-[10px]">
          tok/s
        </text>
        {rows.map((row, i) => (
          <g key={row.key} transform={`translate(0, ${i * groupH + 6})`} data-testid="speed-chart-row" data-label={row.label}>
            <text x={left - 8} y={(groupH - 12) / 2 + 4} textAnchor="end" className="fill-zinc-700 text-[11px] dark:fill-zinc-300">
              {row.label.length > 34 ? `${row.label.slice(0, 33)}…` : row.label}
              <title>{row.label}</title>
            </text>
            {row.bars.map((b) => {
              const j = names.indexOf(b.name);
              return (
                <g key={b.name} transform={`translate(0, ${j * (barH + 2)})`}>
                  <rect
                    x={left}
                    width={Math.max(1, x(b.value) - left)}
                    height={barH}
                    rx={2}
                    fill={COLORS[j % COLORS.length]}
                    data-value={b.value}
                  >
                    <title>{`${row.label}: ${b.name} ${fmtRate(b.value)} tokens/s`}</title>
                  </rect>
                  <text x={x(b.value) + 4} y={barH - 2} className="fill-zinc-600 text-[10px] dark:fill-zinc-400">
                    {fmtRate(b.value)}
                  </text>
                </g>
              );
            })}
          </g>
        ))}
      </svg>
      <figcaption className="flex flex-wrap gap-3 text-[11.5px] text-zinc-600 dark:text-zinc-400">
        {names.map((n, j) => (
          <span key={n} className="inline-flex items-center gap-1.5">
            <span className="inline-block size-2.5 rounded-sm" style={{ background: COLORS[j % COLORS.length] }} />
            {n === 'decode' ? 'decode (one token at a time)' : `${n.replace('prefill ', 'prefill, ')}-token prompt`}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
