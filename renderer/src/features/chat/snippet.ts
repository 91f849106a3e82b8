// Search snippets from the core mark matches with control characters (never HTML); this splits them
// into plain and highlighted runs for React to render as text.

/** Splits an FTS snippet (matches between \u0002 and \u0003) into plain and highlighted parts; never HTML. */
export function snippetParts(snippet: string, open = '\u0002', close = '\u0003'): { text: string; hit: boolean }[] {
  const parts: { text: string; hit: boolean }[] = [];
  let rest = snippet;
  while (rest.length) {
    const a = rest.indexOf(open);
    if (a < 0) break;
    const b = rest.indexOf(close, a + open.length);
    if (b < 0) break;
    if (a > 0) parts.push({ text: rest.slice(0, a), hit: false });
    parts.push({ text: rest.slice(a + open.length, b), hit: true });
    rest = rest.slice(b + close.length);
  }
  if (rest) parts.push({ text: rest, hit: false });
  return parts;
}
