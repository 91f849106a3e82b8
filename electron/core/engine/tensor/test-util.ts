// Helpers for kernel tests: a comparison that names the worst element. (Seeded data: ./random.ts.)
import assert from 'node:assert/strict';

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
