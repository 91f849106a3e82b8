// Settings → Backend: what llama.cpp runs on (Metal, CUDA, Vulkan or CPU), on which devices, with how
// much memory and how many layers offloaded, why it fell back if it did; and the user's override of
// backend, threads, GPU layers and context size. Applying reinitialises llama.cpp and reloads the model.
import { useCallback, useEffect, useState } from 'react';
import {
  gpuChoices,
  type BackendConfig,
  type BackendReport,
  type GpuChoice,
  type MemoryInfo,
} from '../../../../electron/core/api/backend.ts';
import { useApi, useConnection, useEvent } from '../../api/hooks.ts';
import { AlertIcon } from '../../components/icons.tsx';
import { SelectField, textInputClass } from '../../components/fields.tsx';
import { Button, Card } from '../../components/ui.tsx';
import { formatBytes } from '../models/format.ts';
import { useSystemStatus } from '../../app/useSystemStatus.ts';

const gpuLabels: Record<GpuChoice, string> = {
  auto: 'Automatic',
  cuda: 'CUDA (NVIDIA)',
  vulkan: 'Vulkan',
  metal: 'Metal (Apple)',
  cpu: 'CPU only',
};

const memText = (m: MemoryInfo | null) =>
  m ? `${formatBytes(m.usedBytes)} used of ${formatBytes(m.totalBytes)} (${formatBytes(m.freeBytes)} free)` : '—';

export function BackendSettings() {
  const api = useApi();
  const connection = useConnection();
  const [report, setReport] = useState<BackendReport | null>(null);
  const [reportError, setReportError] = useState<string | null>(null);
  const [saved, setSaved] = useState<BackendConfig | null>(null);
  const [draft, setDraft] = useState<BackendConfig | null>(null);
  const [applying, setApplying] = useState(false);
  const [applyError, setApplyError] = useState<string | null>(null);

  // llama.cpp starts with the first model load; opening Settings does not start it (that takes a
  // moment and loads native code), but the user can ask for it.
  const started = !!useSystemStatus()?.backend;
  const [starting, setStarting] = useState(false);
  const loadReport = useCallback(() => {
    setStarting(true);
    api.backend.report().then(
      (r) => (setReport(r), setReportError(null), setStarting(false)),
      (e: Error) => (setReportError(e.message), setStarting(false)),
    );
  }, [api]);
  useEffect(() => {
    if (connection !== 'open') return;
    api.backend.getConfig().then(
      (c) => (setSaved(c), setDraft(c)),
      (e: Error) => setReportError(e.message),
    );
  }, [api, connection]);
  useEffect(() => {
    if (connection === 'open' && started) loadReport();
  }, [connection, started, loadReport]);
  useEvent('backend.changed', setReport);

  const dirty = !!draft && !!saved && JSON.stringify(draft) !== JSON.stringify(saved);
  const apply = async () => {
    if (!draft) return;
    setApplying(true);
    try {
      const r = await api.backend.setConfig(draft);
      setSaved(r.config);
      setDraft(r.config);
      setReport(r.report);
      setApplyError(null);
    } catch (e) {
      setApplyError((e as Error).message);
    } finally {
      setApplying(false);
    }
  };

  const rows: [string, React.ReactNode][] = report
    ? [
        [
          'In use',
          <span className="font-medium uppercase" data-testid="backend-name">
            {report.name}
          </span>,
        ],
        ['Requested', report.requested],
        ['Devices', report.devices.length ? report.devices.join(', ') : 'none (CPU)'],
        ['GPU memory', memText(report.vram)],
        ['System memory', memText(report.ram)],
        ['Threads', <span data-testid="backend-threads">{report.threads}</span>],
        [
          'Layers offloaded',
          report.model ? (
            <span data-testid="backend-layers">
              {report.model.gpuLayers} of {report.model.totalLayers} ({report.model.name}
              {report.model.vramBytes ? `, ${formatBytes(report.model.vramBytes)} in VRAM` : ''})
            </span>
          ) : (
            'no model loaded'
          ),
        ],
        ['Context', report.model ? `${report.model.contextSize.toLocaleString('en-US')} tokens` : '—'],
        ['llama.cpp', report.llamaCppRelease],
      ]
    : [];

  return (
    <Card title="Backend" description="llama.cpp picks the fastest backend it can load; override it here.">
      {reportError && (
        <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700 dark:bg-red-500/10 dark:text-red-300">
          Could not read the backend: {reportError}
        </p>
      )}
      {report?.fallbackReason && (
        <div
          role="note"
          data-testid="backend-fallback"
          className="mb-3 flex gap-2 rounded-md bg-amber-50 px-3 py-2 text-[12.5px] text-amber-900 dark:bg-amber-500/10 dark:text-amber-200"
        >
          <AlertIcon width={15} height={15} className="mt-0.5 shrink-0" />
          <span>
            Fell back to <b className="uppercase">{report.name}</b>: {report.fallbackReason}
          </span>
        </div>
      )}
      {report ? (
        <dl className="grid grid-cols-[150px_1fr] gap-y-1.5 text-[13px]" data-testid="backend-report">
          {rows.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-zinc-500">{k}</dt>
              <dd className="selectable min-w-0 break-words">{v}</dd>
            </div>
          ))}
        </dl>
      ) : (
        !reportError && (
          <div className="flex items-center gap-3 text-[13px] text-zinc-600 dark:text-zinc-400" data-testid="backend-not-started">
            <span className="flex-1">{starting ? 'Starting llama.cpp…' : 'llama.cpp starts when a model is first loaded.'}</span>
            <Button onClick={loadReport} disabled={starting}>
              Start it now
            </Button>
          </div>
        )
      )}

      {draft && (
        <div className="mt-4 grid gap-4 border-t border-zinc-100 pt-4 sm:grid-cols-2 dark:border-zinc-800">
          <SelectField<GpuChoice>
            label="Backend"
            value={draft.gpu}
            options={gpuChoices.map((g) => ({ value: g, label: gpuLabels[g] }))}
            onChange={(gpu) => setDraft({ ...draft, gpu })}
            hint="Automatic tries Metal, then CUDA, then Vulkan, then CPU."
          />
          <AutoNumber
            label="CPU threads"
            value={draft.threads}
            min={1}
            max={256}
            autoText="physical cores"
            onChange={(threads) => setDraft({ ...draft, threads })}
          />
          <GpuLayers value={draft.gpuLayers} onChange={(gpuLayers) => setDraft({ ...draft, gpuLayers })} />
          <AutoNumber
            label="Context size (tokens)"
            value={draft.contextSize}
            min={64}
            max={1_048_576}
            autoText="model's length, at most 8192"
            onChange={(contextSize) => setDraft({ ...draft, contextSize })}
          />
          <div className="flex items-center gap-2 sm:col-span-2">
            <Button variant="primary" disabled={!dirty || applying} onClick={apply}>
              {applying ? 'Restarting llama.cpp…' : 'Apply'}
            </Button>
            {dirty && !applying && (
              <Button variant="ghost" onClick={() => setDraft(saved)}>
                Undo changes
              </Button>
            )}
            <span className="text-[12px] text-zinc-500">Applying reloads the active model.</span>
          </div>
          {applyError && (
            <p
              role="alert"
              className="rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700 sm:col-span-2 dark:bg-red-500/10 dark:text-red-300"
            >
              {applyError}
            </p>
          )}
        </div>
      )}
    </Card>
  );
}

