// Helpers for kernel tests: seeded random data and a comparison that names the worst element.
import assert from 'node:assert/strict';

/** Deterministic uniform numbers in [-1, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

export function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r() * scale;
  return a;
}

/** Asserts |got − want| ≤ atol + rtol·|want| everywhere; on failure prints the worst element. */
export function assertClose(what: string, got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol = 0): number {
  assert.equal(got.length, want.length, `${what}: length ${got.length} vs ${want.length}`);
  let worst = -1;
  let worstExcess = -Infinity;
  let maxAbs = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= maxAbs) || Number.isNaN(err)) maxAbs = Number.isNaN(err) ? Infinity : Math.max(maxAbs, err);
    const excess = Number.isNaN(err) ? Infinity : err - (atol + rtol * Math.abs(want[i]));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worstExcess > 0) {
    assert.fail(
      `${what}: max abs error ${maxAbs.toExponential(3)}; worst at index ${worst}: got ${got[worst]}, want ${want[worst]} (atol ${atol}, rtol ${rtol})`,
    );
  }
  return maxAbs;
}
