// Inspect: run a prompt through our own Gemma 3 engine and look at every layer — residual stream,
// attention, logit lens, MLP saturation, interventions, a side-by-side compare, and gradients.
// The heavy work runs as jobs in the engine worker; this screen only draws what comes back.
// Activation and gradient runs are stored: "Recent runs" reopens them, and #/inspect/run/<id> names one.
import { useCallback, useEffect, useState } from 'react';
import type { AdapterChoice, GradientResult, InspectRun } from '../../../../electron/core/api/inspect.ts';
import { useApi } from '../../api/hooks.ts';
import { TabBar } from '../../components/TabBar.tsx';
import { PageHeader } from '../../components/ui.tsx';
import { CheckBanner } from '../lab/CheckBanner.tsx';
import { useModelList } from '../../api/hooks.ts';
import { ActivationsTab } from './tabs/ActivationsTab.tsx';
import { AttentionTab } from './tabs/AttentionTab.tsx';
import { CompareTab } from './tabs/CompareTab.tsx';
import { GradientsTab } from './tabs/GradientsTab.tsx';
import { InterventionsTab } from './tabs/InterventionsTab.tsx';
import { LensTab } from './tabs/LensTab.tsx';
import { MlpTab } from './tabs/MlpTab.tsx';
import { ErrorNote } from './Controls.tsx';
import { RecentRuns, runIdFromHash, setRunInHash } from './RecentRuns.tsx';
import { useJob } from './useJob.ts';
import { defaultModelPath, modelLabel, ModelPicker } from './ModelPicker.tsx';
import { AdapterPicker, adapterLabel, useModelAdapters } from './AdapterPicker.tsx';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

const TABS = [
  { id: 'activations', label: 'Activations' },
  { id: 'attention', label: 'Attention' },
  { id: 'lens', label: 'Logit lens' },
  { id: 'mlp', label: 'MLP' },
  { id: 'interventions', label: 'Interventions' },
  { id: 'compare', label: 'Compare' },
  { id: 'gradients', label: 'Gradients' },
] as const;
type TabId = (typeof TABS)[number]['id'];

const MODEL_KEY = 'glassbox.inspect.modelPath';

