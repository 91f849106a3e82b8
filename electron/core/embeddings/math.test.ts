import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosineMatrix, pca2 } from './math.ts';

test('cosine similarity: 1 on the diagonal, symmetric, −1 for opposite vectors, 0 for orthogonal', () => {
  const m = cosineMatrix([Float32Array.of(1, 0, 0), Float32Array.of(-2, 0, 0), Float32Array.of(0, 3, 0)]);
  assert.deepEqual(
    m.map((x) => Math.round(x * 1e6) / 1e6),
    [1, -1, 0, -1, 1, 0, 0, 0, 1],
  );
});

test('PCA of points on a plane recovers their distances and explains all the variance', () => {
  // Points in 5-D that lie in a 2-D plane spanned by two orthonormal directions.
  const a = [0.6, 0.8, 0, 0, 0];
  const b = [0, 0, 1, 0, 0];
  const coords = [
    [0, 0],
    [3, 1],
    [-2, 4],
    [1, -5],
    [6, 2],
  ];
  const vecs = coords.map(([x, y]) => Float32Array.from(a.map((ak, k) => 10 + x * ak + y * b[k])));
  const { points, explained } = pca2(vecs);
  assert.ok(Math.abs(explained[0] + explained[1] - 1) < 1e-6, `explained ${explained}`);
  assert.ok(explained[0] >= explained[1]);
  // Pairwise distances are preserved by a rotation/reflection of the plane.
  for (let i = 0; i < coords.length; i++) {
    for (let j = 0; j < coords.length; j++) {
      const want = Math.hypot(coords[i][0] - coords[j][0], coords[i][1] - coords[j][1]);
      const got = Math.hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]);
      assert.ok(Math.abs(want - got) < 1e-3, `distance ${i}-${j}: ${got} vs ${want}`);
    }
  }
});
