// The live state of one run on screen: stored metrics first, then events appended in step order
// (events for steps already held are ignored, so a refetch and the stream can overlap).
import type { FinetuneEvalMetrics, FinetuneStepMetrics } from '../../../../electron/core/api/finetune.ts';

export interface RunMetrics {
  steps: FinetuneStepMetrics[];
  evals: FinetuneEvalMetrics[];
}

export function addStep(m: RunMetrics, s: FinetuneStepMetrics): RunMetrics {
  const last = m.steps.at(-1);
  if (last && s.step <= last.step) {
    // a resumed run restarts after its checkpoint: drop what came after it
    if (s.step === last.step) return m;
    return { steps: [...m.steps.filter((x) => x.step < s.step), s], evals: m.evals.filter((e) => e.step < s.step) };
  }
  return { ...m, steps: [...m.steps, s] };
}

export function addEval(m: RunMetrics, e: FinetuneEvalMetrics): RunMetrics {
  if (m.evals.some((x) => x.step === e.step)) return m;
  return { ...m, evals: [...m.evals, e] };
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
