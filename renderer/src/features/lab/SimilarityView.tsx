// A similarity matrix (cosine, −1…1, diverging colours) and the texts' 2-D PCA projection; hovering a
// cell or a point names the texts. The numbers drawn are exactly the API's.
import { scaleLinear } from 'd3-scale';
import { interpolateRdBu } from 'd3-scale-chromatic';
import { useState } from 'react';
import type { SimilarityResult } from '../../../../electron/core/api/lab.ts';
import { fmtPct, fmtSim } from './format.ts';

const short = (s: string, n = 28) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function SimilarityView({ result }: { result: SimilarityResult }) {
  const [hover, setHover] = useState<number | null>(null);
  const n = result.texts.length;
  const cell = Math.max(26, Math.min(56, Math.floor(420 / n)));
  const left = 24;
  const colour = (v: number) => interpolateRdBu((v + 1) / 2); // RdBu runs red (0) → blue (1): 1 → blue, −1 → red
  const P = 260;
  const xs = result.projection.map((p) => p[0]);
  const ys = result.projection.map((p) => p[1]);
  const span = (a: number[]) => Math.max(1e-9, Math.max(...a.map(Math.abs)));
  const x = scaleLinear()
    .domain([-span(xs), span(xs)])
    .range([20, P - 20]);
  const y = scaleLinear()
    .domain([-span(ys), span(ys)])
    .range([P - 20, 20]);
  return (
    <div className="flex flex-wrap items-start gap-8">
      <figure className="space-y-1.5">
        <svg
          width={left + n * cell + 2}
          height={n * cell + 2}
          role="img"
          aria-label="Cosine similarity matrix"
          data-testid="similarity-matrix"
        >
          {result.texts.map((_, i) => (
            <text key={i} x={left - 6} y={i * cell + cell / 2 + 4} textAnchor="end" className="fill-zinc-500 text-[11px]">
              {i + 1}
            </text>
          ))}
          {result.texts.map((_, i) =>
            result.texts.map((__, j) => {
              const v = result.matrix[i * n + j];
              return (
                <g
                  key={`${i}-${j}`}
                  transform={`translate(${left + j * cell}, ${i * cell})`}
                  data-testid="similarity-cell"
                  data-i={i}
                  data-j={j}
                  data-value={v}
                >
                  <rect width={cell - 2} height={cell - 2} rx={3} fill={colour(v)} />
                  <text
                    x={(cell - 2) / 2}
                    y={(cell - 2) / 2 + 4}
                    textAnchor="middle"
                    className={`text-[11px] tabular-nums ${Math.abs(v) > 0.6 ? 'fill-white' : 'fill-zinc-900'}`}
                  >
                    {fmtSim(v)}
                  </text>
                  <title>{`${short(result.texts[i], 60)}\n${short(result.texts[j], 60)}\ncosine similarity ${v.toFixed(4)}`}</title>
                </g>
              );
            }),
          )}
        </svg>
        <figcaption className="text-[11.5px] text-zinc-500">
          Cosine similarity: blue = alike (1), white = unrelated (0), red = opposite (−1).
        </figcaption>
      </figure>
      <figure className="space-y-1.5">
        <svg
          width={P}
          height={P}
          role="img"
          aria-label="Texts projected on two principal components"
          className="rounded-md ring-1 ring-zinc-200 dark:ring-zinc-800"
          data-testid="similarity-projection"
        >
          <line x1={x(0)} x2={x(0)} y1={10} y2={P - 10} className="stroke-zinc-200 dark:stroke-zinc-800" />
          <line y1={y(0)} y2={y(0)} x1={10} x2={P - 10} className="stroke-zinc-200 dark:stroke-zinc-800" />
          {result.projection.map(([px, py], i) => (
            <g key={i} onMouseEnter={() => setHover(i)} onMouseLeave={() => setHover(null)} data-testid="projection-point">
              <circle cx={x(px)} cy={y(py)} r={hover === i ? 8 : 6} className="fill-accent-600" />
              <text x={x(px) + 9} y={y(py) + 4} className="fill-zinc-700 text-[11px] dark:fill-zinc-300">
                {i + 1}
              </text>
              <title>{result.texts[i]}</title>
            </g>
          ))}
        </svg>
        <figcaption className="text-[11.5px] text-zinc-500">
          {hover !== null ? (
            <span className="text-zinc-800 dark:text-zinc-200">
              {hover + 1}. {short(result.texts[hover], 70)}
            </span>
          ) : (
            `PCA: the two directions along which these texts differ most (${fmtPct(result.explained[0])} and ${fmtPct(result.explained[1])} of the variance).`
          )}
        </figcaption>
      </figure>
    </div>
  );
}
