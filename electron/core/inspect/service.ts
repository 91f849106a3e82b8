// inspect.*: starts the inspector's jobs in the engine worker, stores finished activation and gradient
// runs in SQLite, and answers lazy views. A run's activations live in the engine worker; when it no
// longer holds a stored run (evicted, or the app restarted), the run is computed again under the same
// id before the view is answered — deterministic, so the numbers match what was stored.
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ServiceError } from '../api/errors.ts';
import type { ModelChoice } from '../api/inspect.ts';
import type { CoreContext, ServiceHandlers } from '../app/context.ts';
import type { JobContext } from '../app/jobs.ts';
import { startWorkerJob } from '../app/workerJob.ts';
import { InspectRunStore, MAX_STORED_ATTENTION_BYTES } from './runStore.ts';

export function inspectHandlers(ctx: CoreContext): ServiceHandlers<'inspect'> {
  const engine = ctx.workers.engine;
  const store = new InspectRunStore(ctx.db);
  const added = (runId: string) => ctx.events.publish('inspect.runsChanged', { runId, change: 'added' });

  /** Recomputations in flight, so views asked for at once (lens + attention) share one forward. */
  const recomputing = new Map<string, Promise<void>>();

  /** Makes sure the engine holds `runId` (a stored run it lost is computed again); unknown ids are not_found. */
  const ensureHeld = async (runId: string, signal?: AbortSignal): Promise<void> => {
    const inFlight = recomputing.get(runId);
    if (inFlight) {
      try {
        return await inFlight;
      } catch {
        // the view that started it failed or was cancelled: this one tries by itself
      }
    }
    const check = (async () => {
      if (await engine.request('inspectHolds', { runId })) return;
      const src = store.source(runId);
      if (!src) throw new ServiceError('not_found', `run ${runId} does not exist (it may have been deleted); run the prompt again`);
      if (src.kind !== 'activations')
        throw new ServiceError('bad_input', `run ${runId} is a gradient run; this view needs an activation run`);
      await engine.request(
        'inspectRun',
        { modelPath: src.modelPath, prompt: src.prompt, topK: 10, addBos: src.addBos, runId, attentionBytes: 0, adapter: src.adapter },
        { signal },
      );
    })();
    recomputing.set(runId, check);
    try {
      await check;
    } finally {
      if (recomputing.get(runId) === check) recomputing.delete(runId);
    }
  };

  const prepareRun = async (job: JobContext, runId: string) => {
    job.progress(null, 'preparing the run');
    await ensureHeld(runId, job.signal);
  };

  return {
    'inspect.models': () => listModels(ctx.paths.modelsDir),
    'inspect.run': (input) => {
      const started = startWorkerJob(
        ctx.jobs,
        { kind: 'inspect.run', title: `Inspect “${short(input.prompt)}”` },
        engine,
        'inspectRun',
        { ...input, attentionBytes: MAX_STORED_ATTENTION_BYTES },
        {
          finish: ({ run, attention }) => {
            const stored = store.saveActivations(run, input.addBos, attention);
            added(stored.runId);
            return stored;
          },
        },
      );
      started.done.then(
        (run) => ctx.events.publish('inspect.runFinished', { runId: run.runId, prompt: run.prompt, jobId: started.jobId }),
        () => {},
      );
      return { jobId: started.jobId };
    },
    'inspect.attention': async (input) => {
      const data = store.attention(input.runId, input.layer, input.head);
      const src = data && store.get(input.runId);
      if (data && src?.kind === 'activations') {
        const { model, tokens } = src.run;
        const sliding = model.sliding[input.layer] ?? false;
        return { ...input, queries: tokens.length, keys: tokens.length, sliding, window: sliding ? model.window : 0, data };
      }
      await ensureHeld(input.runId);
      return engine.request('inspectAttention', input);
    },
    'inspect.lens': async (input) => {
      await ensureHeld(input.runId);
      return engine.request('inspectLens', input);
    },
    'inspect.lensAll': (input) => ({
      jobId: startWorkerJob(ctx.jobs, { kind: 'inspect.lensAll', title: 'Logit lens at every position' }, engine, 'inspectLensAll', input, {
        prepare: (job) => prepareRun(job, input.runId),
      }).jobId,
    }),
    'inspect.intervene': (input) => ({
      jobId: startWorkerJob(
        ctx.jobs,
        { kind: 'inspect.intervene', title: `Intervene (${input.interventions.length})` },
        engine,
        'inspectIntervene',
        input,
        {
          prepare: (job) => prepareRun(job, input.runId),
        },
      ).jobId,
    }),
    'inspect.compare': (input) => ({
      jobId: startWorkerJob(
        ctx.jobs,
        { kind: 'inspect.compare', title: `Compare “${short(input.promptA)}” / “${short(input.promptB)}”` },
        engine,
        'inspectCompare',
        input,
      ).jobId,
    }),
    'inspect.gradients': (input) => ({
      jobId: startWorkerJob(
        ctx.jobs,
        { kind: 'inspect.gradients', title: `Gradients of “${short(input.prompt)}”` },
        engine,
        'inspectGradients',
        input,
        {
          finish: (report, job) => {
            const stored = store.saveGradients({ runId: job.jobId, ...report }, input.addBos);
            added(stored.runId);
            return stored;
          },
        },
      ).jobId,
    }),
    'inspect.runs': ({ limit }) => store.list(limit),
    'inspect.getRun': ({ runId }) => {
      const run = store.get(runId);
      if (!run) throw new ServiceError('not_found', `run ${runId} does not exist (it may have been deleted)`);
      return run;
    },
    'inspect.deleteRun': ({ runId }) => {
      const deleted = store.delete(runId);
      if (deleted) ctx.events.publish('inspect.runsChanged', { runId, change: 'deleted' });
      return { deleted };
    },
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
