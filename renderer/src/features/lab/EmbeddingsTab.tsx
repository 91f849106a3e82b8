// Embeddings: similarity between texts, from llama.cpp's embedding context or from our engine's hidden
// states at a chosen layer and pooling; and the nearest tokens of a token in the embedding matrix.
import { useState } from 'react';
import type { NearDuplicates, NearestTokens, SimilarityResult } from '../../../../electron/core/api/lab.ts';
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../api/query.ts';
import { useApi } from '../../api/hooks.ts';
import { SelectField, textInputClass } from '../../components/fields.tsx';
import { Button } from '../../components/ui.tsx';
import { SimilarityView } from './SimilarityView.tsx';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

const SAMPLE = [
  'The cat sat on the mat.',
  'A cat was sitting on a rug.',
  'Stock prices fell sharply today.',
  'Investors sold shares after the earnings report.',
].join('\n');

type Source = 'llama' | 'engine';

export function EmbeddingsTab() {
  const api = useApi();
  const [text, setText] = useState(SAMPLE);
  const [source, setSource] = useState<Source>('llama');
  const [layer, setLayer] = useState(-1);
  const [pooling, setPooling] = useState<'mean' | 'last'>('mean');
  const [result, setResult] = useState<SimilarityResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [token, setToken] = useState('▁the');
  const [near, setNear] = useState<NearestTokens | null>(null);
  const [nearError, setNearError] = useState<string | null>(null);
  const datasets = useQuery({ queryKey: queryKeys.datasets, queryFn: () => api.datasets.list({}) });
  const [datasetId, setDatasetId] = useState('');
  const [threshold, setThreshold] = useState(0.95);
  const [dupes, setDupes] = useState<NearDuplicates | null>(null);
  const [dupesError, setDupesError] = useState<string | null>(null);
  const [dupesBusy, setDupesBusy] = useState(false);
  const method = source === 'llama' ? ({ kind: 'llama' } as const) : ({ kind: 'engine', layer, pooling } as const);
  const findDupes = async () => {
    setDupesBusy(true);
    setDupesError(null);
    try {
      setDupes(await api.lab.datasetDuplicates({ datasetId: datasetId || datasets.data?.[0]?.id || '', method, threshold }));
    } catch (err) {
      setDupesError(errorMessage(err));
    } finally {
      setDupesBusy(false);
    }
  };

  const texts = text
    .split('\n')
    .map((t) => t.trim())
    .filter(Boolean);
  const compute = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.lab.similarity({ texts, method }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const findNear = async () => {
    setNearError(null);
    try {
      setNear(await api.lab.nearestTokens({ token, k: 10 }));
    } catch (err) {
      setNearError(errorMessage(err));
    }
  };

  return (
    <div className="space-y-6">
      <section className="space-y-3">
        <label className="block space-y-1">
          <span className="block text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">Texts, one per line ({texts.length})</span>
          <textarea
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={5}
            className={`w-full max-w-[760px] font-mono text-[12.5px] ${textInputClass}`}
            data-testid="embedding-texts"
          />
        </label>
        <div className="flex max-w-[760px] flex-wrap items-end gap-3">
          <div className="w-64">
            <SelectField<Source>
              label="Vectors from"
              value={source}
              onChange={setSource}
              options={[
                { value: 'llama', label: "llama.cpp's embedding context" },
                { value: 'engine', label: "our engine's hidden states" },
              ]}
            />
          </div>
          {source === 'engine' && (
            <>
              <label className="space-y-1 text-[12.5px]">
                <span className="block font-medium text-zinc-700 dark:text-zinc-300">Layer (−1 = after the final norm)</span>
                <input
                  type="number"
                  min={-1}
                  value={layer}
                  onChange={(e) => setLayer(Number(e.target.value))}
                  className={`w-24 ${textInputClass}`}
                />
              </label>
              <div className="w-40">
                <SelectField<'mean' | 'last'>
                  label="Pooling"
                  value={pooling}
                  onChange={setPooling}
                  options={[
                    { value: 'mean', label: 'mean over tokens' },
                    { value: 'last', label: 'last token' },
                  ]}
                />
              </div>
            </>
          )}
          <Button variant="primary" onClick={() => void compute()} disabled={busy || texts.length < 2} data-testid="embedding-run">
            {busy ? 'Computing…' : 'Compare texts'}
          </Button>
        </div>
        {texts.length < 2 && <p className="text-[12.5px] text-zinc-500">Write at least two texts.</p>}
        {error && <p className="text-[13px] text-red-600">{error}</p>}
        {result && (
          <>
            <p className="text-[12px] text-zinc-500">
              {result.dims}-dimensional vectors (
              {result.method === 'llama'
                ? 'llama.cpp'
                : result.method.replace('engine:', 'our engine, layer ').replace(/:(mean|last)$/, ', $1 pooling')}
              ){result.cached ? `; ${result.cached} of ${result.texts.length} came from the stored vectors` : ''}.
            </p>
            <ol className="list-decimal space-y-0.5 pl-5 text-[12.5px] text-zinc-700 dark:text-zinc-300">
              {result.texts.map((t, i) => (
                <li key={i}>{t}</li>
              ))}
            </ol>
            <SimilarityView result={result} />
          </>
        )}
      </section>

      <section className="space-y-2">
        <h2 className="text-[13px] font-semibold">Nearest tokens</h2>
        <p className="max-w-[70ch] text-[12.5px] text-zinc-500">
          The tokens whose rows of the embedding matrix point the most the same way (cosine similarity). Gemma 3 writes a leading space as
          ▁.
        </p>
        <div className="flex items-center gap-2">
          <input value={token} onChange={(e) => setToken(e.target.value)} className={`w-48 ${textInputClass}`} aria-label="Token" />
          <Button onClick={() => void findNear()}>Find</Button>
        </div>
        {nearError && <p className="text-[13px] text-red-600">{nearError}</p>}
        {near && (
          <table className="text-[12.5px]" data-testid="nearest-tokens">
            <caption className="pb-1 text-left text-zinc-500">
              Token {near.token.id} “{near.token.text}”
            </caption>
            <tbody>
              {near.neighbours.map((n) => (
                <tr key={n.id}>
                  <td className="pr-4 font-mono">{n.text}</td>
                  <td className="pr-4 text-zinc-500">#{n.id}</td>
                  <td className="text-right tabular-nums">{n.similarity.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="space-y-2">
        <h2 className="text-[13px] font-semibold">Near-duplicates in a dataset</h2>
        <p className="max-w-[70ch] text-[12.5px] text-zinc-500">
          Rows whose embeddings (with the settings above) are at least this similar: repeated or nearly repeated examples that would weigh
          double in training.
        </p>
        {(datasets.data?.length ?? 0) === 0 ? (
          <p className="text-[12.5px] text-zinc-500">No datasets yet: make one on the Datasets screen.</p>
        ) : (
          <div className="flex flex-wrap items-end gap-3">
            <label className="space-y-1 text-[12.5px]">
              <span className="block font-medium text-zinc-700 dark:text-zinc-300">Dataset</span>
              <select
                value={datasetId || datasets.data![0].id}
                onChange={(e) => setDatasetId(e.target.value)}
                className={`w-56 ${textInputClass}`}
              >
                {datasets.data!.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="space-y-1 text-[12.5px]">
              <span className="block font-medium text-zinc-700 dark:text-zinc-300">At least</span>
              <input
                type="number"
                min={0}
                max={1}
                step={0.01}
                value={threshold}
                onChange={(e) => setThreshold(Number(e.target.value))}
                className={`w-24 ${textInputClass}`}
              />
            </label>
            <Button onClick={() => void findDupes()} disabled={dupesBusy}>
              {dupesBusy ? 'Comparing rows…' : 'Find near-duplicates'}
            </Button>
          </div>
        )}
        {dupesError && <p className="text-[13px] text-red-600">{dupesError}</p>}
        {dupes && (
          <div className="space-y-1 text-[12.5px]" data-testid="near-duplicates">
            <p className="text-zinc-500">
              {dupes.pairs.length === 0
                ? `No two of the ${dupes.rows} rows are that similar.`
                : `${dupes.pairs.length} pair${dupes.pairs.length === 1 ? '' : 's'} among ${dupes.rows} rows, most similar first:`}
            </p>
            <ul className="max-w-[860px] space-y-1">
              {dupes.pairs.map((p) => (
                <li key={`${p.a.id}-${p.b.id}`} className="rounded-md px-2 py-1 ring-1 ring-zinc-200 dark:ring-zinc-800">
                  <span className="tabular-nums font-medium">{p.similarity.toFixed(3)}</span> · row {p.a.position + 1} “
                  {p.a.text.slice(0, 80)}” and row {p.b.position + 1} “{p.b.text.slice(0, 80)}”
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
    </div>
  );
}
