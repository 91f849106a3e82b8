import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activePath, chooseThrough, newestLeafBelow, pathTo, siblingInfo, type TreeNode } from './tree.ts';

// u1 → a1 → u2 → a2
//          ↘ u2' (edit) → a2'
//   ↘ a1' (regenerate)
const n = (id: string, parentId: string | null, createdAt: number): TreeNode => ({ id, parentId, createdAt });
const nodes = [n('u1', null, 1), n('a1', 'u1', 2), n('u2', 'a1', 3), n('a2', 'u2', 4), n('u2b', 'a1', 5), n('a2b', 'u2b', 6), n('a1b', 'u1', 7)];
const ids = (p: TreeNode[]) => p.map((x) => x.id);

test('without a choice the thread follows the newest sibling at every fork', () => {
  assert.deepEqual(ids(activePath(nodes)), ['u1', 'a1b']);
});

test('a choice at a fork is followed, newest below it', () => {
  assert.deepEqual(ids(activePath(nodes, { u1: 'a1' })), ['u1', 'a1', 'u2b', 'a2b']);
  assert.deepEqual(ids(activePath(nodes, { u1: 'a1', a1: 'u2' })), ['u1', 'a1', 'u2', 'a2']);
  // A stale choice (deleted message) falls back to the newest.
  assert.deepEqual(ids(activePath(nodes, { u1: 'gone' })), ['u1', 'a1b']);
});

test('sibling info numbers branches oldest first', () => {
  assert.deepEqual(siblingInfo(nodes, 'u2'), { index: 1, count: 2, prevId: null, nextId: 'u2b' });
  assert.deepEqual(siblingInfo(nodes, 'u2b'), { index: 2, count: 2, prevId: 'u2', nextId: null });
  assert.deepEqual(siblingInfo(nodes, 'a1b'), { index: 2, count: 2, prevId: 'a1', nextId: null });
  assert.deepEqual(siblingInfo(nodes, 'u1'), { index: 1, count: 1, prevId: null, nextId: null });
  assert.equal(siblingInfo(nodes, 'nope'), null);
});

test('choosing through a message selects its ancestors and forgets choices below it', () => {
  const c = chooseThrough(nodes, { u1: 'a1b' }, 'u2');
  assert.deepEqual(ids(activePath(nodes, c)), ['u1', 'a1', 'u2', 'a2']);
  const back = chooseThrough(nodes, c, 'a1');
  assert.equal(back.a1, undefined, 'the choice below a1 is dropped');
  assert.deepEqual(ids(activePath(nodes, back)), ['u1', 'a1', 'u2b', 'a2b']);
});

test('a cycle in bad data ends the path instead of hanging', () => {
  const bad = [n('x', 'y', 1), n('y', 'x', 2), n('r', null, 0)];
  assert.deepEqual(ids(activePath(bad)), ['r']);
});

test('pathTo walks up from a leaf; newestLeafBelow walks down the newest children', () => {
  assert.deepEqual(ids(pathTo(nodes, 'a2')), ['u1', 'a1', 'u2', 'a2']);
  assert.deepEqual(ids(pathTo(nodes, null)), []);
  assert.deepEqual(ids(pathTo(nodes, 'missing')), []);
  assert.equal(newestLeafBelow(nodes, 'a1'), 'a2b');
  assert.equal(newestLeafBelow(nodes, 'u2'), 'a2');
  assert.equal(newestLeafBelow(nodes, 'a1b'), 'a1b');
});
