// Confidence colouring of generated tokens: the probability the model gave the token it picked,
// in four bands. Classes only (the CSP forbids inline style attributes in rendered HTML).

export type ConfidenceBand = 'high' | 'medium' | 'low' | 'very-low';

/** ≥ 0.8 high, ≥ 0.5 medium, ≥ 0.2 low, else very low. */
export function confidenceBand(prob: number): ConfidenceBand {
  if (prob >= 0.8) return 'high';
  if (prob >= 0.5) return 'medium';
  if (prob >= 0.2) return 'low';
  return 'very-low';
}

export const bandClass: Record<ConfidenceBand, string> = {
  high: 'bg-emerald-100/70 dark:bg-emerald-500/15',
  medium: 'bg-lime-100 dark:bg-lime-500/15',
  low: 'bg-amber-100 dark:bg-amber-500/20',
  'very-low': 'bg-red-100 dark:bg-red-500/25',
};

export const bandLabel: Record<ConfidenceBand, string> = {
  high: '≥ 80%',
  medium: '50–80%',
  low: '20–50%',
  'very-low': '< 20%',
};

/** "97.3%", "0.42%", "<0.01%": enough digits to tell small alternatives apart. */
export function formatProb(p: number): string {
  const pct = p * 100;
  if (pct >= 10) return `${pct.toFixed(1)}%`;
  if (pct >= 0.01) return `${pct.toFixed(2)}%`;
  return pct > 0 ? '<0.01%' : '0%';
}

/** Shows whitespace in a token so " the" and "the" differ visibly. */
export function visibleToken(t: string): string {
  return t.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥') || '∅';
}