export function InspectScreen() {
  const api = useApi();
  const [tab, setTab] = useState<TabId>('activations');
  const [modelPath, setModelPath] = useState(() => localStorage.getItem(MODEL_KEY) ?? '');
  const library = useModelList();
  /** The LoRA adapter every inspector run applies (none by default); it belongs to the chosen model. */
  const [adapter, setAdapter] = useState<AdapterChoice | null>(null);
  const adapters = useModelAdapters(modelPath);
  const chooseModel = useCallback((path: string) => {
    setModelPath(path);
    setAdapter(null);
  }, []);
  const [prompt, setPrompt] = useState('The capital of France is Paris. The capital of Italy is');
  const [position, setPosition] = useState<number | null>(null);
  const runJob = useJob<InspectRun>();
  const [run, setRun] = useState<InspectRun | null>(null);
  const [openedGradients, setOpenedGradients] = useState<GradientResult | null>(null);
  const [currentRunId, setCurrentRunId] = useState<string | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);

  const showing = useCallback((runId: string) => {
    setCurrentRunId(runId);
    setOpenError(null);
    setRunInHash(runId);
  }, []);

  /** Reopens a stored run as it was computed (after a restart too). */
  const openRun = useCallback(
    async (runId: string) => {
      try {
        const stored = await api.inspect.getRun({ runId });
        // the run's own model and adapter, so Inspect and the other tabs continue with them
        setModelPath(stored.run.model.path);
        setAdapter(stored.run.adapter ? { path: stored.run.adapter.path, scale: stored.run.adapter.scale } : null);
        if (stored.kind === 'activations') {
          setRun(stored.run);
          setPrompt(stored.run.prompt);
          setPosition(stored.run.tokens.length - 1);
          setTab('activations');
        } else {
          setOpenedGradients(stored.run);
          setTab('gradients');
        }
        showing(runId);
      } catch (err) {
        setOpenError(`Could not open run ${runId}: ${errorMessage(err)}`);
      }
    },
    [api, showing],
  );

  // The URL may name a run: open it now, and whenever the hash changes to another run.
  useEffect(() => {
    const follow = () => {
      const id = runIdFromHash();
      if (id) void openRun(id);
    };
    follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, [openRun]);

  useEffect(() => localStorage.setItem(MODEL_KEY, modelPath), [modelPath]);
  // Nothing chosen yet, or the remembered model left the library: take the active model (or the newest).
  // A stored run's own model (openRun) is kept even when it is not in the library.
  const [pickedOnce, setPickedOnce] = useState(false);
  useEffect(() => {
    if (!library.data || pickedOnce || runIdFromHash()) return;
    setPickedOnce(true);
    setModelPath((current) => defaultModelPath(library.data, current));
  }, [library.data, pickedOnce]);

  /** The run that failed after `run` was shown: its results are cleared so they cannot pass for the new model's. */
  const [clearedRun, setClearedRun] = useState<string | null>(null);

  const inspect = async () => {
    let jobId: string | null = null;
    const r = await runJob.start(async () => {
      const started = await api.inspect.run({ modelPath, prompt, topK: 10, ...(adapter ? { adapter } : {}) });
      jobId = started.jobId;
      return started;
    });
    if (r) {
      setRun(r);
      setClearedRun(null);
      setPosition(r.tokens.length - 1);
      showing(r.runId);
      return;
    }
    // Failed (not cancelled): the previous run's heatmap and header would sit under the error as if they
    // were this model's. Clear them; the run stays stored and reopens from Recent runs.
    const failed =
      jobId === null ||
      (await api.jobs.get({ jobId }).then(
        (s) => s.state === 'failed',
        () => true,
      ));
    if (failed && run) {
      setClearedRun(modelLabel(library.data, run.model.path));
      setRun(null);
      setCurrentRunId(null);
      setRunInHash(null);
    }
  };
  const runModel = run ? modelLabel(library.data, run.model.path) : '';

  return (
    <>
      <PageHeader
        title="Inspect"
        subtitle="Our own Gemma 3 engine, opened up: activations, attention, logit lens, interventions, gradients"
        actions={<RecentRuns currentRunId={currentRunId} onOpen={(id) => void openRun(id)} />}
      />
      <div className="flex flex-wrap items-center gap-3 border-b border-zinc-200 px-6 py-2.5 dark:border-zinc-800">
        <ModelPicker value={modelPath} onChange={chooseModel} />
        <AdapterPicker modelPath={modelPath} value={adapter} onChange={setAdapter} />
        {run && (
          <span className="min-w-0 text-[12px] text-zinc-500" data-testid="inspect-model-summary">
            {run.model.path !== modelPath && (
              <span className="font-medium text-amber-700 dark:text-amber-400" data-testid="inspect-run-other-model">
                Showing the run of {runModel}:{' '}
              </span>
            )}
            {run.model.layers} layers · {run.model.heads} heads ({run.model.kvHeads} kv) · D {run.model.hidden} · V{' '}
            {run.model.vocab.toLocaleString()}
            {run.model.window > 0 && ` · window ${run.model.window}`}
            {run.adapter && (
              <span className="font-medium text-accent-700 dark:text-accent-400" data-testid="inspect-run-adapter">
                {' '}
                · {adapterLabel(run.adapter, adapters)}
              </span>
            )}
          </span>
        )}
      </div>
      <CheckBanner modelPath={modelPath} />
      {clearedRun && !run && (
        <p className="px-6 pt-3 text-[12.5px] text-zinc-600 dark:text-zinc-400" data-testid="inspect-cleared-note">
          The results of the previous run ({clearedRun}) were cleared because this run did not finish; reopen them from Recent runs.
        </p>
      )}
      {openError && (
        <div className="px-6 pt-3">
          <ErrorNote>{openError}</ErrorNote>
        </div>
      )}
      <TabBar label="Inspector views" tabs={TABS} selected={tab} onSelect={setTab} className="px-5" />
      <div className="min-h-0 flex-1 overflow-y-auto px-6 py-4">
        {/* Tabs stay mounted so their inputs and results survive switching. */}
        <div hidden={tab !== 'activations'}>
          <ActivationsTab
            modelPath={modelPath}
            prompt={prompt}
            setPrompt={setPrompt}
            onRun={inspect}
            job={runJob}
            run={run}
            position={position}
            setPosition={setPosition}
          />
        </div>
        <div hidden={tab !== 'attention'}>
          <AttentionTab run={run} />
        </div>
        <div hidden={tab !== 'lens'}>
          <LensTab run={run} position={position} setPosition={setPosition} />
        </div>
        <div hidden={tab !== 'mlp'}>
          <MlpTab run={run} />
        </div>
        <div hidden={tab !== 'interventions'}>
          <InterventionsTab run={run} position={position} setPosition={setPosition} />
        </div>
        <div hidden={tab !== 'compare'}>
          <CompareTab modelPath={modelPath} adapter={adapter} />
        </div>
        <div hidden={tab !== 'gradients'}>
          <GradientsTab modelPath={modelPath} adapter={adapter} opened={openedGradients} onFinished={(r) => showing(r.runId)} />
        </div>
      </div>
    </>
  );
}

/** Shown by tabs that need a run first. */
export function NeedsRun() {
  return (
    <p className="py-10 text-center text-[13px] text-zinc-500">Run a prompt on the Activations tab first; this view shows the same run.</p>
  );
}
