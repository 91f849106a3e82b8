// datasets.*: the store, import/export, rows from chat, split and token statistics. Token counts use
// the model's own tokenizer (read from its GGUF, no weights loaded), in the engine worker as a job
// (datasets/tasks.ts), so a large dataset never stalls the host.
import { ServiceError } from '../api/errors.ts';
import type { DatasetExportFormat, DatasetRowData } from '../api/datasets.ts';
import type { CoreContext, ServiceHandlers } from '../app/context.ts';
import { startWorkerJob } from '../app/workerJob.ts';
import { DatasetImportError, exportCsv, exportJsonl, guessFormat, parseDataset } from './formats.ts';
import { splitRows } from './prepare.ts';
import type { RowMessages } from './rows.ts';
import { DatasetsStore } from './store.ts';
import { basename } from 'node:path';

export function datasetsHandlers(ctx: CoreContext): ServiceHandlers<'datasets'> {
  const store = new DatasetsStore(ctx.db);
  const changed = () => ctx.events.publish('datasets.changed', { datasets: store.list() });
  const must = (id: string) => {
    const d = store.get(id);
    if (!d) throw new ServiceError('not_found', 'no such dataset');
    return d;
  };
  const rowOf = (id: string, rowId: string): DatasetRowData => {
    const r = store.rows(id).find((x) => x.id === rowId);
    if (!r) throw new ServiceError('not_found', 'no such row');
    return r;
  };
  const asBadInput = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ServiceError) throw e;
      throw new ServiceError('bad_input', (e as Error).message);
    }
  };

  return {
    'datasets.list': () => store.list(),
    'datasets.create': ({ name }) => {
      const d = store.create(name);
      changed();
      return d;
    },
    'datasets.rename': ({ id, name }) => {
      must(id);
      store.rename(id, name);
      changed();
      return must(id);
    },
    'datasets.delete': ({ id }) => {
      if (!store.delete(id)) throw new ServiceError('not_found', 'no such dataset');
      changed();
      return { deleted: true };
    },
    'datasets.rows': ({ id }) => {
      must(id);
      return store.rows(id);
    },
    'datasets.addRow': ({ id, messages, split }) => {
      must(id);
      const [rowId] = asBadInput(() => store.addRows(id, [{ messages, split }], 'manual'));
      changed();
      return rowOf(id, rowId);
    },
    'datasets.updateRow': ({ id, rowId, messages, split }) => {
      must(id);
      if (!asBadInput(() => store.updateRow(id, rowId, { messages, split }))) throw new ServiceError('not_found', 'no such row');
      changed();
      return rowOf(id, rowId);
    },
    'datasets.deleteRows': ({ id, rowIds }) => {
      must(id);
      const deleted = store.deleteRows(id, rowIds);
      changed();
      return { deleted };
    },
    'datasets.import': ({ id, name, fileName, content, format }) => {
      const bytes = new TextEncoder().encode(content);
      let parsed;
      try {
        parsed = parseDataset(bytes, format ?? guessFormat(fileName, bytes));
      } catch (e) {
        if (e instanceof DatasetImportError) {
          throw new ServiceError(
            'bad_input',
            e.message,
            e.issues.map((i) => ({ path: `line ${i.line}`, message: i.message })),
          );
        }
        throw e;
      }
      const target = id ? must(id) : store.create(name ?? (basename(fileName).replace(/\.(jsonl?|csv)$/i, '') || 'Imported'));
      store.addRows(
        target.id,
        parsed.map((p) => ({ messages: p.messages, split: p.split })),
        `import:${basename(fileName)}`,
      );
      changed();
      return { dataset: must(target.id), imported: parsed.length };
    },
    'datasets.export': ({ id, format }) => {
      const d = must(id);
      const rows = store.rows(id);
      const shapes: Record<Exclude<DatasetExportFormat, 'csv'>, 'messages' | 'prompt_completion' | 'sharegpt'> = {
        'jsonl-messages': 'messages',
        'jsonl-prompt-completion': 'prompt_completion',
        'jsonl-sharegpt': 'sharegpt',
      };
      const safe = d.name.replace(/[^\w.-]+/g, '_');
      return format === 'csv'
        ? { fileName: `${safe}.csv`, content: exportCsv(rows) }
        : { fileName: `${safe}.jsonl`, content: exportJsonl(rows, shapes[format]) };
    },
    'datasets.fromChat': ({ id, sessionId, messageIds }) => {
      must(id);
      const all = ctx.db.prepare('SELECT id, parent_id, role, content FROM messages WHERE session_id = ?').all(sessionId) as {
        id: string;
        parent_id: string | null;
        role: 'system' | 'user' | 'assistant';
        content: string;
      }[];
      if (all.length === 0) throw new ServiceError('not_found', 'no such chat session, or it has no messages');
      const byId = new Map(all.map((m) => [m.id, m]));
      const rows: { messages: RowMessages }[] = [];
      for (const mid of messageIds) {
        let m = byId.get(mid);
        if (!m) throw new ServiceError('not_found', `message ${mid} is not in this session`);
        if (m.role !== 'assistant') throw new ServiceError('bad_input', 'choose assistant replies: each becomes the answer of one row');
        const path: RowMessages = [];
        while (m) {
          path.unshift({ role: m.role, content: m.content });
          m = m.parent_id ? byId.get(m.parent_id) : undefined;
        }
        rows.push({ messages: path });
      }
      asBadInput(() => store.addRows(id, rows, `chat:${sessionId}`));
      changed();
      return { added: rows.length };
    },
    'datasets.split': ({ id, fraction, seed }) => {
      must(id);
      const rows = store.rows(id);
      const { validation } = splitRows(rows, fraction, seed);
      store.setValidation(id, new Set(validation.map((r) => r.id)));
      changed();
      return must(id);
    },
    'datasets.stats': ({ id, modelPath, maxLength }) => {
      const ds = must(id);
      const rows = store.rows(id).map((r) => ({ id: r.id, messages: r.messages }));
      const started = startWorkerJob(
        ctx.jobs,
        { kind: 'datasets.stats', title: `Token statistics of “${ds.name}”` },
        ctx.workers.engine,
        'datasetStats',
        { modelPath, maxLength, rows },
        {
          finish: ({ stats, fingerprint }) => {
            if (store.get(id)) {
              store.setTokenizer(id, { model: basename(modelPath), fingerprint });
              changed();
            }
            return { modelPath, ...stats };
          },
        },
      );
      return { jobId: started.jobId };
    },
  };
}
