// playground.*: runs are created (run + items, one transaction), then run as jobs in the model worker,
// one run at a time (they would only compete for the same cores). Items are stored as they finish and
// published as events; the final status and result are committed together. Runs left running by a
// crash are marked interrupted at startup.
import { createHash, randomInt } from 'node:crypto';
import { defaultSampling, type Sampling } from '../api/chat.ts';
import { errorMessage, notFound, ServiceError } from '../api/errors.ts';
import type { ModelInfo } from '../api/models.ts';
import type {
  AdapterChoice,
  CompareColumn,
  CompareResult,
  RunConfig,
  RunResult,
  RunSummary,
  SummarizeConfig,
  SummaryResult,
  TagConfig,
} from '../api/playground.ts';
import type { CoreContext, ServiceHandlers } from '../app/context.ts';
import type { JobContext } from '../app/jobs.ts';
import { checkAdapterMatchesModel } from '../engine/export/adapter.ts';
import { FinetuneStore } from '../finetune/store.ts';
import { BackendSettings } from '../llm/backend.ts';
import type { ModelSpec } from '../llm/worker/types.ts';
import { DocumentsStore } from '../store/documents.ts';
import { ModelsStore } from '../store/models.ts';
import { PlaygroundStore } from '../store/playground.ts';
import { DatasetsStore } from '../datasets/store.ts';
import { exportRun } from './export.ts';
import { RowSelectionError, rowsFromRun } from './rows.ts';
import { parseItems } from './items.ts';
import { tagMetrics } from './metrics.ts';
import type { GenerateTextEvent, SummarizeEvent, TagEvent } from './worker/types.ts';

/** Tagging is greedy by default: the same text gets the same labels. */
const TAG_SAMPLING: Sampling = { ...defaultSampling, temperature: 0, maxTokens: 256, seed: 1 };
const SUMMARY_SAMPLING: Sampling = { ...defaultSampling, temperature: 0, repeatPenalty: 1.1, maxTokens: 512, seed: 1 };
const COMPARE_SAMPLING: Sampling = { ...defaultSampling, maxTokens: 256 };
const PARTIAL_SAVE_MS = 250;

const withSeed = (s: Sampling): Sampling & { seed: number } => ({ ...s, seed: s.seed ?? randomInt(0, 2 ** 32 - 1) });

