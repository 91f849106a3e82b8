// The inspector's tasks in the engine worker process. One Inspector per process holds the model
// and recent runs; progress goes out as JobProgress events (`{ progress, message }`, relayed to the
// job by ../app/workerJob.ts), cancel arrives as the signal.
import type { JobProgress } from '../api/jobs.ts';
import type { AdapterChoice, Intervention } from '../api/inspect.ts';
import { defineTasks, TaskError, type TaskContext } from '../workers/task.ts';
import { InspectError, Inspector, type Progress, type RunInput } from './inspector.ts';

let inspector: Inspector | null = null;
const get = () => (inspector ??= new Inspector({ threads: envThreads() }));

function envThreads(): number | undefined {
  const n = Number(process.env.GLASSBOX_ENGINE_THREADS);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Errors the engine throws for input it cannot take (a broken file, a token out of range). */
const BAD_INPUT_ERRORS = new Set(['RangeError', 'ModelLoadError', 'GgufError', 'LossError']);

const progressOf =
  (ctx: TaskContext): Progress =>
  (progress, message) =>
    ctx.emit({ progress, message } satisfies JobProgress);

/** Errors become TaskErrors with the code the UI shows (bad input vs a bug vs a cancel). */
async function guard<T>(ctx: TaskContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (ctx.signal.aborted) throw new TaskError('cancelled', 'cancelled');
    if (err instanceof InspectError) throw new TaskError(err.code, err.message);
    if (err instanceof Error && BAD_INPUT_ERRORS.has(err.name)) throw new TaskError('bad_input', err.message);
    throw err;
  }
}

export const inspectTasks = defineTasks({
  /** The run, and its attention maps when they fit in `attentionBytes` (the core stores them). */
  inspectRun: (input: RunInput & { attentionBytes: number }, ctx) =>
    guard(ctx, async () => {
      const { attentionBytes, ...runInput } = input;
      const run = await get().run(runInput, progressOf(ctx), ctx.signal);
      return { run, attention: attentionBytes > 0 ? get().attentionMaps(run.runId, attentionBytes) : null };
    }),
  inspectHolds: (input: { runId: string }) => get().holds(input.runId),
  inspectAttention: (input: { runId: string; layer: number; head: number }, ctx) =>
    guard(ctx, () => get().attention(input.runId, input.layer, input.head)),
  inspectLens: (input: { runId: string; position: number; topK: number }, ctx) =>
    guard(ctx, () => get().lens(input.runId, input.position, input.topK)),
  inspectLensAll: (input: { runId: string; topK: number }, ctx) =>
    guard(ctx, () => get().lensAll(input.runId, input.topK, progressOf(ctx), ctx.signal)),
  inspectIntervene: (input: { runId: string; interventions: Intervention[]; position?: number; topK: number }, ctx) =>
    guard(ctx, () => get().intervene(input, progressOf(ctx), ctx.signal)),
  inspectCompare: (
    input: { modelPath: string; promptA: string; promptB: string; topK: number; addBos: boolean; adapter?: AdapterChoice },
    ctx,
  ) => guard(ctx, () => get().compare(input, progressOf(ctx), ctx.signal)),
  inspectGradients: (input: { modelPath: string; prompt: string; target: string; addBos: boolean; adapter?: AdapterChoice }, ctx) =>
    guard(ctx, () => get().gradients(input, progressOf(ctx), ctx.signal)),
});
