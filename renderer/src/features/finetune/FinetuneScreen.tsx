// Fine-tune: LoRA on our own engine, in the engine worker. Pick a model and dataset, set the
// configuration (explained defaults, a 270M preset), start; the charts follow the whole run live.
// Stop & save exports what it has; cancel keeps the last checkpoint for a resume. Finished runs list
// their adapter files (GGUF for llama.cpp, PEFT folder) for chat and for Python tools.
import { useEffect, useState } from 'react';
import type { FinetuneConfig, FinetuneRun } from '../../../../electron/core/api/finetune.ts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi, useEvent } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';
import { SelectField } from '../../components/fields.tsx';
import { Button, PageHeader } from '../../components/ui.tsx';
import { ModelPathInput } from '../datasets/ModelPathInput.tsx';
import { useModelChoices } from '../datasets/useModelChoices.ts';
import { ChatAdapterControl } from './ChatAdapterControl.tsx';
import { ConfigForm } from './ConfigForm.tsx';
import { RunCharts } from './RunCharts.tsx';
import { addEval, addStep, type RunMetrics } from './runState.ts';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

const STATUS_TEXT: Record<FinetuneRun['status'], string> = {
  queued: 'Queued',
  running: 'Training',
  completed: 'Completed',
  stopped: 'Stopped and saved',
  cancelled: 'Cancelled',
  failed: 'Failed',
  interrupted: 'Interrupted (the app closed)',
};

