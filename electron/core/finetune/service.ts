// finetune.*: training runs as jobs in the engine worker. The run's rows, full configuration and
// folder (checkpoint, adapters) are fixed at start; metrics stream in as events and are stored per
// step, so the chart covers the whole run, also after a restart or a resume.
import { basename, join } from 'node:path';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ServiceError } from '../api/errors.ts';
import type { ChatAdapterChoice, FinetuneConfig, FinetuneEvalMetrics, FinetuneStepMetrics } from '../api/finetune.ts';
import { SettingsStore } from '../store/settings.ts';
import { checkAdapterMatchesModel } from '../engine/export/adapter.ts';

/** Read by llm/backend.ts modelSpec(): the adapter llama.cpp applies in chat. */
export const CHAT_ADAPTER_KEY = 'chat.adapter';
import type { CoreContext, ServiceHandlers } from '../app/context.ts';
import { CONFIG_HELP, DEFAULT_TRAIN_CONFIG, GEMMA3_270M_PRESET } from '../engine/train/config.ts';
import { DatasetsStore } from '../datasets/store.ts';
import { checkSameTokenizer, tokenizerFingerprint } from '../datasets/tokenizer.ts';
import { FinetuneStore } from './store.ts';
import { stopFile, type TrainTaskOutput } from './tasks.ts';

