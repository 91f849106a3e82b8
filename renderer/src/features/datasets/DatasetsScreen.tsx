// Datasets: training rows in SQLite. Import JSONL/CSV (all or nothing, errors by line), write or edit
// rows, build rows from chat replies, split train/validation, export, and see token lengths with the
// model's tokenizer before training (which rows pass the maximum length).
import { useRef, useState } from 'react';
import type { DatasetMessage, DatasetRowData, DatasetStats, DatasetSummary } from '../../../../electron/core/api/datasets.ts';
import { ApiCallError } from '../../api/client.ts';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';
import { downloadFile } from '../../components/download.ts';
import { textInputClass } from '../../components/fields.tsx';
import { Button, PageHeader } from '../../components/ui.tsx';
import { FromChat } from './FromChat.tsx';
import { RowEditor } from './RowEditor.tsx';
import { StatsPanel } from './StatsPanel.tsx';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

export function DatasetsScreen() {
  const api = useApi();
  const list = useQuery({ queryKey: queryKeys.datasets, queryFn: () => api.datasets.list({}) });
  const [selected, setSelected] = useState<string | null>(null);
  const [importError, setImportError] = useState<{ message: string; issues: { path: string; message: string }[] } | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const datasets = list.data ?? [];
  const current = datasets.find((d) => d.id === selected) ?? datasets[0] ?? null;

  const importFile = async (file: File, intoCurrent: boolean) => {
    setImportError(null);
    try {
      const r = await api.datasets.import({
        fileName: file.name,
        content: await file.text(),
        ...(intoCurrent && current ? { id: current.id } : {}),
      });
      setSelected(r.dataset.id);
    } catch (e) {
      setImportError({ message: errorMessage(e), issues: e instanceof ApiCallError ? (e.issues ?? []) : [] });
    }
  };

  return (
    <>
      <PageHeader
        title="Datasets"
        subtitle="Examples for fine-tuning: the model learns each row's last answer"
        actions={
          <>
            <input
              ref={fileRef}
              type="file"
              accept=".jsonl,.json,.csv"
              hidden
              data-testid="dataset-import-input"
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) void importFile(f, false);
              }}
            />
            <Button onClick={() => fileRef.current?.click()}>Import JSONL / CSV…</Button>
            <Button
              variant="primary"
              onClick={async () => setSelected((await api.datasets.create({ name: `Dataset ${datasets.length + 1}` })).id)}
            >
              New dataset
            </Button>
          </>
        }
      />
      {importError && (
        <div
          role="alert"
          data-testid="dataset-import-error"
          className="mx-6 mt-3 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-[12.5px] text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200"
        >
          <div className="flex items-start justify-between gap-3">
            <p className="font-medium">
              Nothing was imported. {importError.issues.length ? `${importError.issues.length} problem(s):` : importError.message}
            </p>
            <button type="button" className="text-[12px] underline" onClick={() => setImportError(null)}>
              Dismiss
            </button>
          </div>
          {importError.issues.length > 0 && (
            <ul className="mt-1 max-h-32 list-disc overflow-y-auto pl-5 font-mono text-[12px]">
              {importError.issues.slice(0, 50).map((i, k) => (
                <li key={k}>
                  {i.path}: {i.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="flex min-h-0 flex-1">
        <nav aria-label="Datasets" className="w-40 shrink-0 overflow-y-auto border-r border-zinc-200 p-2 dark:border-zinc-800">
          {datasets.length === 0 && (
            <p className="p-2 text-[12.5px] text-zinc-500">No datasets yet. Import a JSONL or CSV file, or start a new one.</p>
          )}
          {datasets.map((d) => (
            <button
              key={d.id}
              type="button"
              data-testid="dataset-item"
              onClick={() => setSelected(d.id)}
              className={`block w-full rounded-md px-2.5 py-1.5 text-left text-[13px] ${current?.id === d.id ? 'bg-accent-600/10 text-accent-800 dark:text-accent-300' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`}
            >
              <span className="block truncate font-medium">{d.name}</span>
              <span className="text-[11.5px] text-zinc-500">
                {d.rowCount} rows · {d.validationCount} validation
              </span>
            </button>
          ))}
        </nav>
        {current ? (
          <DatasetView key={current.id} dataset={current} onImport={(f) => void importFile(f, true)} />
        ) : (
          <div className="flex-1" />
        )}
      </div>
    </>
  );
}

function DatasetView({ dataset, onImport }: { dataset: DatasetSummary; onImport(f: File): void }) {
  const api = useApi();
  // Keyed by updatedAt too: every change to the dataset shows its rows afresh.
  const rows = useQuery({
    queryKey: [...queryKeys.datasetRows(dataset.id), dataset.updatedAt],
    queryFn: () => api.datasets.rows({ id: dataset.id }),
  });
  const [editing, setEditing] = useState<DatasetRowData | 'new' | null>(null);
  const [stats, setStats] = useState<DatasetStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const [valFraction, setValFraction] = useState(0.1);
  const [fromChat, setFromChat] = useState(false);
  const overRows = new Set(stats?.lengths.filter((l) => l.over).map((l) => l.rowId));
  const lengthOf = new Map(stats?.lengths.map((l) => [l.rowId, l.total]));

  const save = async (messages: DatasetMessage[], split: 'train' | 'validation') => {
    setError(null);
    try {
      if (editing === 'new') await api.datasets.addRow({ id: dataset.id, messages, split });
      else if (editing) await api.datasets.updateRow({ id: dataset.id, rowId: editing.id, messages, split });
      setEditing(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <section className="flex min-w-0 flex-1 flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <input
          aria-label="Dataset name"
          defaultValue={dataset.name}
          className={`w-40 font-medium ${textInputClass}`}
          onBlur={(e) =>
            e.target.value.trim() && e.target.value !== dataset.name && void api.datasets.rename({ id: dataset.id, name: e.target.value })
          }
        />
        <Button onClick={() => setEditing('new')}>Add row</Button>
        <Button onClick={() => setFromChat(true)}>From chat…</Button>
        <input
          ref={fileRef}
          type="file"
          accept=".jsonl,.json,.csv"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) onImport(f);
          }}
        />
        <Button onClick={() => fileRef.current?.click()}>Import into…</Button>
        <label className="ml-2 flex items-center gap-1 text-[12.5px] text-zinc-600 dark:text-zinc-400">
          Validation
          <select
            value={valFraction}
            onChange={(e) => setValFraction(Number(e.target.value))}
            className={textInputClass}
            aria-label="Validation share"
          >
            {[0, 0.05, 0.1, 0.2, 0.3].map((f) => (
              <option key={f} value={f}>
                {Math.round(f * 100)}%
              </option>
            ))}
          </select>
        </label>
        <Button onClick={() => void api.datasets.split({ id: dataset.id, fraction: valFraction, seed: 42 })}>Split</Button>
        <div className="ml-auto flex flex-wrap items-center gap-1">
          <select aria-label="Export format" id="export-format" className={`w-44 ${textInputClass}`} defaultValue="jsonl-messages">
            <option value="jsonl-messages">JSONL (messages)</option>
            <option value="jsonl-prompt-completion">JSONL (prompt/completion)</option>
            <option value="jsonl-sharegpt">JSONL (ShareGPT)</option>
            <option value="csv">CSV</option>
          </select>
          <Button
            onClick={async () => {
              const format = (document.getElementById('export-format') as HTMLSelectElement).value as 'csv';
              const r = await api.datasets.export({ id: dataset.id, format });
              downloadFile({ fileName: r.fileName, mimeType: 'text/plain', content: r.content });
            }}
          >
            Export
          </Button>
          <Button
            variant="ghost"
            onClick={() =>
              confirm(`Delete “${dataset.name}” and its ${dataset.rowCount} rows?`) && void api.datasets.delete({ id: dataset.id })
            }
          >
            Delete
          </Button>
        </div>
      </div>
      <div className="flex min-h-0 flex-1">
        <div className="min-w-0 flex-1 overflow-y-auto">
          {error && (
            <p role="alert" className="m-3 text-[12.5px] text-red-700">
              {error}
            </p>
          )}
          {fromChat && <FromChat datasetId={dataset.id} onDone={() => setFromChat(false)} />}
          {editing && <RowEditor row={editing === 'new' ? null : editing} onSave={save} onCancel={() => setEditing(null)} />}
          <table className="w-full table-fixed text-[12.5px]" data-testid="dataset-rows">
            <thead className="sticky top-0 bg-zinc-50 text-left text-[11.5px] text-zinc-500 dark:bg-zinc-900">
              <tr>
                <th className="w-9 px-3 py-1.5">#</th>
                <th className="px-2">Prompt</th>
                <th className="px-2">Answer</th>
                <th className="w-16 px-2">Split</th>
                <th className="w-14 px-2">Tokens</th>
                <th className="w-24" />
              </tr>
            </thead>
            <tbody>
              {(rows.data ?? []).map((r, i) => {
                const answer = r.messages[r.messages.length - 1]?.content ?? '';
                const prompt = r.messages
                  .slice(0, -1)
                  .filter((m) => m.role !== 'system')
                  .map((m) => m.content)
                  .join(' ⏎ ');
                return (
                  <tr
                    key={r.id}
                    data-testid="dataset-row"
                    className={`border-t border-zinc-100 align-top dark:border-zinc-800 ${overRows.has(r.id) ? 'bg-amber-50 dark:bg-amber-950/30' : ''}`}
                  >
                    <td className="px-3 py-1.5 text-zinc-400">{i + 1}</td>
                    <td className="max-w-0 truncate px-2 py-1.5" title={prompt}>
                      {prompt}
                    </td>
                    <td className="max-w-0 truncate px-2 py-1.5" title={answer}>
                      {answer}
                    </td>
                    <td className="px-2 py-1.5">{r.split === 'validation' ? 'validation' : 'train'}</td>
                    <td className={`px-2 py-1.5 font-mono ${overRows.has(r.id) ? 'font-semibold text-amber-700 dark:text-amber-400' : ''}`}>
                      {lengthOf.get(r.id) ?? '–'}
                    </td>
                    <td className="px-2 py-1 text-right whitespace-nowrap">
                      <button type="button" className="text-accent-700 hover:underline dark:text-accent-400" onClick={() => setEditing(r)}>
                        Edit
                      </button>{' '}
                      <button
                        type="button"
                        className="text-zinc-500 hover:underline"
                        onClick={() => void api.datasets.deleteRows({ id: dataset.id, rowIds: [r.id] })}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {rows.data?.length === 0 && (
            <p className="p-4 text-[12.5px] text-zinc-500">No rows. Add one, import a file, or choose replies in a chat.</p>
          )}
        </div>
        <StatsPanel dataset={dataset} stats={stats} onStats={setStats} />
      </div>
    </section>
  );
}
