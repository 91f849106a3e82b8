// Files: the documents dropped or picked so far (drop anywhere on the window to add), their extracted
// text and warnings, and their summaries (newest shown; summarize again with other options).
import { useEffect, useState } from 'react';
import type { DocumentInfo } from '../../../../electron/core/api/documents.ts';
import type { SummaryLength, SummaryStyle } from '../../../../electron/core/api/playground.ts';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';
import { SelectField } from '../../components/fields.tsx';
import { FilesIcon } from '../../components/icons.tsx';
import { Button, EmptyState, PageHeader } from '../../components/ui.tsx';
import { ErrorText, Section } from '../playground/parts.tsx';
import { LENGTHS, STYLES } from '../playground/SummarizeTab.tsx';
import { SummaryView } from '../playground/SummaryView.tsx';
import { describe } from '../playground/useRun.ts';
import { addFiles } from './addFiles.ts';

const selectedFromHash = () => window.location.hash.replace(/^#\/?/, '').split('/')[1] || null;

function size(n: number) {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`;
}

export function FilesScreen() {
  const api = useApi();
  const docs = useQuery({ queryKey: queryKeys.documents, queryFn: () => api.documents.list({}) });
  const [selected, setSelected] = useState<string | null>(selectedFromHash);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const on = () => setSelected(selectedFromHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const select = (id: string) => (window.location.hash = `#/files/${id}`);
  const pick = async (files: FileList | null) => {
    if (!files?.length) return;
    setError(null);
    const results = await addFiles(api, Array.from(files));
    const bad = results.filter((r) => r.error);
    if (bad.length) setError(bad.map((b) => b.error).join('\n'));
    const first = results.find((r) => r.document);
    if (first?.document) select(first.document.id);
  };
  const list = docs.data ?? [];
  const current = list.find((d) => d.id === selected) ?? null;
  return (
    <>
      <PageHeader
        title="Files"
        subtitle="Drop files anywhere on the window to summarize them"
        actions={
          <label className="inline-flex cursor-pointer items-center rounded-md bg-accent-600 px-3 py-1.5 text-[13px] font-medium text-white hover:bg-accent-700">
            Add files…
            <input type="file" multiple className="hidden" onChange={(e) => void pick(e.target.files)} data-testid="file-input" />
          </label>
        }
      />
      {list.length === 0 ? (
        <div className="min-h-0 flex-1 overflow-y-auto">
          <EmptyState icon={FilesIcon} title="No documents yet" status={null}>
            Drop a text, Markdown, PDF, Word or HTML file anywhere on the window. Glassbox reads it in a separate process, stores its text,
            and writes a summary with the local model.
            <ErrorText>{error}</ErrorText>
          </EmptyState>
        </div>
      ) : (
        <div className="flex min-h-0 flex-1">
          <ul className="w-72 shrink-0 overflow-y-auto border-r border-zinc-200 p-2 dark:border-zinc-800" aria-label="Documents">
            {list.map((d) => (
              <li key={d.id}>
                <button
                  type="button"
                  onClick={() => select(d.id)}
                  data-testid="document-row"
                  className={`w-full rounded-md px-3 py-2 text-left ${d.id === selected ? 'bg-accent-100 dark:bg-accent-500/15' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`}
                >
                  <span className="block truncate text-[13px] font-medium">{d.name}</span>
                  <span className="text-[11.5px] text-zinc-500">
                    {d.kind.toUpperCase()} · {size(d.sizeBytes)}
                    {d.pages ? ` · ${d.pages} page${d.pages === 1 ? '' : 's'}` : ''}
                    {d.latestSummary ? ' · summarized' : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <div className="min-w-0 flex-1 overflow-y-auto p-6">
            <ErrorText>{error}</ErrorText>
            {current ? <DocumentPanel key={current.id} doc={current} /> : <p className="text-[13px] text-zinc-500">Choose a document.</p>}
          </div>
        </div>
      )}
    </>
  );
}

function DocumentPanel({ doc }: { doc: DocumentInfo }) {
  const api = useApi();
  const view = useQuery({ queryKey: queryKeys.document(doc.id), queryFn: () => api.documents.get({ id: doc.id }) });
  const runs = useQuery({
    queryKey: queryKeys.playgroundRuns('summarize'),
    queryFn: () => api.playground.runs({ kind: 'summarize', limit: 200 }),
  });
  const mine = (runs.data ?? []).filter((r) => r.documentId === doc.id);
  const [runId, setRunId] = useState<string | null>(null);
  const shown = runId ?? mine[0]?.id ?? null;
  const [length, setLength] = useState<SummaryLength>('medium');
  const [style, setStyle] = useState<SummaryStyle>('paragraph');
  const [error, setError] = useState<string | null>(null);
  const summarize = async () => {
    setError(null);
    try {
      setRunId((await api.playground.summarize({ documentId: doc.id, length, style })).runId);
    } catch (e) {
      setError(describe(e));
    }
  };
  const remove = async () => {
    await api.documents.remove({ id: doc.id });
    window.location.hash = '#/files';
  };
  return (
    <div className="space-y-4" data-testid="document-panel">
      <Section
        title={doc.name}
        actions={
          <Button variant="ghost" onClick={() => void remove()}>
            Remove
          </Button>
        }
      >
        <p className="text-[12.5px] text-zinc-600 dark:text-zinc-400" data-testid="document-facts">
          {doc.kind.toUpperCase()} · {size(doc.sizeBytes)} · {doc.chars.toLocaleString()} characters
          {doc.pages ? ` · ${doc.pages} page${doc.pages === 1 ? '' : 's'}` : ''}
          {doc.sections > 1 ? ` · ${doc.sections} sections` : ''}
          {doc.encoding && doc.encoding !== 'utf-8' ? ` · ${doc.encoding}` : ''}
        </p>
        {doc.warnings.length > 0 && (
          <ul className="mt-2 space-y-0.5 text-[12px] text-amber-700 dark:text-amber-300" data-testid="document-warnings">
            {doc.warnings.map((w) => (
              <li key={w}>⚠ {w}</li>
            ))}
          </ul>
        )}
        <details className="mt-3">
          <summary className="cursor-pointer text-[12.5px] text-zinc-500">Extracted text</summary>
          <pre className="mt-2 max-h-64 overflow-auto whitespace-pre-wrap rounded bg-zinc-50 p-3 font-sans text-[12px] dark:bg-zinc-950">
            {view.data?.text ?? '…'}
          </pre>
        </details>
        <div className="mt-4 flex flex-wrap items-end gap-3">
          <div className="w-48">
            <SelectField<SummaryLength> label="Length" value={length} onChange={setLength} options={LENGTHS} />
          </div>
          <div className="w-40">
            <SelectField<SummaryStyle> label="Style" value={style} onChange={setStyle} options={STYLES} />
          </div>
          <Button variant="primary" onClick={() => void summarize()}>
            {mine.length ? 'Summarize again' : 'Summarize'}
          </Button>
          {mine.length > 1 && (
            <select
              aria-label="Summaries"
              className="rounded-md px-2 py-1 text-[12.5px] ring-1 ring-zinc-300 dark:bg-zinc-900 dark:ring-zinc-700"
              value={shown ?? ''}
              onChange={(e) => setRunId(e.target.value)}
            >
              {mine.map((r) => (
                <option key={r.id} value={r.id}>
                  {new Date(r.createdAt).toLocaleString()} · {r.status}
                </option>
              ))}
            </select>
          )}
        </div>
        <ErrorText>{error}</ErrorText>
      </Section>
      {shown && <SummaryView runId={shown} />}
    </div>
  );
}
