// Summarize: typed or pasted text, or a stored document (Files), with length and style options.
import { useState } from 'react';
import type { SummaryLength, SummaryStyle } from '../../../../electron/core/api/playground.ts';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';
import { SelectField, textInputClass } from '../../components/fields.tsx';
import { Button } from '../../components/ui.tsx';
import { activeModel, ModelAndAdapter, modelChoiceInput, type ModelChoice } from './ModelAndAdapter.tsx';
import { ErrorText, Section } from './parts.tsx';
import { SummaryView } from './SummaryView.tsx';
import { describe } from './useRun.ts';

export const LENGTHS = [
  { value: 'short', label: 'Short (2–3 sentences)' },
  { value: 'medium', label: 'Medium (a paragraph)' },
  { value: 'long', label: 'Long (several paragraphs)' },
] as const;
export const STYLES = [
  { value: 'paragraph', label: 'Prose' },
  { value: 'bullets', label: 'Bullet points' },
  { value: 'tldr', label: 'TL;DR first' },
] as const;

export function SummarizeTab({ runId, onRun }: { runId: string | null; onRun(id: string): void }) {
  const api = useApi();
  const docs = useQuery({ queryKey: queryKeys.documents, queryFn: () => api.documents.list({}) });
  const [source, setSource] = useState('');
  const [text, setText] = useState('');
  const [length, setLength] = useState<SummaryLength>('medium');
  const [style, setStyle] = useState<SummaryStyle>('paragraph');
  const [model, setModel] = useState<ModelChoice>(activeModel);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setError(null);
    try {
      const common = { length, style, ...modelChoiceInput(model) };
      const started = source
        ? await api.playground.summarize({ documentId: source, ...common })
        : await api.playground.summarize({ text, ...common });
      onRun(started.runId);
    } catch (e) {
      setError(describe(e));
    }
  };
  return (
    <div className="grid gap-4 xl:grid-cols-[minmax(0,420px)_minmax(0,1fr)]">
      <Section title="What to summarize">
        <div className="space-y-3">
          <label className="block space-y-1 text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
            <span>Source</span>
            <select className={`w-full ${textInputClass}`} value={source} onChange={(e) => setSource(e.target.value)}>
              <option value="">Text typed or pasted below</option>
              {docs.data?.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          {!source && (
            <textarea
              aria-label="Text to summarize"
              className={`w-full ${textInputClass}`}
              rows={10}
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder="Paste text here, or drop a file anywhere on the window"
            />
          )}
          <div className="grid grid-cols-2 gap-3">
            <SelectField<SummaryLength> label="Length" value={length} onChange={setLength} options={LENGTHS} />
            <SelectField<SummaryStyle> label="Style" value={style} onChange={setStyle} options={STYLES} />
          </div>
          <ModelAndAdapter value={model} onChange={setModel} />
          <ErrorText>{error}</ErrorText>
          <Button variant="primary" onClick={() => void run()} disabled={!source && !text.trim()}>
            Summarize
          </Button>
        </div>
      </Section>
      <div className="min-w-0">
        {runId ? <SummaryView runId={runId} /> : <p className="p-6 text-[13px] text-zinc-500">The summary appears here.</p>}
      </div>
    </div>
  );
}
