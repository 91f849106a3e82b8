// Number formatting for the inspector's tables.
export function pct(v: number, digits = 2): string {
  return `${(v * 100).toFixed(digits)}%`;
}

export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return v.toFixed(a >= 100 ? 1 : 4);
}

/** Signed probability change in percentage points. */
export function delta(v: number): string {
  const s = (v * 100).toFixed(2);
  return v > 0 ? `+${s}` : s;
}

export const layerName = (layer: number) => (layer < 0 ? 'emb' : `L${layer}`);
