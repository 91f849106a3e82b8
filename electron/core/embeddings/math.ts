// Similarity and a 2-D picture of a handful of vectors: cosine similarity, and PCA by power iteration
// on the n×n Gram matrix of the centred vectors (n texts ≪ dims, so this is the cheap side).

export function cosineMatrix(vectors: readonly Float32Array[]): number[] {
  const n = vectors.length;
  const norms = vectors.map((v) => Math.sqrt(dot(v, v)) || 1);
  const out = new Array<number>(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const c = dot(vectors[i], vectors[j]) / (norms[i] * norms[j]);
      out[i * n + j] = out[j * n + i] = c;
    }
  }
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Coordinates of each vector on the top two principal components, and the fraction of the total
 * variance each explains. Works on G = X Xᵀ (X centred, n×d): its eigenvectors u give the scores
 * √λ·u directly.
 */
export function pca2(vectors: readonly Float32Array[]): { points: [number, number][]; explained: [number, number] } {
  const n = vectors.length;
  const d = vectors[0]?.length ?? 0;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let k = 0; k < d; k++) mean[k] += v[k] / n;
  const X = vectors.map((v) => Float64Array.from(v, (x, k) => x - mean[k]));
  const G = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => dot(X[i], X[j])));
  const total = G.reduce((s, row, i) => s + row[i], 0);
  const comps: { value: number; vector: number[] }[] = [];
  for (let c = 0; c < 2; c++) {
    let u = Array.from({ length: n }, (_, i) => 1 + ((i * 7919 + c * 104729) % 13) / 13); // fixed start: deterministic
    let value = 0;
    for (let it = 0; it < 500; it++) {
      const w = G.map((row) => dot(row, u));
      for (const p of comps) {
        const proj = dot(w, p.vector);
        for (let i = 0; i < n; i++) w[i] -= proj * p.vector[i];
      }
      const norm = Math.sqrt(dot(w, w));
      if (norm < 1e-12) {
        u = new Array(n).fill(0);
        value = 0;
        break;
      }
      const next = w.map((x) => x / norm);
      const delta = Math.sqrt(next.reduce((s, x, i) => s + (x - u[i]) ** 2, 0));
      u = next;
      value = norm;
      if (delta < 1e-10) break;
    }
    comps.push({ value, vector: u });
  }
  // Sign convention: the largest |score| of each component is positive, so the picture is stable.
  const points: [number, number][] = Array.from({ length: n }, () => [0, 0]);
  comps.forEach((p, c) => {
    const s = Math.sqrt(Math.max(0, p.value));
    let big = 0;
    for (let i = 1; i < n; i++) if (Math.abs(p.vector[i]) > Math.abs(p.vector[big])) big = i;
    const sign = p.vector[big] < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) points[i][c] = sign * s * p.vector[i];
  });
  const explained: [number, number] = total > 0 ? [comps[0].value / total, comps[1].value / total] : [0, 0];
  return { points, explained };
}