/** A number that may be left to the app ("auto" = null). */
function AutoNumber({
  label,
  value,
  min,
  max,
  autoText,
  onChange,
}: {
  label: string;
  value: number | null;
  min: number;
  max: number;
  autoText: string;
  onChange(v: number | null): void;
}) {
  const [text, setText] = useState(value === null ? '' : String(value));
  useEffect(() => setText(value === null ? '' : String(value)), [value]);
  const id = `auto-${label.replace(/\W+/g, '-').toLowerCase()}`;
  const commit = () => {
    if (text.trim() === '') return onChange(null);
    const n = Math.round(Number(text));
    if (!Number.isFinite(n)) return setText(value === null ? '' : String(value));
    onChange(Math.min(max, Math.max(min, n)));
  };
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
        {label}
      </label>
      <input
        id={id}
        type="number"
        min={min}
        max={max}
        value={text}
        placeholder={`auto (${autoText})`}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
        className={`w-full font-mono ${textInputClass}`}
      />
    </div>
  );
}

function GpuLayers({ value, onChange }: { value: BackendConfig['gpuLayers']; onChange(v: BackendConfig['gpuLayers']): void }) {
  const mode = typeof value === 'number' ? 'n' : value;
  return (
    <div className="space-y-1">
      <span className="block text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300" id="gpu-layers-label">
        GPU layers
      </span>
      <div className="flex gap-2" role="group" aria-labelledby="gpu-layers-label">
        <select
          aria-label="GPU layers mode"
          value={mode}
          onChange={(e) => onChange(e.target.value === 'n' ? 0 : (e.target.value as 'auto' | 'max'))}
          className={`flex-1 ${textInputClass}`}
        >
          <option value="auto">auto (what fits)</option>
          <option value="max">all layers</option>
          <option value="n">a number…</option>
        </select>
        {typeof value === 'number' && (
          <input
            aria-label="Number of GPU layers"
            type="number"
            min={0}
            max={10000}
            value={value}
            onChange={(e) => onChange(Math.max(0, Math.round(Number(e.target.value) || 0)))}
            className={`w-20 font-mono ${textInputClass}`}
          />
        )}
      </div>
    </div>
  );
}
