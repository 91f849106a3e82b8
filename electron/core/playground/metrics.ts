// Tagging quality against gold labels: exact-set accuracy, per-label precision and recall, and (for
// single-label runs) the confusion matrix gold × predicted. Items without gold labels or without a
// prediction (failed) are left out.
import type { LabelMetrics, TagMetrics } from '../api/playground.ts';

export interface Scored {
  gold: string[] | null;
  predicted: string[] | null;
}

export function tagMetrics(
  labels: readonly string[],
  multiLabel: boolean,
  items: readonly Scored[],
  itemsPerSecond: number | null,
): TagMetrics {
  const evaluated = items.filter(
    (i): i is { gold: string[]; predicted: string[] } => !!i.gold && i.gold.length > 0 && !!i.predicted && i.predicted.length > 0,
  );
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
  const perLabel: LabelMetrics[] = labels.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const i of evaluated) {
      const g = i.gold.includes(label);
      const p = i.predicted.includes(label);
      if (g && p) tp++;
      else if (p) fp++;
      else if (g) fn++;
    }
    return { label, precision: tp + fp > 0 ? tp / (tp + fp) : null, recall: tp + fn > 0 ? tp / (tp + fn) : null, support: tp + fn };
  });
  let confusion: TagMetrics['confusion'] = null;
  if (!multiLabel) {
    const index = new Map(labels.map((l, k) => [l, k]));
    const counts = labels.map(() => labels.map(() => 0));
    for (const i of evaluated) {
      const g = index.get(i.gold[0]);
      const p = index.get(i.predicted[0]);
      if (g !== undefined && p !== undefined) counts[g][p]++;
    }
    confusion = { labels: [...labels], counts };
  }
  return {
    kind: 'tag',
    evaluated: evaluated.length,
    accuracy: evaluated.length > 0 ? evaluated.filter((i) => same(i.gold, i.predicted)).length / evaluated.length : null,
    perLabel,
    confusion,
    itemsPerSecond,
  };
}
