// inspect.*: starts the inspector's jobs in the engine worker and relays their progress. The runs'
// activations live in the worker; this side only forwards requests and keeps the job bookkeeping.
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ModelChoice } from '../api/inspect.ts';
import type { CoreContext, ServiceHandlers } from '../app/context.ts';
import type { JobContext } from '../app/jobs.ts';

type EngineTask = Parameters<CoreContext['workers']['engine']['request']>[0];

export function inspectHandlers(ctx: CoreContext): ServiceHandlers<'inspect'> {
  const engine = ctx.workers.engine;
  /** Runs an engine task as a job: progress events move the job's bar, cancel aborts the task. */
  const job = <K extends EngineTask>(kind: string, title: string, task: K, input: Parameters<typeof engine.request<K>>[1]) =>
    ctx.jobs.start({ kind, title }, (j: JobContext) =>
      engine.request(task, input, {
        signal: j.signal,
        onEvent: (e) => {
          const { progress, message } = e as { progress: number; message: string };
          j.progress(progress, message);
        },
      }),
    );

  return {
    'inspect.models': () => listModels(ctx.paths.modelsDir),
    'inspect.run': (input) => {
      const started = job('inspect.run', `Inspect “${short(input.prompt)}”`, 'inspectRun', input);
      started.done.then(
        (run) => ctx.events.publish('inspect.runFinished', { runId: run.runId, prompt: run.prompt, jobId: started.jobId }),
        () => {},
      );
      return { jobId: started.jobId };
    },
    'inspect.attention': (input) => engine.request('inspectAttention', input),
    'inspect.lens': (input) => engine.request('inspectLens', input),
    'inspect.lensAll': (input) => ({ jobId: job('inspect.lensAll', 'Logit lens at every position', 'inspectLensAll', input).jobId }),
    'inspect.intervene': (input) => ({ jobId: job('inspect.intervene', `Intervene (${input.interventions.length})`, 'inspectIntervene', input).jobId }),
    'inspect.compare': (input) => ({ jobId: job('inspect.compare', `Compare “${short(input.promptA)}” / “${short(input.promptB)}”`, 'inspectCompare', input).jobId }),
    'inspect.gradients': (input) => ({ jobId: job('inspect.gradients', `Gradients of “${short(input.prompt)}”`, 'inspectGradients', input).jobId }),
  };
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 40 ? `${one.slice(0, 39)}…` : one;
}

/** .gguf files directly in the models folder, newest first. */
function listModels(dir: string): ModelChoice[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.toLowerCase().endsWith('.gguf'))
    .map((n) => {
      const path = join(dir, n);
      const st = statSync(path, { throwIfNoEntry: false });
      return st?.isFile() ? { path, name: basename(n, '.gguf'), sizeBytes: st.size, mtime: st.mtimeMs } : null;
    })
    .filter((m): m is ModelChoice & { mtime: number } => m !== null)
    .sort((a, b) => b.mtime - a.mtime)
    .map(({ path, name, sizeBytes }) => ({ path, name, sizeBytes }));
}
