import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newestLeafBelow, pathTo, siblingInfo, type TreeNode } from './chat-tree.ts';

// u1 → a1 → u2 → a2
//          ↘ u2' (edit) → a2'
//   ↘ a1' (regenerate)
const n = (id: string, parentId: string | null, createdAt: number): TreeNode => ({ id, parentId, createdAt });
const nodes = [
  n('u1', null, 1),
  n('a1', 'u1', 2),
  n('u2', 'a1', 3),
  n('a2', 'u2', 4),
  n('u2b', 'a1', 5),
  n('a2b', 'u2b', 6),
  n('a1b', 'u1', 7),
];
const ids = (p: TreeNode[]) => p.map((x) => x.id);

test('sibling info numbers branches oldest first', () => {
  assert.deepEqual(siblingInfo(nodes, 'u2'), { index: 1, count: 2, prevId: null, nextId: 'u2b' });
  assert.deepEqual(siblingInfo(nodes, 'u2b'), { index: 2, count: 2, prevId: 'u2', nextId: null });
  assert.deepEqual(siblingInfo(nodes, 'a1b'), { index: 2, count: 2, prevId: 'a1', nextId: null });
  assert.deepEqual(siblingInfo(nodes, 'u1'), { index: 1, count: 1, prevId: null, nextId: null });
  assert.equal(siblingInfo(nodes, 'nope'), null);
});

test('pathTo walks up from a leaf; newestLeafBelow walks down the newest children', () => {
  assert.deepEqual(ids(pathTo(nodes, 'a2')), ['u1', 'a1', 'u2', 'a2']);
  assert.deepEqual(ids(pathTo(nodes, null)), []);
  assert.deepEqual(ids(pathTo(nodes, 'missing')), []);
  assert.equal(newestLeafBelow(nodes, 'a1'), 'a2b');
  assert.equal(newestLeafBelow(nodes, 'u2'), 'a2');
  assert.equal(newestLeafBelow(nodes, 'a1b'), 'a1b');
});

test('a cycle in bad data ends the walk instead of hanging', () => {
  const bad = [n('x', 'y', 1), n('y', 'x', 2), n('r', null, 0)];
  assert.deepEqual(ids(pathTo(bad, 'x')), ['y', 'x']);
  assert.equal(newestLeafBelow([n('p', 'q', 1), n('q', 'p', 2)], 'p'), 'q');
});

test('with no message chosen, a session opens on the newest branch of its newest root; an empty one on nothing', () => {
  const n = (id: string, parentId: string | null, createdAt: number) => ({ id, parentId, createdAt });
  const nodes = [n('r1', null, 1), n('r2', null, 2), n('a', 'r2', 3), n('b', 'r2', 4), n('c', 'b', 5)];
  assert.equal(newestLeafBelow(nodes, null), 'c');
  assert.equal(newestLeafBelow([], null), null);
});
