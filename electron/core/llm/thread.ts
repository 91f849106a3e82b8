// The message tree of a session: the thread (root → leaf) a leaf stands for, and the leaf a
// branch switch lands on (following the newest child below the chosen message).
import type { ChatMessage } from '../api/chat.ts';

/** Ids root → `leafId`; [] if the leaf is unknown. Stops on a cycle (damaged data). */
export function pathTo(messages: readonly ChatMessage[], leafId: string | null): string[] {
  if (!leafId) return [];
  const byId = new Map(messages.map((m) => [m.id, m]));
  const path: string[] = [];
  const seen = new Set<string>();
  for (let cur = byId.get(leafId); cur && !seen.has(cur.id); cur = cur.parentId ? byId.get(cur.parentId) : undefined) {
    seen.add(cur.id);
    path.push(cur.id);
  }
  return path.reverse();
}

/** From `fromId` (or the newest root), follow the newest child down to a leaf. Messages are oldest first. */
export function newestLeafBelow(messages: readonly ChatMessage[], fromId: string | null): string | null {
  const children = new Map<string, string[]>();
  for (const m of messages) {
    const k = m.parentId ?? '';
    const list = children.get(k);
    if (list) list.push(m.id);
    else children.set(k, [m.id]);
  }
  let cur = fromId ?? children.get('')?.at(-1) ?? null;
  const seen = new Set<string>();
  while (cur && !seen.has(cur)) {
    seen.add(cur);
    const kids = children.get(cur);
    if (!kids || kids.length === 0) return cur;
    cur = kids[kids.length - 1];
  }
  return cur;
}
