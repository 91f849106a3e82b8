// Colour scales for the inspector's charts: a perceptually ordered sequential scale (viridis-like
// stops) for magnitudes and a blue–white–red diverging one for signed values.
type RGB = [number, number, number];

const SEQUENTIAL: RGB[] = [
  [68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37],
];
const DIVERGING: RGB[] = [
  [33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43],
];

function interpolate(stops: RGB[], t: number): RGB {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i], b = stops[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** t in 0..1 → sequential colour. */
export const sequential = (t: number): RGB => interpolate(SEQUENTIAL, t);
/** t in −1..1 → diverging colour (0 = white). */
export const diverging = (t: number): RGB => interpolate(DIVERGING, (t + 1) / 2);

export const css = ([r, g, b]: RGB, alpha = 1) => `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${alpha})`;

/** Black or white text, whichever reads better on `rgb`. */
export function textOn([r, g, b]: RGB): string {
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#18181b' : '#fafafa';
}
