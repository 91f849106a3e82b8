// Colour scales for charts, from d3-scale-chromatic: viridis (perceptually ordered) for magnitudes
// and red–blue (blue negative, white zero, red positive) for signed values. Each is sampled once into
// a 256-entry table, so painting a 2,048² heatmap's ImageData is a lookup per cell.
import { interpolateRdBu, interpolateViridis } from 'd3-scale-chromatic';

export type RGB = [number, number, number];

/** "#rrggbb" or "rgb(r, g, b)" (what d3's interpolators return) → [r, g, b]. */
export function parseColor(c: string): RGB {
  if (c.startsWith('#') && c.length === 7) return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
  const m = /rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/.exec(c);
  if (!m) throw new Error(`not a colour: ${c}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

const table = (f: (t: number) => string): RGB[] => Array.from({ length: 256 }, (_, i) => parseColor(f(i / 255)));
const VIRIDIS = table(interpolateViridis);
// interpolateRdBu runs red → blue; reversed so that negative is blue.
const RDBU = table((t) => interpolateRdBu(1 - t));

const pick = (lut: RGB[], t: number): RGB => lut[Math.round(Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * 255)];

/** t in 0..1 → sequential colour. */
export const sequential = (t: number): RGB => pick(VIRIDIS, t);
/** t in −1..1 → diverging colour (0 = white). */
export const diverging = (t: number): RGB => pick(RDBU, (t + 1) / 2);

export const css = ([r, g, b]: RGB, alpha = 1) => `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${alpha})`;

/** Black or white text, whichever reads better on `rgb`. */
export function textOn([r, g, b]: RGB): string {
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#18181b' : '#fafafa';
}

/** CSS gradient of a scale, for legends. */
export function gradientCss(scale: 'sequential' | 'diverging'): string {
  const stops = Array.from({ length: 11 }, (_, i) => i / 10);
  return `linear-gradient(to right, ${stops.map((t) => css(scale === 'diverging' ? diverging(2 * t - 1) : sequential(t))).join(', ')})`;
}