export function playgroundHandlers(ctx: CoreContext): ServiceHandlers<'playground'> {
  const store = new PlaygroundStore(ctx.db);
  const documents = new DocumentsStore(ctx.db);
  const models = new ModelsStore(ctx.db);
  const settings = new BackendSettings(ctx);
  const finetune = new FinetuneStore(ctx.db);
  const running = new Set<Promise<unknown>>();
  let chain: Promise<unknown> = Promise.resolve();

  store.markStaleRunningInterrupted();
  ctx.onClose(async () => {
    // The registry cancels the jobs first; wait until each has committed its final state.
    await Promise.all([...running].map((p) => p.catch(() => {})));
  });

  const publishRun = (runId: string, result: RunResult | null = null) => {
    const run = store.summary(runId);
    if (run) ctx.events.publish('playground.run', { run, result });
  };
  const publishItem = (runId: string, index: number, col: number) => {
    const item = store.item(runId, index, col);
    if (item) ctx.events.publish('playground.item', { runId, item });
  };

  function requireModel(id: string | undefined): ModelInfo {
    const m = id ? models.get(id) : models.active();
    if (!m)
      throw id
        ? notFound('model', id)
        : new ServiceError('conflict', 'no model is selected: import or download one in Models, then make it active');
    if (!m.fileExists) throw new ServiceError('not_found', `the model file of ${m.name} is gone: ${m.path}`);
    return m;
  }

  /**
   * The adapter a configuration chose, checked against its model: one trained on another model (or
   * whose tensors do not fit this one) is refused with the reason, before anything is stored.
   */
  function requireAdapter(choice: { adapterId: string; scale: number } | null | undefined, model: ModelInfo): AdapterChoice | null {
    if (!choice) return null;
    const a = finetune.adapters().find((x) => x.id === choice.adapterId);
    if (!a) throw notFound('adapter', choice.adapterId);
    if (a.modelPath !== model.path)
      throw new ServiceError(
        'bad_input',
        `the adapter "${a.name}" was trained on another model (${a.modelPath.split(/[\\/]/).pop()}), not ${model.name}: choose one of ${model.name}'s adapters`,
      );
    try {
      checkAdapterMatchesModel(a.ggufPath, model.path);
    } catch (err) {
      throw new ServiceError('bad_input', `the adapter "${a.name}" cannot be used with ${model.name}: ${errorMessage(err)}`);
    }
    return { adapterId: a.id, name: a.name, scale: choice.scale };
  }

  /** The worker's model spec with exactly this configuration's adapter (never the chat's). */
  function specWith(model: ModelInfo, adapter: AdapterChoice | null | undefined): ModelSpec {
    const path = adapter ? finetune.adapters().find((x) => x.id === adapter.adapterId)?.ggufPath : undefined;
    if (adapter && !path) throw notFound('adapter', adapter.adapterId);
    return { ...settings.modelSpec(model), adapter: adapter && path ? { path, scale: adapter.scale } : null };
  }

  /** Starts `work` as a job once earlier runs are done; the run's final state is committed whatever happens. */
  function startRun(run: RunSummary, kind: string, work: (job: JobContext) => Promise<RunResult>): { runId: string; jobId: string } {
    const { jobId, done } = ctx.jobs.start({ kind: `playground.${kind}`, title: run.title }, async (job) => {
      const turn = chain.then(() => {});
      let release!: () => void;
      chain = new Promise<void>((r) => (release = r));
      try {
        job.progress(null, 'waiting for the previous run');
        await turn;
        if (job.signal.aborted) throw new ServiceError('cancelled', 'cancelled');
        const result = await work(job);
        store.finish(run.id, 'complete', result, null);
        publishRun(run.id, result);
        // A finished summary is its document's latest: the library shows it.
        if (run.documentId) ctx.events.publish('documents.changed', { documents: documents.list() });
        return { runId: run.id };
      } catch (err) {
        const cancelled = job.signal.aborted || (err instanceof ServiceError && err.code === 'cancelled');
        store.finish(run.id, cancelled ? 'cancelled' : 'failed', null, cancelled ? 'cancelled' : errorMessage(err));
        publishRun(run.id);
        throw err;
      } finally {
        release();
      }
    });
    store.setJob(run.id, jobId);
    running.add(done);
    void done.then(
      () => running.delete(done),
      () => running.delete(done),
    );
    publishRun(run.id);
    return { runId: run.id, jobId };
  }

  return {
    'playground.parseItems': ({ format, content, textField, goldField }) => parseItems(format, content, { textField, goldField }),

    'playground.tag': (input) => {
      const model = requireModel(input.modelId);
      const labels = input.labels.map((l) => ({
        name: l.name.trim(),
        ...(l.description?.trim() ? { description: l.description.trim() } : {}),
      }));
      const names = new Set(labels.map((l) => l.name));
      const issues = input.items.flatMap((it, i) =>
        (it.gold ?? [])
          .filter((g) => !names.has(g))
          .map((g) => ({ path: `items.${i}.gold`, message: `gold label "${g}" of item ${i + 1} is not one of the labels` })),
      );
      if (issues.length > 0)
        throw new ServiceError('bad_input', issues[0].message + (issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''), issues);
      const adapter = requireAdapter(input.adapter, model);
      const sampling = withSeed({ ...TAG_SAMPLING, ...input.sampling });
      const config: TagConfig = {
        kind: 'tag',
        labels,
        multiLabel: input.multiLabel,
        instruction: input.instruction,
        modelId: model.id,
        modelName: model.name,
        parallel: input.parallel,
        sampling,
        adapter,
      };
      const run = store.create({
        kind: 'tag',
        title:
          input.title?.trim() ||
          `Tag ${input.items.length} item${input.items.length === 1 ? '' : 's'} as ${labels.map((l) => l.name).join(' / ')}`.slice(0, 200),
        config,
        items: input.items.map((it, index) => ({ index, input: it.text, gold: it.gold && it.gold.length > 0 ? it.gold : null })),
      });
      return startRun(run, 'tag', async (job) => {
        const total = input.items.length;
        let doneCount = 0;
        const t0 = performance.now();
        const r = await ctx.workers.model.request(
          'playgroundTag',
          {
            backend: settings.spec(),
            model: specWith(model, adapter),
            labels,
            multiLabel: input.multiLabel,
            instruction: input.instruction,
            items: input.items.map((it, index) => ({ index, text: it.text })),
            parallel: input.parallel,
            sharedPrefix: true,
            sampling,
          },
          {
            signal: job.signal,
            onEvent: (e) => {
              const ev = e as TagEvent;
              if (ev.type !== 'item') return;
              store.setItem(run.id, ev.index, 0, {
                status: ev.error ? 'failed' : 'done',
                output: ev.error
                  ? null
                  : {
                      kind: 'tag',
                      labels: ev.labels,
                      confidence: ev.confidence,
                      raw: ev.raw,
                      generatedTokens: ev.generatedTokens,
                      ms: ev.ms,
                    },
                error: ev.error,
              });
              publishItem(run.id, ev.index, 0);
              doneCount++;
              job.progress(doneCount / total, `${doneCount} of ${total} items`);
            },
          },
        );
        const seconds = (performance.now() - t0) / 1000;
        const view = store.view(run.id)!;
        return tagMetrics(
          labels.map((l) => l.name),
          input.multiLabel,
          view.items.map((it) => ({ gold: it.gold, predicted: it.output?.kind === 'tag' ? it.output.labels : null })),
          r.ms > 0 ? total / (r.ms / 1000) : seconds > 0 ? total / seconds : null,
        );
      });
    },

    'playground.summarize': (input) => {
      const model = requireModel(input.modelId);
      const adapter = requireAdapter(input.adapter, model);
      let documentId = input.documentId ?? null;
      if (documentId === null) {
        // Pasted text becomes a document too, so the run (and its summary) reopen with their source.
        const text = input.text!;
        const added = documents.add({
          name: input.title?.trim() || `Pasted text (${text.trim().split(/\s+/).slice(0, 6).join(' ')}…)`.slice(0, 120),
          kind: 'text',
          sizeBytes: Buffer.byteLength(text),
          sha256: createHash('sha256').update(text).digest('hex'),
          text,
          pages: 0,
          sections: 1,
          encoding: 'utf-8',
          replacedChars: 0,
          warnings: [],
        });
        documentId = added.document.id;
        if (!added.duplicate) ctx.events.publish('documents.changed', { documents: documents.list() });
      }
      const doc = documents.view(documentId);
      if (!doc) throw notFound('document', documentId);
      const sampling = withSeed({ ...SUMMARY_SAMPLING, ...input.sampling });
      const config: SummarizeConfig = {
        kind: 'summarize',
        length: input.length,
        style: input.style,
        modelId: model.id,
        modelName: model.name,
        documentId,
        documentName: doc.name,
        chunkTokens: input.chunkTokens ?? 0,
        adapter,
      };
      const run = store.create({
        kind: 'summarize',
        title: input.title?.trim() || `Summary of ${doc.name}`.slice(0, 200),
        config,
        documentId,
        items: [],
      });
      return startRun(run, 'summarize', async (job) => {
        let total = 1;
        let finished = 0;
        let partial = '';
        let lastSave = 0;
        let mode: 'whole' | 'map-reduce' = 'whole';
        const r = await ctx.workers.model.request(
          'playgroundSummarize',
          {
            backend: settings.spec(),
            model: specWith(model, adapter),
            text: doc.text,
            length: input.length,
            style: input.style,
            chunkTokens: input.chunkTokens ?? null,
            contextSize: settings.modelSpec(model).contextSize,
            sampling,
          },
          {
            signal: job.signal,
            onEvent: (e) => {
              const ev = e as SummarizeEvent;
              switch (ev.type) {
                case 'plan':
                  mode = ev.mode;
                  job.progress(
                    0,
                    ev.mode === 'whole'
                      ? `summarizing ${ev.documentTokens} tokens whole`
                      : `map-reduce: ${ev.documentTokens} tokens in chunks of up to ${ev.chunkTokens}`,
                  );
                  return;
                case 'items':
                  store.addItems(
                    run.id,
                    ev.items.map((it) => ({ index: it.index, input: it.input })),
                  );
                  total += ev.items.length;
                  for (const it of ev.items) publishItem(run.id, it.index, 0);
                  publishRun(run.id);
                  return;
                case 'itemStart':
                  store.setItem(run.id, ev.index, 0, { status: 'running' });
                  publishItem(run.id, ev.index, 0);
                  job.progress(finished / total, `chunk ${ev.index + 1} of ${total - 1}`);
                  return;
                case 'itemDone':
                  store.setItem(run.id, ev.index, 0, { status: 'done', output: ev.output });
                  publishItem(run.id, ev.index, 0);
                  finished++;
                  job.progress(finished / total, `${finished} of ${total - 1} chunks summarized`);
                  return;
                case 'finalStart':
                  job.progress(
                    mode === 'whole' ? null : finished / total,
                    mode === 'whole' ? 'writing the summary' : 'combining the partial summaries',
                  );
                  return;
                case 'delta':
                  if (ev.target === 'final') {
                    partial += ev.text;
                    const now = Date.now();
                    if (now - lastSave >= PARTIAL_SAVE_MS) {
                      store.setPartial(run.id, partial);
                      lastSave = now;
                    }
                  }
                  ctx.events.publish('playground.delta', { runId: run.id, target: ev.target, index: ev.index, col: 0, text: ev.text });
                  return;
                default:
                  ev satisfies never;
              }
            },
          },
        );
        store.setPartial(run.id, r.summary);
        const result: SummaryResult = {
          kind: 'summarize',
          summary: r.summary,
          mode: r.mode,
          chunks: r.chunks,
          levels: r.levels,
          documentTokens: r.documentTokens,
          ms: r.ms,
        };
        return result;
      });
    },

    'playground.compare': (input) => {
      const columns: CompareColumn[] = input.columns.map((c, k) => {
        const model = requireModel(c.modelId);
        const adapter = requireAdapter(c.adapter, model);
        return {
          label: c.label?.trim() || `${String.fromCharCode(65 + k)} · ${model.name}${adapter ? ` + ${adapter.name}` : ''}`,
          modelId: model.id,
          modelName: model.name,
          systemPrompt: c.systemPrompt,
          sampling: withSeed({ ...COMPARE_SAMPLING, ...c.sampling }),
          adapter,
        };
      });
      const config: RunConfig = { kind: 'compare', columns };
      const run = store.create({
        kind: 'compare',
        title:
          input.title?.trim() ||
          `Compare ${columns.length} configurations on ${input.inputs.length} input${input.inputs.length === 1 ? '' : 's'}`,
        config,
        items: input.inputs.flatMap((text, index) => columns.map((_, col) => ({ index, col, input: text }))),
      });
      return startRun(run, 'compare', async (job) => {
        const totals = columns.map(() => ({ generatedTokens: 0, ms: 0 }));
        const cells = input.inputs.length * columns.length;
        let doneCells = 0;
        for (const [index, text] of input.inputs.entries()) {
          for (const [col, column] of columns.entries()) {
            if (job.signal.aborted) throw new ServiceError('cancelled', 'cancelled');
            const model = requireModel(column.modelId);
            store.setItem(run.id, index, col, { status: 'running' });
            publishItem(run.id, index, col);
            job.progress(doneCells / cells, `${column.label}: input ${index + 1} of ${input.inputs.length}`);
            try {
              const r = await ctx.workers.model.request(
                'playgroundGenerate',
                {
                  backend: settings.spec(),
                  model: specWith(model, column.adapter),
                  systemPrompt: column.systemPrompt,
                  prompt: text,
                  sampling: column.sampling as Sampling & { seed: number },
                },
                {
                  signal: job.signal,
                  onEvent: (e) =>
                    ctx.events.publish('playground.delta', {
                      runId: run.id,
                      target: 'item',
                      index,
                      col,
                      text: (e as GenerateTextEvent).text,
                    }),
                },
              );
              store.setItem(run.id, index, col, { status: 'done', output: { kind: 'cell', ...r } });
              totals[col].generatedTokens += r.generatedTokens;
              totals[col].ms += r.ms;
            } catch (err) {
              if (job.signal.aborted || (err instanceof ServiceError && err.code === 'cancelled')) throw err;
              store.setItem(run.id, index, col, { status: 'failed', error: errorMessage(err) });
            }
            publishItem(run.id, index, col);
            doneCells++;
          }
        }
        const result: CompareResult = {
          kind: 'compare',
          columns: totals.map((t) => ({ ...t, tokensPerSecond: t.ms > 0 ? t.generatedTokens / (t.ms / 1000) : null })),
        };
        return result;
      });
    },

    'playground.runs': ({ kind, limit }) => store.list(kind, limit),
    'playground.get': ({ runId }) =>
      store.view(runId) ??
      (() => {
        throw notFound('run', runId);
      })(),
    'playground.delete': ({ runId }) => {
      const run = store.summary(runId);
      if (run?.status === 'running') throw new ServiceError('conflict', 'this run is still going: cancel it first');
      return { deleted: store.delete(runId) };
    },
    'playground.toDataset': ({ runId, items, summary, datasetId, newDataset }) => {
      const view = store.view(runId);
      if (!view) throw notFound('run', runId);
      const datasets = new DatasetsStore(ctx.db);
      if (datasetId && !datasets.get(datasetId)) throw notFound('dataset', datasetId);
      let rows;
      try {
        const docText = view.run.documentId ? (documents.view(view.run.documentId)?.text ?? null) : null;
        rows = rowsFromRun(view, { items, summary }, docText);
      } catch (err) {
        if (err instanceof RowSelectionError) throw new ServiceError('bad_input', err.message);
        throw err;
      }
      // One transaction: a new dataset and its rows appear together, or (a row that cannot train) neither.
      const target = ctx.db.transaction(() => {
        const d = datasetId ? datasets.get(datasetId)! : datasets.create(newDataset!);
        try {
          datasets.addRows(
            d.id,
            rows.map((messages) => ({ messages })),
            `playground:${view.run.kind}:${runId}`,
          );
        } catch (err) {
          throw new ServiceError('bad_input', errorMessage(err));
        }
        return d;
      })();
      ctx.events.publish('datasets.changed', { datasets: datasets.list() });
      return { datasetId: target.id, datasetName: target.name, added: rows.length };
    },
    'playground.export': ({ runId, format }) => {
      const view = store.view(runId);
      if (!view) throw notFound('run', runId);
      return exportRun(view, format);
    },
  };
}
