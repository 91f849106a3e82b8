// Branches of a conversation, written once for the core and the renderer. Messages form a tree
// (parentId); editing a user message or regenerating a reply adds a sibling instead of overwriting.
// The thread shown is the path from a root to the session's current leaf (kept by the core); switching
// to a message shows the newest branch below it. Pure functions: tested without a database or a browser.

export interface TreeNode {
  id: string;
  parentId: string | null;
  createdAt: number;
}

const keyOf = (parentId: string | null) => parentId ?? '';

/** Children of every node, oldest first (ties keep input order). */
export function childrenByParent<T extends TreeNode>(nodes: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  nodes.forEach((n) => {
    const k = keyOf(n.parentId);
    const list = map.get(k);
    if (list) list.push(n);
    else map.set(k, [n]);
  });
  for (const list of map.values()) list.sort((a, b) => a.createdAt - b.createdAt);
  return map;
}

export interface SiblingInfo {
  /** 1-based position among its siblings, oldest first. */
  index: number;
  count: number;
  prevId: string | null;
  nextId: string | null;
}

export function siblingInfo<T extends TreeNode>(nodes: readonly T[], id: string): SiblingInfo | null {
  const node = nodes.find((n) => n.id === id);
  if (!node) return null;
  const sibs = childrenByParent(nodes).get(keyOf(node.parentId)) ?? [node];
  const i = sibs.findIndex((s) => s.id === id);
  return { index: i + 1, count: sibs.length, prevId: sibs[i - 1]?.id ?? null, nextId: sibs[i + 1]?.id ?? null };
}

/** Root → `leafId`, by following parents (empty when the leaf is unknown). */
export function pathTo<T extends TreeNode>(nodes: readonly T[], leafId: string | null): T[] {
  if (!leafId) return [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const path: T[] = [];
  const seen = new Set<string>();
  for (let cur = byId.get(leafId); cur && !seen.has(cur.id); cur = cur.parentId ? byId.get(cur.parentId) : undefined) {
    seen.add(cur.id);
    path.push(cur);
  }
  return path.reverse();
}

/**
 * The leaf reached from `id` by always taking the newest child (what switching to `id` shows); with
 * `id` null, from the newest root (what a session opens on). Null only when there are no messages.
 */
export function newestLeafBelow<T extends TreeNode>(nodes: readonly T[], id: string | null): string | null {
  const children = childrenByParent(nodes);
  let cur = id ?? children.get('')?.at(-1)?.id ?? null;
  if (cur === null) return null;
  const seen = new Set<string>([cur]);
  for (;;) {
    const kids = children.get(cur);
    const next = kids?.[kids.length - 1];
    if (!next || seen.has(next.id)) return cur;
    seen.add(next.id);
    cur = next.id;
  }
}
