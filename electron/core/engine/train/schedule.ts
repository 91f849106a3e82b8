// Learning-rate schedules as transformers defines them: linear warm-up from 0 to the peak, then
// cosine (to 0 at the last step), linear decay (to 0) or constant.

export type ScheduleKind = 'cosine' | 'linear' | 'constant';

/** Learning rate for optimizer step `step` (0-based) of `total`. */
export function learningRate(step: number, total: number, peak: number, warmup: number, kind: ScheduleKind): number {
  if (warmup > 0 && step < warmup) return (peak * (step + 1)) / (warmup + 1);
  const span = Math.max(1, total - warmup);
  const progress = Math.min(1, (step - warmup) / span);
  switch (kind) {
    case 'constant':
      return peak;
    case 'linear':
      return peak * (1 - progress);
    case 'cosine':
      return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
    default:
      return kind satisfies never;
  }
}
