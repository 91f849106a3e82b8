// Tag: labels (with optional descriptions), single or multi-label, an instruction, and items typed,
// pasted as lines, or as CSV/JSONL with an optional gold column. Results show each item's labels and
// confidence; with gold labels, accuracy, per-label precision/recall and the confusion matrix.
import { useState } from 'react';
import type { Label, ParsedItems, RunView, TagMetrics } from '../../../../electron/core/api/playground.ts';
import { useApi } from '../../api/hooks.ts';
import { SelectField, Switch, textInputClass } from '../../components/fields.tsx';
import { Button } from '../../components/ui.tsx';
import { AddToDataset } from './AddToDataset.tsx';
import { activeModel, ModelAndAdapter, modelChoiceInput, type ModelChoice } from './ModelAndAdapter.tsx';
import { ErrorText, pct, RunBar, Section } from './parts.tsx';
import { describe, useRun } from './useRun.ts';

type Format = 'lines' | 'csv' | 'jsonl';

export function TagTab({ runId, onRun }: { runId: string | null; onRun(id: string): void }) {
  const api = useApi();
  const [labels, setLabels] = useState<Label[]>([{ name: 'positive' }, { name: 'negative' }, { name: 'neutral' }]);
  const [multi, setMulti] = useState(false);
  const [instruction, setInstruction] = useState('What is the sentiment of the text?');
  const [format, setFormat] = useState<Format>('lines');
  const [content, setContent] = useState('');
  const [model, setModel] = useState<ModelChoice>(activeModel);
  const [parsed, setParsed] = useState<ParsedItems | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const parse = async (c = content, f = format) => {
    const p = await api.playground.parseItems({ format: f, content: c });
    setParsed(p);
    return p;
  };
  const run = async () => {
    setError(null);
    setBusy(true);
    try {
      const p = await parse();
      if (p.errors.length > 0) return setError(`Fix these rows first:\n${p.errors.map((e) => `line ${e.line}: ${e.message}`).join('\n')}`);
      const started = await api.playground.tag({
        labels,
        multiLabel: multi,
        instruction,
        items: p.items,
        ...modelChoiceInput(model),
      });
      onRun(started.runId);
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };
  const loadFile = async (file: File) => {
    const text = await file.text();
    const f: Format = /\.csv$/i.test(file.name) ? 'csv' : /\.jsonl?$/i.test(file.name) ? 'jsonl' : 'lines';
    setFormat(f);
    setContent(text);
    void parse(text, f);
  };

  return (
    <div className="grid gap-4 xl:grid-cols-[minmax(0,420px)_minmax(0,1fr)]">
      <div className="space-y-4">
        <Section title="Labels">
          <div className="space-y-2">
            {labels.map((l, i) => (
              <div key={i} className="flex gap-2">
                <input
                  aria-label={`Label ${i + 1} name`}
                  className={`w-32 ${textInputClass}`}
                  value={l.name}
                  onChange={(e) => setLabels(labels.map((x, k) => (k === i ? { ...x, name: e.target.value } : x)))}
                />
                <input
                  aria-label={`Label ${i + 1} description`}
                  placeholder="description (optional)"
                  className={`min-w-0 flex-1 ${textInputClass}`}
                  value={l.description ?? ''}
                  onChange={(e) => setLabels(labels.map((x, k) => (k === i ? { ...x, description: e.target.value } : x)))}
                />
                <Button variant="ghost" aria-label={`Remove label ${l.name}`} onClick={() => setLabels(labels.filter((_, k) => k !== i))}>
                  ×
                </Button>
              </div>
            ))}
            <div className="flex items-center justify-between">
              <Button variant="ghost" onClick={() => setLabels([...labels, { name: '' }])}>
                + Add label
              </Button>
              <Switch label="Several labels per item" checked={multi} onChange={setMulti} />
            </div>
          </div>
        </Section>
        <Section title="Instruction and items">
          <div className="space-y-3">
            <label className="block space-y-1 text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
              <span>Instruction</span>
              <textarea
                className={`w-full ${textInputClass}`}
                rows={2}
                value={instruction}
                onChange={(e) => setInstruction(e.target.value)}
              />
            </label>
            <div className="grid grid-cols-2 gap-3">
              <ModelAndAdapter value={model} onChange={setModel} />
            </div>
            <SelectField<Format>
              label="Items are"
              value={format}
              onChange={(f) => (setFormat(f), content && void parse(content, f))}
              options={[
                { value: 'lines', label: 'One per line' },
                { value: 'csv', label: 'CSV (text, label columns)' },
                { value: 'jsonl', label: 'JSONL ({"text", "label"})' },
              ]}
            />
            <textarea
              aria-label="Items"
              className={`w-full font-mono text-[12px] ${textInputClass}`}
              rows={8}
              placeholder={
                format === 'lines'
                  ? 'One text per line'
                  : format === 'csv'
                    ? 'text,label\n"Great!",positive'
                    : '{"text": "Great!", "label": "positive"}'
              }
              value={content}
              onChange={(e) => (setContent(e.target.value), setParsed(null))}
              onBlur={() => content && void parse()}
            />
            <div className="flex flex-wrap items-center gap-2 text-[12px] text-zinc-500">
              <label className="cursor-pointer text-accent-700 hover:underline dark:text-accent-400">
                Open a CSV/JSONL file…
                <input
                  type="file"
                  accept=".csv,.jsonl,.json,.txt"
                  className="hidden"
                  onChange={(e) => e.target.files?.[0] && void loadFile(e.target.files[0])}
                />
              </label>
              {parsed && (
                <span data-testid="parsed-count">
                  {parsed.items.length} item{parsed.items.length === 1 ? '' : 's'}
                  {parsed.items.some((i) => i.gold) ? `, ${parsed.items.filter((i) => i.gold).length} with gold labels` : ''}
                  {parsed.errors.length > 0 ? `, ${parsed.errors.length} malformed row${parsed.errors.length === 1 ? '' : 's'}` : ''}
                </span>
              )}
            </div>
            {parsed && parsed.errors.length > 0 && (
              <ErrorText>
                {parsed.errors
                  .slice(0, 8)
                  .map((e) => `line ${e.line}: ${e.message}`)
                  .join('\n')}
              </ErrorText>
            )}
            <ErrorText>{error}</ErrorText>
            <Button variant="primary" onClick={() => void run()} disabled={busy || !content.trim()}>
              Tag items
            </Button>
          </div>
        </Section>
      </div>
      <div className="min-w-0">
        {runId ? <TagResults runId={runId} /> : <p className="p-6 text-[13px] text-zinc-500">Results appear here.</p>}
      </div>
    </div>
  );
}

function TagResults({ runId }: { runId: string }) {
  const { live, error } = useRun(runId);
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  if (error) return <ErrorText>{error}</ErrorText>;
  if (!live) return null;
  const { view } = live;
  const m = view.result?.kind === 'tag' ? view.result : null;
  return (
    <div className="space-y-4" data-testid="tag-results">
      <Section title={view.run.title}>
        <RunBar run={view.run} />
      </Section>
      {m && <Metrics m={m} />}
      <ItemsTable view={view} chosen={chosen} onChoose={setChosen} />
      {view.run.status !== 'running' && (
        <Section title="Use as training data">
          <AddToDataset
            runId={runId}
            chosen={{ items: [...chosen].sort((a, b) => a - b).map((index) => ({ index, col: 0 })), summary: false }}
            onAdded={() => setChosen(new Set())}
          />
        </Section>
      )}
    </div>
  );
}

function Metrics({ m }: { m: TagMetrics }) {
  return (
    <Section title="Against gold labels">
      {m.evaluated === 0 ? (
        <p className="text-[12.5px] text-zinc-500">No item has gold labels: add a label column to see accuracy.</p>
      ) : (
        <div className="space-y-4 text-[12.5px]">
          <p>
            Accuracy <strong data-testid="accuracy">{pct(m.accuracy)}</strong> on {m.evaluated} item{m.evaluated === 1 ? '' : 's'}
            {m.itemsPerSecond ? ` · ${m.itemsPerSecond.toPrecision(2)} items/s` : ''}
          </p>
          <table className="w-full max-w-md text-left" aria-label="Per-label precision and recall">
            <thead className="text-zinc-500">
              <tr>
                <th className="py-1 font-medium">Label</th>
                <th className="font-medium">Precision</th>
                <th className="font-medium">Recall</th>
                <th className="font-medium">Support</th>
              </tr>
            </thead>
            <tbody>
              {m.perLabel.map((l) => (
                <tr key={l.label} className="border-t border-zinc-100 dark:border-zinc-800">
                  <td className="py-1">{l.label}</td>
                  <td>{pct(l.precision)}</td>
                  <td>{pct(l.recall)}</td>
                  <td>{l.support}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {m.confusion && (
            <div>
              <p className="mb-1 text-zinc-500">Confusion matrix (rows: gold, columns: predicted)</p>
              <table className="text-center" aria-label="Confusion matrix">
                <thead>
                  <tr>
                    <th />
                    {m.confusion.labels.map((l) => (
                      <th key={l} className="px-2 py-1 font-medium text-zinc-500">
                        {l}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {m.confusion.counts.map((row, g) => {
                    const max = Math.max(1, ...m.confusion!.counts.flat());
                    return (
                      <tr key={g}>
                        <th className="px-2 py-1 text-right font-medium text-zinc-500">{m.confusion!.labels[g]}</th>
                        {row.map((n, p) => (
                          <td
                            key={p}
                            className={`min-w-10 px-2 py-1 tabular-nums ${g === p ? 'text-emerald-900 dark:text-emerald-100' : ''}`}
                            style={{
                              background: n
                                ? `color-mix(in oklab, ${g === p ? '#10b981' : '#ef4444'} ${Math.round((n / max) * 45) + 8}%, transparent)`
                                : undefined,
                            }}
                          >
                            {n}
                          </td>
                        ))}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </Section>
  );
}

function ItemsTable({ view, chosen, onChoose }: { view: RunView; chosen: ReadonlySet<number>; onChoose(next: ReadonlySet<number>): void }) {
  const done = view.items.filter((it) => it.status === 'done').map((it) => it.index);
  const all = done.length > 0 && done.every((i) => chosen.has(i));
  const toggle = (index: number) => {
    const next = new Set(chosen);
    if (!next.delete(index)) next.add(index);
    onChoose(next);
  };
  return (
    <Section title="Items">
      <div className="max-h-[60vh] overflow-auto">
        <table className="w-full text-left text-[12.5px]" aria-label="Tagged items">
          <thead className="sticky top-0 bg-white text-zinc-500 dark:bg-zinc-900">
            <tr>
              <th className="w-8 py-1">
                <input
                  type="checkbox"
                  aria-label="Choose every tagged item"
                  checked={all}
                  disabled={done.length === 0}
                  onChange={() => onChoose(all ? new Set() : new Set(done))}
                />
              </th>
              <th className="w-10 py-1 font-medium">#</th>
              <th className="font-medium">Text</th>
              <th className="font-medium">Labels (confidence)</th>
              <th className="font-medium">Gold</th>
            </tr>
          </thead>
          <tbody>
            {view.items.map((it) => {
              const o = it.output?.kind === 'tag' ? it.output : null;
              const right = o && it.gold ? o.labels.length === it.gold.length && o.labels.every((l) => it.gold!.includes(l)) : null;
              return (
                <tr
                  key={it.index}
                  className="border-t border-zinc-100 align-top dark:border-zinc-800"
                  data-testid="tag-item"
                  data-status={it.status}
                >
                  <td className="py-1">
                    <input
                      type="checkbox"
                      aria-label={`Choose item ${it.index + 1}`}
                      checked={chosen.has(it.index)}
                      disabled={it.status !== 'done'}
                      onChange={() => toggle(it.index)}
                    />
                  </td>
                  <td className="py-1 text-zinc-400">{it.index + 1}</td>
                  <td className="max-w-md py-1 pr-3">
                    <span className="line-clamp-2">{it.input}</span>
                  </td>
                  <td className="py-1">
                    {o?.labels.map((l) => (
                      <span
                        key={l}
                        data-testid="item-label"
                        className="mr-1 inline-block rounded bg-accent-100 px-1.5 text-accent-800 dark:bg-accent-500/15 dark:text-accent-300"
                      >
                        {l} <span className="text-[11px] opacity-70">{pct(o.confidence[l] ?? null)}</span>
                      </span>
                    ))}
                    {it.status === 'failed' && <span className="text-red-600">{it.error}</span>}
                    {(it.status === 'pending' || it.status === 'running') && <span className="text-zinc-400">…</span>}
                  </td>
                  <td className="py-1">
                    {it.gold?.join(', ')}
                    {right !== null && <span className={right ? 'ml-1 text-emerald-600' : 'ml-1 text-red-600'}>{right ? '✓' : '✗'}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
