// Numbers on charts and in their captions: as many digits as the reader needs, never "-0" and never
// JavaScript's "2.694e+0" (an exponent appears only for very small or very large magnitudes).
import { scaleLinear } from 'd3-scale';

/** A value for a tooltip or caption: 4 significant digits, exponent only below 1e-3 or from 1e5. */
export function formatNumber(v: number, digits = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) {
    const [m, e] = v.toExponential(digits - 1).split('e');
    return `${trimZeros(m)}e${Number(e)}`;
  }
  return trimZeros(v.toPrecision(digits));
}

const trimZeros = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

/** Nice round ticks over [lo, hi] (d3-scale) with labels of just enough precision, "0" not "-0.0". */
export function niceTicks(lo: number, hi: number, count = 5): { value: number; label: string }[] {
  const scale = scaleLinear().domain([lo, hi]);
  const format = scale.tickFormat(count);
  return scale.ticks(count).map((t) => {
    const value = t === 0 ? 0 : t; // −0 → 0
    return { value, label: format(value).replace(/^[−-](0(\.0*)?)$/, '$1') };
  });
}

/** Log-scale ticks: one per decade, written 10⁻³ style. */
export function decadeLabel(exponent: number): string {
  const sup: Record<string, string> = {
    '-': '⁻',
    '0': '⁰',
    '1': '¹',
    '2': '²',
    '3': '³',
    '4': '⁴',
    '5': '⁵',
    '6': '⁶',
    '7': '⁷',
    '8': '⁸',
    '9': '⁹',
  };
  return exponent === 0 ? '1' : `10${String(exponent).replace(/./g, (c) => sup[c] ?? c)}`;
}
