// Branches of a conversation. Messages form a tree (parentId); editing a user message or
// regenerating a reply adds a sibling instead of overwriting. The thread shown is one path from a
// root to a leaf: at each fork it follows the user's choice, else the newest sibling.
// Pure functions, so the branch logic is tested without a browser.

export interface TreeNode {
  id: string;
  parentId: string | null;
  createdAt: number;
}

/** Which child was picked at each fork, keyed by the parent's id ('' for the roots). */
export type BranchChoice = Readonly<Record<string, string>>;

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

/** The thread: root → leaf, following `choice` at forks and the newest sibling elsewhere. */
export function activePath<T extends TreeNode>(nodes: readonly T[], choice: BranchChoice = {}): T[] {
  const children = childrenByParent(nodes);
  const path: T[] = [];
  const seen = new Set<string>();
  let key = '';
  for (;;) {
    const kids = children.get(key);
    if (!kids || kids.length === 0) return path;
    const picked = kids.find((k) => k.id === choice[key]) ?? kids[kids.length - 1];
    if (seen.has(picked.id)) return path; // a cycle in bad data must not hang the UI
    seen.add(picked.id);
    path.push(picked);
    key = picked.id;
  }
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

/** The choice that makes the thread pass through `id` (and then follow the newest branch below it). */
export function chooseThrough<T extends TreeNode>(nodes: readonly T[], choice: BranchChoice, id: string): BranchChoice {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const next: Record<string, string> = { ...choice };
  let cur = byId.get(id);
  const seen = new Set<string>();
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    next[keyOf(cur.parentId)] = cur.id;
    cur = cur.parentId ? byId.get(cur.parentId) : undefined;
  }
  // Below the chosen node, fall back to the newest branch: drop choices for its descendants.
  const children = childrenByParent(nodes);
  const stack = [id];
  while (stack.length) {
    const k = stack.pop()!;
    for (const c of children.get(k) ?? []) {
      if (next[k] === c.id) delete next[k];
      stack.push(c.id);
    }
  }
  return next;
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

/** The leaf reached from `id` by always taking the newest child (what switching to `id` shows). */
export function newestLeafBelow<T extends TreeNode>(nodes: readonly T[], id: string): string {
  const children = childrenByParent(nodes);
  const seen = new Set<string>([id]);
  let cur = id;
  for (;;) {
    const kids = children.get(cur);
    const next = kids?.[kids.length - 1];
    if (!next || seen.has(next.id)) return cur;
    seen.add(next.id);
    cur = next.id;
  }
}
