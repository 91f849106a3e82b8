// lab.*: model check, speed lab and embeddings. Heavy work runs in the workers (llama.cpp in the
// model worker, our engine in the engine worker); this side picks the active model, queues behind a
// streaming chat reply, stores results and shapes them for the UI.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { errorMessage, ServiceError } from '../api/errors.ts';
import type { EmbeddingMethod, SpeedConfig, SpeedResult, SpeedRun, StoredCheck } from '../api/lab.ts';
import type { CoreContext, ServiceHandlers } from '../app/context.ts';
import { startWorkerJob } from '../app/workerJob.ts';
import { cosineMatrix, pca2 } from '../embeddings/math.ts';
import { ChecksStore, EmbeddingCache, SpeedRunsStore } from '../store/lab.ts';
import { DatasetsStore } from '../datasets/store.ts';
import { ModelsStore } from '../store/models.ts';
import { ChatActivity } from './chat-activity.ts';

const EXPORT_FORMAT = 'glassbox.speed-run';
const EXPORT_VERSION = 1;

export function labHandlers(ctx: CoreContext): ServiceHandlers<'lab'> {
  const models = new ModelsStore(ctx.db);
  const checks = new ChecksStore(ctx.db);
  const speedRuns = new SpeedRunsStore(ctx.db);
  const vectors = new EmbeddingCache(ctx.db);
  const datasets = new DatasetsStore(ctx.db);
  const chat = new ChatActivity(ctx.events);
  ctx.onClose(chat.dispose);
  const threads = Math.max(1, Math.min(availableParallelism(), 8));

  const activeModel = () => {
    const m = models.active();
    if (!m) throw new ServiceError('not_found', 'No model is active: choose one on the Models screen first.');
    if (!m.fileExists) throw new ServiceError('not_found', `The active model's file is missing: ${m.path}`);
    return m;
  };

  /** Vectors of `texts` by `method`: stored ones reused, the rest computed in a worker and stored. */
  const embed = async (modelPath: string, texts: string[], method: EmbeddingMethod) => {
    const key = methodKey(method);
    const hashes = texts.map((t) => createHash('sha256').update(t).digest('hex'));
    const found = hashes.map((h) => vectors.get(modelPath, key, h));
    const missing = texts.filter((_, i) => !found[i]);
    if (missing.length) {
      const computed =
        method.kind === 'llama'
          ? await ctx.workers.model.request('embedLlama', { modelPath, texts: missing, threads })
          : await ctx.workers.engine.request('embedEngine', {
              modelPath,
              texts: missing,
              threads,
              layer: method.layer,
              pooling: method.pooling,
            });
      let j = 0;
      for (let i = 0; i < found.length; i++) {
        if (found[i]) continue;
        const v = Float32Array.from(computed[j++]);
        vectors.put(modelPath, key, hashes[i], v);
        found[i] = v;
      }
    }
    return { vectors: found as Float32Array[], method: key, cached: texts.length - missing.length };
  };

  return {
    'lab.check': (input) => {
      const m = activeModel();
      const started = startWorkerJob(
        ctx.jobs,
        { kind: 'lab.check', title: `Check ${m.name} against llama.cpp` },
        ctx.workers.engine,
        'checkModel',
        { modelPath: m.path, quantization: m.quantization, prompts: input.prompts, threads },
        {
          prepare: async (job) => job.progress(0, 'Loading the model in both engines'),
          finish: (result): StoredCheck => {
            const stored = checks.add({ modelId: m.id, modelPath: m.path, modelName: m.name, quantization: m.quantization, result });
            ctx.events.publish('lab.checkStored', { modelPath: m.path, ok: stored.ok });
            return stored;
          },
        },
      );
      return { jobId: started.jobId };
    },

    'lab.latestCheck': (input) => {
      const path = input.path ?? models.active()?.path;
      return path ? (checks.latest(path) ?? null) : null;
    },

    'lab.speedPlan': () => ctx.workers.model.request('speedPlan', {}),

    'lab.speedRun': (input) => {
      const m = activeModel();
      const started = ctx.jobs.start({ kind: 'lab.speedRun', title: `Speed lab: ${m.name}` }, async (job): Promise<SpeedRun> => {
        const waitForChat = async (at: number) => {
          if (chat.busy) job.progress(at, 'Queued: waiting for the chat reply to finish (the speed lab never competes with it)');
          await chat.idle(job.signal);
        };
        await waitForChat(0);
        const plan = await ctx.workers.model.request('speedPlan', {}, { signal: job.signal });
        const configs: SpeedConfig[] = input.configs ?? plan.configs;
        const results: SpeedResult[] = [];
        for (const [i, config] of configs.entries()) {
          await waitForChat(i / configs.length);
          const label = `${config.engine === 'glassbox' ? 'Glassbox engine' : `llama.cpp ${config.backend.toUpperCase()}`} · ${config.threads} thread${config.threads === 1 ? '' : 's'}`;
          job.progress(i / configs.length, `Measuring ${label} (${i + 1} of ${configs.length})`);
          const task = { modelPath: m.path, config, promptLengths: input.promptLengths, decodeTokens: input.decodeTokens };
          try {
            results.push(
              config.engine === 'glassbox'
                ? await ctx.workers.engine.request('speedEngine', task, { signal: job.signal })
                : await ctx.workers.model.request('speedLlama', task, { signal: job.signal }),
            );
          } catch (err) {
            if (job.signal.aborted) throw err;
            results.push({
              ...config,
              label,
              prefill: [],
              decodeTokensPerSecond: 0,
              memoryMiB: 0,
              error: errorMessage(err),
            });
          }
        }
        return speedRuns.add({
          createdAt: Date.now(),
          modelName: m.name,
          quantization: m.quantization,
          machine: plan.machine,
          results,
          imported: false,
        });
      });
      return { jobId: started.jobId };
    },

    'lab.speedRuns': () => speedRuns.list(),
    'lab.speedRemove': (input) => ({ removed: speedRuns.remove(input.id) }),
    'lab.speedExport': (input) => {
      const run = speedRuns.get(input.id);
      if (!run) throw new ServiceError('not_found', 'No such speed-lab run');
      const { id: _id, imported: _imported, ...rest } = run;
      const stamp = new Date(run.createdAt).toISOString().slice(0, 16).replace(/[:T]/g, '-');
      return {
        fileName: `speed-${run.modelName.replace(/[^\w.-]+/g, '_')}-${stamp}.json`,
        json: JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, run: rest }, null, 2),
      };
    },
    'lab.speedImport': (input) => {
      let data: unknown;
      try {
        data = JSON.parse(input.json);
      } catch {
        throw new ServiceError('bad_input', 'This is not a speed-lab export: the file is not JSON.');
      }
      const parsed = exportSchema.safeParse(data);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        throw new ServiceError(
          'bad_input',
          `This is not a speed-lab export this version reads: ${first.path.join('.') || 'file'}: ${first.message}`,
        );
      }
      return speedRuns.add({ ...parsed.data.run, imported: true });
    },

    'lab.similarity': async (input) => {
      const m = activeModel();
      const { vectors: vecs, method, cached } = await embed(m.path, input.texts, input.method);
      const { points, explained } = pca2(vecs);
      return { texts: input.texts, method, dims: vecs[0].length, matrix: cosineMatrix(vecs), projection: points, explained, cached };
    },

    'lab.datasetDuplicates': async (input) => {
      const m = activeModel();
      if (!datasets.get(input.datasetId)) throw new ServiceError('not_found', 'No such dataset');
      const rows = datasets.rows(input.datasetId);
      if (rows.length < 2) return { datasetId: input.datasetId, method: methodKey(input.method), rows: rows.length, pairs: [], cached: 0 };
      // A row's text as the model reads it: every turn, prompt and answer.
      const texts = rows.map((r) => r.messages.map((x) => x.content).join('\n'));
      const { vectors: vecs, method, cached } = await embed(m.path, texts, input.method);
      const sim = cosineMatrix(vecs);
      const n = rows.length;
      const pairs: { i: number; j: number; s: number }[] = [];
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) if (sim[i * n + j] >= input.threshold) pairs.push({ i, j, s: sim[i * n + j] });
      pairs.sort((x, y) => y.s - x.s);
      const row = (k: number) => ({ id: rows[k].id, position: rows[k].position, text: texts[k].slice(0, 300) });
      return {
        datasetId: input.datasetId,
        method,
        rows: n,
        pairs: pairs.slice(0, input.limit).map((p) => ({ a: row(p.i), b: row(p.j), similarity: p.s })),
        cached,
      };
    },

    'lab.nearestTokens': (input) =>
      ctx.workers.engine.request('nearestTokens', { modelPath: activeModel().path, token: input.token, k: input.k }),
  };
}

function methodKey(m: EmbeddingMethod): string {
  return m.kind === 'llama' ? 'llama' : `engine:${m.layer}:${m.pooling}`;
}

const speedResult = z.object({
  engine: z.enum(['llama.cpp', 'glassbox']),
  backend: z.enum(['cpu', 'metal', 'cuda', 'vulkan']),
  threads: z.number().int().min(1),
  label: z.string().max(200),
  prefill: z
    .array(z.object({ promptTokens: z.number().int().min(1), tokensPerSecond: z.number().min(0), timeToFirstTokenMs: z.number().min(0) }))
    .max(16),
  decodeTokensPerSecond: z.number().min(0),
  memoryMiB: z.number().min(0),
  error: z.string().max(2000).optional(),
});

const exportSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  run: z.object({
    createdAt: z.number().int().min(0),
    modelName: z.string().min(1).max(500),
    quantization: z.string().max(50),
    machine: z.object({
      os: z.string().max(200),
      cpu: z.string().max(200),
      cores: z.number().int().min(1),
      memoryBytes: z.number().min(0),
      gpus: z.array(z.string().max(200)).max(16),
      backendBuild: z.string().max(200),
      label: z.string().max(500),
    }),
    results: z.array(speedResult).min(1).max(64),
  }),
});