export function FinetuneScreen() {
  const api = useApi();
  const queries = useQueryClient();
  const presets = useQuery({ queryKey: queryKeys.finetunePresets, queryFn: () => api.finetune.presets({}) });
  const datasets = useQuery({ queryKey: queryKeys.datasets, queryFn: () => api.datasets.list({}) });
  const runs = useQuery({ queryKey: queryKeys.finetuneRuns, queryFn: () => api.finetune.runs({}) });
  const { choices, modelPath, setModelPath } = useModelChoices();
  const [datasetId, setDatasetId] = useState('');
  const [config, setConfig] = useState<FinetuneConfig | null>(null);
  const [overflow, setOverflow] = useState<'truncate' | 'refuse'>('truncate');
  const [runId, setRunId] = useState<string | null>(null);
  const [metrics, setMetrics] = useState<RunMetrics>({ steps: [], evals: [] });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!config && presets.data) setConfig(presets.data.defaults);
  }, [presets.data, config]);
  useEffect(() => {
    if (!datasetId && datasets.data?.[0]) setDatasetId(datasets.data[0].id);
  }, [datasets.data, datasetId]);
  useEffect(() => {
    if (!runId && runs.data?.[0]) setRunId(runs.data[0].id);
  }, [runs.data, runId]);
  const run = runs.data?.find((r) => r.id === runId) ?? null;
  useEffect(() => {
    if (!runId) return;
    let live = true;
    void api.finetune.run({ runId }).then((r) => live && setMetrics({ steps: r.steps, evals: r.evals }));
    return () => {
      live = false;
    };
  }, [api, runId]);
  useEvent('finetune.metrics', (p) => {
    if (p.runId !== runId) return;
    setMetrics((m) => (p.step ? addStep(m, p.step) : p.eval ? addEval(m, p.eval) : m));
  });

  const start = async () => {
    if (!config) return;
    setError(null);
    try {
      const r = await api.finetune.start({ datasetId, modelPath, config, overflow });
      setMetrics({ steps: [], evals: [] });
      setRunId(r.runId);
      void queries.invalidateQueries({ queryKey: queryKeys.finetuneRuns });
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const act = (fn: () => Promise<unknown>) => async () => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const running = run?.status === 'running';

  return (
    <>
      <PageHeader title="Fine-tune" subtitle="LoRA on our own engine, on this computer; adapters for llama.cpp and PEFT" />
      <div className="flex min-h-0 flex-1">
        <aside className="w-80 shrink-0 space-y-3 overflow-y-auto border-r border-zinc-200 p-4 dark:border-zinc-800">
          <label className="block text-[12.5px] font-medium">
            Base model (.gguf)
            <ModelPathInput
              choices={choices}
              value={modelPath}
              onChange={setModelPath}
              placeholder="/path/to/gemma-3-270m.gguf"
              testId="finetune-model"
            />
          </label>
          <SelectField
            label="Dataset"
            value={datasetId}
            onChange={setDatasetId}
            options={(datasets.data ?? []).map((d) => ({
              value: d.id,
              label: `${d.name} (${d.trainCount} train, ${d.validationCount} val)`,
            }))}
          />
          <SelectField<'truncate' | 'refuse'>
            label="Rows over the maximum length"
            value={overflow}
            onChange={setOverflow}
            options={[
              { value: 'truncate', label: 'Truncate them' },
              { value: 'refuse', label: 'Refuse to train' },
            ]}
          />
          {presets.data && (
            <div className="flex items-center gap-2 text-[12.5px]">
              Preset
              {presets.data.presets.map((p) => (
                <Button key={p.name} onClick={() => setConfig(p.config)}>
                  {p.name}
                </Button>
              ))}
              <Button variant="ghost" onClick={() => setConfig(presets.data!.defaults)}>
                Defaults
              </Button>
            </div>
          )}
          {config && presets.data && <ConfigForm config={config} help={presets.data.help} onChange={setConfig} disabled={running} />}
          <Button
            variant="primary"
            className="w-full"
            data-testid="finetune-start"
            disabled={!modelPath || !datasetId || running || !config}
            onClick={() => void start()}
          >
            Start training
          </Button>
          {error && (
            <p role="alert" data-testid="finetune-error" className="text-[12.5px] text-red-700 dark:text-red-400">
              {error}
            </p>
          )}
        </aside>
        <section className="min-w-0 flex-1 space-y-4 overflow-y-auto p-4">
          {run ? (
            <>
              <div className="flex flex-wrap items-center gap-2">
                <h2 className="text-[14px] font-semibold" data-testid="run-status">
                  {STATUS_TEXT[run.status]}
                </h2>
                {run.stopReason && run.stopReason !== 'finished' && (
                  <span className="text-[12px] text-zinc-500">
                    (
                    {run.stopReason === 'target'
                      ? 'reached the target validation loss'
                      : run.stopReason === 'patience'
                        ? 'validation stopped improving'
                        : 'stopped by you'}
                    )
                  </span>
                )}
                {run.error && <span className="text-[12px] text-red-700">{run.error}</span>}
                <div className="ml-auto flex gap-2">
                  {running && (
                    <Button onClick={act(() => api.finetune.stop({ runId: run.id }))} data-testid="finetune-stop">
                      Stop &amp; save
                    </Button>
                  )}
                  {running && (
                    <Button variant="ghost" onClick={act(() => api.finetune.cancel({ runId: run.id }))}>
                      Cancel
                    </Button>
                  )}
                  {!running && run.status !== 'completed' && run.checkpointStep !== null && (
                    <Button onClick={act(() => api.finetune.resume({ runId: run.id }))}>Resume from step {run.checkpointStep}</Button>
                  )}
                </div>
              </div>
              <RunCharts metrics={metrics} totalSteps={run.totalSteps} />
              {run.adapter && (
                <div className="rounded-lg border border-zinc-200 p-3 text-[12.5px] dark:border-zinc-800" data-testid="adapter-files">
                  <h3 className="font-semibold">Adapter</h3>
                  <p className="mt-1">
                    GGUF for llama.cpp:{' '}
                    <code className="font-mono" data-testid="adapter-gguf">
                      {run.adapter.ggufPath}
                    </code>{' '}
                    <Button variant="ghost" onClick={() => void navigator.clipboard?.writeText(run.adapter!.ggufPath)}>
                      Copy path
                    </Button>
                  </p>
                  {run.adapter.peftPath && (
                    <p>
                      PEFT (adapter_config.json + adapter_model.safetensors): <code className="font-mono">{run.adapter.peftPath}</code>{' '}
                      <Button variant="ghost" onClick={() => void navigator.clipboard?.writeText(run.adapter!.peftPath!)}>
                        Copy path
                      </Button>
                    </p>
                  )}
                  <p className="mt-1 text-zinc-500">
                    Rank {run.adapter.rank}, alpha {run.adapter.alpha}: B·A is scaled by alpha / r ={' '}
                    {(run.adapter.alpha / run.adapter.rank).toFixed(2)}, times the scale below.
                  </p>
                  <ChatAdapterControl adapter={run.adapter} />
                </div>
              )}
              <details className="text-[12px]">
                <summary className="cursor-pointer">Configuration of this run</summary>
                <pre className="mt-1 overflow-x-auto rounded bg-zinc-100 p-2 font-mono dark:bg-zinc-900">
                  {JSON.stringify(run.config, null, 2)}
                </pre>
              </details>
            </>
          ) : (
            <p className="text-[13px] text-zinc-500">
              No runs yet. Choose a model and a dataset, then start training; the loss, validation loss, learning rate, per-layer gradient
              norms and speed appear here as it learns.
            </p>
          )}
          {(runs.data?.length ?? 0) > 1 && (
            <div>
              <h3 className="mb-1 text-[12.5px] font-semibold">Runs</h3>
              <ul className="space-y-0.5 text-[12.5px]">
                {runs.data!.map((r) => (
                  <li key={r.id}>
                    <button
                      type="button"
                      onClick={() => setRunId(r.id)}
                      className={`hover:underline ${r.id === runId ? 'font-semibold' : ''}`}
                    >
                      {new Date(r.createdAt).toLocaleString()} · {STATUS_TEXT[r.status]} · step {r.step}/{r.totalSteps}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </section>
      </div>
    </>
  );
}
