// Reading order for one PDF page from positioned text items. PDF content streams list text in
// drawing order, which for two-column pages often interleaves the columns line by line. We look for
// a vertical gutter (a band of x no item crosses) near the middle of the text; if there is one, the
// page reads: full-width items above the columns, the left column, the right column, then what is
// below. Within a column, items are grouped into lines by baseline, lines into paragraphs by gaps.

export interface PositionedItem {
  str: string;
  /** PDF user space: origin bottom-left, y grows upwards; y is the baseline. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PageText {
  text: string;
  columns: 1 | 2;
}

const MIN_GUTTER = 8; // points; narrower gaps are word spacing

export function pageText(items: readonly PositionedItem[]): PageText {
  const kept = items.filter((i) => i.str.trim().length > 0);
  if (kept.length === 0) return { text: '', columns: 1 };
  const split = findGutter(kept);
  if (!split) return { text: linesToText(kept), columns: 1 };
  const { gutter } = split;
  const spans = (i: PositionedItem) => i.x < gutter && i.x + i.width > gutter;
  const columnItems = kept.filter((i) => !spans(i));
  const top = Math.max(...columnItems.map((i) => i.y));
  const bottom = Math.min(...columnItems.map((i) => i.y));
  const above = kept.filter((i) => spans(i) && i.y > top);
  const below = kept.filter((i) => spans(i) && i.y <= top && i.y < bottom);
  const inside = kept.filter((i) => spans(i) && i.y <= top && i.y >= bottom); // rare: a wide item between column lines
  const left = columnItems.filter((i) => i.x + i.width / 2 < gutter);
  const right = columnItems.filter((i) => i.x + i.width / 2 >= gutter);
  const parts = [above, [...left, ...inside], right, below].filter((p) => p.length > 0).map(linesToText);
  return { text: parts.join('\n\n'), columns: 2 };
}

function findGutter(items: readonly PositionedItem[]): { gutter: number } | null {
  const minX = Math.min(...items.map((i) => i.x));
  const maxX = Math.max(...items.map((i) => i.x + i.width));
  const extent = maxX - minX;
  if (extent < 100) return null;
  // Items wider than 60% of the text block are headings/titles that span both columns.
  const narrow = items.filter((i) => i.width < extent * 0.6);
  const bins = Math.ceil(extent);
  const covered = new Uint8Array(bins + 1);
  for (const i of narrow) {
    const from = Math.max(0, Math.floor(i.x - minX));
    const to = Math.min(bins, Math.ceil(i.x + i.width - minX));
    covered.fill(1, from, to);
  }
  // The widest empty band within the middle half of the text block.
  let best: { start: number; len: number } | null = null;
  const lo = Math.floor(extent * 0.25);
  const hi = Math.ceil(extent * 0.75);
  for (let b = lo; b <= hi;) {
    if (covered[b]) {
      b++;
      continue;
    }
    let e = b;
    while (e <= bins && !covered[e]) e++;
    if (!best || e - b > best.len) best = { start: b, len: e - b };
    b = e;
  }
  if (!best || best.len < MIN_GUTTER) return null;
  const gutter = minX + best.start + best.len / 2;
  // Both sides must hold real columns (several lines each), not a stray caption.
  const lines = (side: PositionedItem[]) => new Set(side.map((i) => Math.round(i.y))).size;
  const left = narrow.filter((i) => i.x + i.width <= gutter);
  const right = narrow.filter((i) => i.x >= gutter);
  if (lines(left) < 3 || lines(right) < 3) return null;
  return { gutter };
}

/** Items → lines (same baseline within half a line height) → paragraphs (blank line at big gaps). */
export function linesToText(items: readonly PositionedItem[]): string {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: { y: number; height: number; items: PositionedItem[] }[] = [];
  for (const item of sorted) {
    const line = lines[lines.length - 1];
    const tolerance = Math.max(1, (line?.height ?? item.height) * 0.5);
    if (line && Math.abs(line.y - item.y) <= tolerance) line.items.push(item);
    else lines.push({ y: item.y, height: item.height || 10, items: [item] });
  }
  const gaps = lines.slice(1).map((l, k) => lines[k].y - l.y);
  const typical = median(gaps.filter((g) => g > 0)) ?? 12;
  let out = '';
  lines.forEach((line, k) => {
    const text = line.items
      .sort((a, b) => a.x - b.x)
      .map((i) => i.str)
      .reduce((acc, s) => (acc && !acc.endsWith(' ') && !s.startsWith(' ') ? `${acc} ${s}` : acc + s), '')
      .trim();
    if (k > 0) out += gaps[k - 1] > typical * 1.6 ? '\n\n' : '\n';
    out += text;
  });
  return out;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