export function finetuneHandlers(ctx: CoreContext): ServiceHandlers<'finetune'> {
  const store = new FinetuneStore(ctx.db);
  const datasets = new DatasetsStore(ctx.db);
  const settings = new SettingsStore(ctx.db);
  store.markInterrupted();
  const jobs = new Map<string, string>(); // runId → jobId while running
  const runDir = (runId: string) => join(ctx.paths.dataDir, 'finetune', runId);
  const publish = (runId: string) => {
    const run = store.get(runId, jobs.get(runId) ?? null);
    if (run) ctx.events.publish('finetune.runChanged', { run });
  };

  const launch = (runId: string, input: { overflow: 'truncate' | 'refuse'; valFraction: number }, resume: boolean) => {
    const run = store.get(runId)!;
    if (!run.datasetId) throw new ServiceError('conflict', 'the run’s dataset was deleted');
    const ds = datasets.get(run.datasetId);
    if (!ds) throw new ServiceError('conflict', 'the run’s dataset was deleted');
    const rows = datasets.rows(ds.id);
    if (rows.length === 0) throw new ServiceError('bad_input', `dataset “${ds.name}” has no rows`);
    let fingerprint: string;
    try {
      fingerprint = tokenizerFingerprint(run.modelPath); // the token list's hash: no tokenizer built in the host
    } catch (e) {
      throw new ServiceError('bad_input', `cannot read the model: ${(e as Error).message}`);
    }
    try {
      checkSameTokenizer(ds.name, ds.tokenizer, { model: basename(run.modelPath), fingerprint });
    } catch (e) {
      throw new ServiceError('conflict', (e as Error).message);
    }
    const dir = runDir(runId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'launch.json'), JSON.stringify(input));
    store.update(runId, { status: 'running', error: null, stopReason: null });
    const started = ctx.jobs.start({ kind: 'finetune.train', title: `Fine-tune on “${ds.name}”` }, (job) =>
      ctx.workers.engine.request(
        'finetuneTrain',
        {
          modelPath: run.modelPath,
          rows: rows.map((r) => ({ id: r.id, messages: r.messages, split: r.split })),
          config: run.config,
          overflow: input.overflow,
          valFraction: input.valFraction,
          runDir: dir,
          resume,
        },
        {
          signal: job.signal,
          onEvent: (e) => {
            const ev = e as { kind: string; totalSteps?: number; metrics?: FinetuneStepMetrics | FinetuneEvalMetrics; step?: number };
            if (ev.kind === 'prepared') {
              store.update(runId, { totalSteps: ev.totalSteps });
              publish(runId);
            } else if (ev.kind === 'step') {
              const m = ev.metrics as FinetuneStepMetrics;
              store.addStep(runId, m);
              store.update(runId, { step: m.step });
              job.progress(
                run.totalSteps || store.get(runId)!.totalSteps ? m.step / store.get(runId)!.totalSteps : null,
                `step ${m.step}, loss ${m.loss.toFixed(3)}`,
              );
              ctx.events.publish('finetune.metrics', { runId, step: m });
            } else if (ev.kind === 'eval') {
              const m = ev.metrics as FinetuneEvalMetrics;
              store.addEval(runId, m);
              ctx.events.publish('finetune.metrics', { runId, eval: m });
            } else if (ev.kind === 'checkpoint') {
              store.update(runId, { checkpointPath: join(dir, 'checkpoint.bin'), checkpointStep: ev.step });
              publish(runId);
            }
          },
        },
      ),
    );
    jobs.set(runId, started.jobId);
    started.done.then(
      (out: TrainTaskOutput) => {
        jobs.delete(runId);
        store.update(runId, { status: out.reason === 'stopped' ? 'stopped' : 'completed', stopReason: out.reason, step: out.steps });
        store.addAdapter({
          runId,
          name: `${ds.name} · r${run.config.rank} · ${out.steps} steps`,
          modelPath: run.modelPath,
          ggufPath: out.ggufPath,
          peftPath: out.peftPath,
          rank: run.config.rank,
          alpha: run.config.alpha,
        });
        publish(runId);
      },
      (err: { code?: string; message?: string }) => {
        jobs.delete(runId);
        store.update(runId, {
          status: err?.code === 'cancelled' ? 'cancelled' : 'failed',
          error: err?.code === 'cancelled' ? null : String(err?.message ?? err),
        });
        publish(runId);
      },
    );
    publish(runId);
    return { runId, jobId: started.jobId };
  };

  return {
    'finetune.presets': () => ({
      defaults: DEFAULT_TRAIN_CONFIG as FinetuneConfig,
      presets: [{ name: 'Gemma 3 270M', config: GEMMA3_270M_PRESET as FinetuneConfig }],
      help: CONFIG_HELP,
    }),
    'finetune.start': ({ datasetId, modelPath, config, overflow, valFraction }) => {
      if (!datasets.get(datasetId)) throw new ServiceError('not_found', 'no such dataset');
      if ([...jobs.keys()].length > 0) throw new ServiceError('conflict', 'a training run is already running; stop it first');
      const runId = store.create(datasetId, modelPath, config);
      try {
        return launch(runId, { overflow, valFraction }, false);
      } catch (e) {
        store.delete(runId);
        throw e;
      }
    },
    'finetune.runs': () => store.list((id) => jobs.get(id) ?? null),
    'finetune.run': ({ runId }) => {
      const run = store.get(runId, jobs.get(runId) ?? null);
      if (!run) throw new ServiceError('not_found', 'no such run');
      return { run, ...store.metrics(runId) };
    },
    'finetune.stop': ({ runId }) => {
      if (!jobs.has(runId)) throw new ServiceError('conflict', 'the run is not running');
      writeFileSync(stopFile(runDir(runId)), 'stop');
      return { stopping: true };
    },
    'finetune.cancel': ({ runId }) => {
      const jobId = jobs.get(runId);
      if (!jobId) throw new ServiceError('conflict', 'the run is not running');
      ctx.jobs.cancel(jobId);
      return { cancelling: true };
    },
    'finetune.resume': ({ runId }) => {
      const run = store.get(runId);
      if (!run) throw new ServiceError('not_found', 'no such run');
      if (jobs.has(runId)) throw new ServiceError('conflict', 'the run is already running');
      if (run.status === 'completed') throw new ServiceError('conflict', 'the run is complete');
      if (run.checkpointStep !== null) store.truncateMetrics(runId, run.checkpointStep);
      let input = { overflow: 'truncate' as const, valFraction: 0.1 };
      try {
        input = JSON.parse(readFileSync(join(runDir(runId), 'launch.json'), 'utf8'));
      } catch {
        /* defaults */
      }
      return launch(runId, input, true);
    },
    'finetune.adapters': () => store.adapters(),
    'finetune.useInChat': ({ adapterId, scale }) => {
      if (adapterId === null) {
        settings.set(CHAT_ADAPTER_KEY, null);
        return null;
      }
      const a = store.adapters().find((x) => x.id === adapterId);
      if (!a) throw new ServiceError('not_found', 'no such adapter');
      try {
        checkAdapterMatchesModel(a.ggufPath, a.modelPath);
      } catch (e) {
        throw new ServiceError('bad_input', (e as Error).message);
      }
      const choice: ChatAdapterChoice = { adapterId, path: a.ggufPath, modelPath: a.modelPath, scale };
      settings.set(CHAT_ADAPTER_KEY, choice);
      return choice;
    },
    'finetune.chatAdapter': () => (settings.getAll().get(CHAT_ADAPTER_KEY) as ChatAdapterChoice | null | undefined) ?? null,
    'finetune.deleteRun': ({ runId }) => {
      if (jobs.has(runId)) throw new ServiceError('conflict', 'stop the run first');
      if (!store.delete(runId)) throw new ServiceError('not_found', 'no such run');
      rmSync(runDir(runId), { recursive: true, force: true });
      return { deleted: true };
    },
  };
}
