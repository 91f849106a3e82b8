// Cuts streaming markdown into top-level blocks at blank lines that are outside fenced code, so a
// renderer can keep the finished blocks and re-parse only the last one. Joining the blocks with
// "\n\n" gives back the source (up to the exact run of blank lines between blocks).
export function splitStreamingBlocks(source: string): string[] {
  const blocks: string[] = [];
  let fence: string | null = null;
  let start = 0;
  let pos = 0;
  while (pos <= source.length) {
    const end = source.indexOf('\n', pos);
    const lineEnd = end < 0 ? source.length : end;
    const line = source.slice(pos, lineEnd);
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (marker) {
      if (fence === null) fence = marker[1];
      else if (marker[1][0] === fence[0] && marker[1].length >= fence.length && line.trim() === marker[1]) fence = null;
    } else if (fence === null && line.trim() === '' && end >= 0) {
      const block = source.slice(start, pos).replace(/\n+$/, '');
      if (block.trim()) blocks.push(block);
      start = lineEnd + 1;
    }
    if (end < 0) break;
    pos = end + 1;
  }
  const rest = source.slice(start);
  if (rest.trim() || blocks.length === 0) blocks.push(rest);
  return blocks;
}
