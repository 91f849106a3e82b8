// The side panel of a chat: the system prompt, the sampling settings with presets (app defaults, the
// model file's own, presets saved for this model), and the LoRA adapter chat applies. The prompt and
// sampling are saved with the session and apply to the next reply; the system prompt is committed on
// blur (not every keystroke).
import { useEffect, useId, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Sampling as ApiSampling, SamplingPresets } from '../../../../electron/core/api/chat.ts';
import { queryKeys } from '../../api/query.ts';
import { useApi, useEvent } from '../../api/hooks.ts';
import { AdapterScaleInput, textInputClass } from '../../components/fields.tsx';
import { SystemPromptField } from '../../components/SystemPromptField.tsx';
import { CloseIcon } from '../../components/icons.tsx';
import { Button } from '../../components/ui.tsx';
import { SamplingFields } from './SamplingFields.tsx';
import { useChatAdapter } from './useChatAdapter.ts';
import type { Sampling, SessionConfig } from './types.ts';

type SamplingView = Sampling;
type SessionSettingsView = SessionConfig;

const sameSampling = (a: ApiSampling, b: ApiSampling) => (Object.keys(a) as (keyof ApiSampling)[]).every((k) => a[k] === b[k]);

export function SessionPanel({
  value,
  defaults,
  onChange,
  onClose,
  error,
}: {
  value: SessionSettingsView;
  defaults: SamplingView;
  onChange(patch: Partial<SessionSettingsView>): void;
  onClose(): void;
  error: string | null;
}) {
  const [prompt, setPrompt] = useState(value.systemPrompt);
  useEffect(() => setPrompt(value.systemPrompt), [value.systemPrompt]);
  const s = value.sampling;

  return (
    <aside
      aria-label="Chat settings"
      className="flex w-[300px] shrink-0 flex-col border-l border-zinc-200 bg-zinc-50/60 dark:border-zinc-800 dark:bg-zinc-900/40"
    >
      <div className="flex items-center justify-between border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <h2 className="text-[13.5px] font-semibold">Chat settings</h2>
        <button
          type="button"
          aria-label="Close chat settings"
          onClick={onClose}
          className="rounded p-1 text-zinc-500 hover:bg-zinc-200 dark:hover:bg-zinc-800"
        >
          <CloseIcon width={16} height={16} />
        </button>
      </div>
      <div className="min-h-0 flex-1 space-y-5 overflow-y-auto px-4 py-4">
        {error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700 dark:bg-red-500/10 dark:text-red-300">
            {error}
          </p>
        )}
        <SystemPromptField
          value={prompt}
          onChange={setPrompt}
          onBlur={() => prompt !== value.systemPrompt && onChange({ systemPrompt: prompt })}
        />
        <AdapterSection />
        <Presets sampling={s} onApply={(sampling) => onChange({ sampling })} />
        <SamplingFields value={s} defaults={defaults} onChange={(sampling) => onChange({ sampling })} />
      </div>
    </aside>
  );
}

/** Choose a preset (applies at once), save the current sampling as one for this model, delete one. */
function Presets({ sampling, onApply }: { sampling: ApiSampling; onApply(s: ApiSampling): void }) {
  const api = useApi();
  const queries = useQueryClient();
  const presets = useQuery({ queryKey: queryKeys.chatPresets, queryFn: () => api.chat.presets({}) });
  useEvent('settings.changed', () => void presets.refetch());
  useEvent('models.changed', () => void presets.refetch());
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const selectId = useId();
  const p = presets.data;
  const options: { key: string; label: string; sampling: ApiSampling }[] = [];
  if (p) {
    options.push({ key: 'defaults', label: 'App defaults (Settings)', sampling: p.defaults });
    if (p.modelDefault) options.push({ key: 'model', label: "The model file's own", sampling: p.modelDefault.sampling });
    for (const x of p.saved) options.push({ key: `saved:${x.name}`, label: x.name, sampling: x.sampling });
  }
  const current = options.find((o) => sameSampling(o.sampling, sampling))?.key ?? '';
  const set = (next: SamplingPresets) => queries.setQueryData(queryKeys.chatPresets, next);
  const save = async () => {
    if (!p?.modelId) return;
    try {
      set(await api.chat.savePreset({ modelId: p.modelId, name, sampling }));
      setNaming(false);
      setName('');
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const remove = async (presetName: string) => {
    if (!p?.modelId) return;
    try {
      set(await api.chat.deletePreset({ modelId: p.modelId, name: presetName }));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="space-y-1.5" data-testid="sampling-presets">
      <label htmlFor={selectId} className="block text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
        Preset
      </label>
      <div className="flex gap-1.5">
        <select
          id={selectId}
          value={current}
          onChange={(e) => {
            const o = options.find((x) => x.key === e.target.value);
            if (o) onApply(o.sampling);
          }}
          className={`min-w-0 flex-1 ${textInputClass}`}
        >
          <option value="" disabled>
            {current ? '' : 'Custom'}
          </option>
          {options.map((o) => (
            <option key={o.key} value={o.key}>
              {o.label}
            </option>
          ))}
        </select>
        {current.startsWith('saved:') && (
          <Button variant="ghost" onClick={() => void remove(current.slice(6))} aria-label="Delete this preset" title="Delete this preset">
            Delete
          </Button>
        )}
      </div>
      {p?.modelDefault && (
        <p className="text-[11.5px] text-zinc-500 dark:text-zinc-400">
          The model file recommends {p.modelDefault.keys.map((k) => k.replace('general.sampling.', '')).join(', ')}.
        </p>
      )}
      {naming ? (
        <form
          className="flex gap-1.5"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <input
            autoFocus
            aria-label="Preset name"
            value={name}
            maxLength={80}
            placeholder="e.g. Precise"
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setNaming(false)}
            className={`min-w-0 flex-1 ${textInputClass}`}
          />
          <Button type="submit" variant="primary" disabled={!name.trim()}>
            Save
          </Button>
        </form>
      ) : (
        <Button variant="ghost" onClick={() => setNaming(true)} disabled={!p?.modelId} title="Saved for the active model">
          Save as preset…
        </Button>
      )}
      {error && (
        <p role="alert" className="text-[12px] text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}

/** The LoRA adapter chat applies to the active model, and its scale (a change reloads the context at the next message). */
function AdapterSection() {
  const chatAdapter = useChatAdapter();
  const selectId = useId();
  const [scale, setScale] = useState(chatAdapter.applied?.scale ?? 1);
  useEffect(() => setScale(chatAdapter.applied?.scale ?? 1), [chatAdapter.applied?.scale]);
  const [error, setError] = useState<string | null>(null);
  const choose = (id: string | null, sc: number) =>
    chatAdapter.choose(id, sc).then(
      () => setError(null),
      (e: Error) => setError(e.message),
    );
  const selected = chatAdapter.applied?.adapterId ?? '';
  return (
    <div className="space-y-1.5" data-testid="chat-adapter-picker">
      <label htmlFor={selectId} className="block text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
        LoRA adapter
      </label>
      <div className="flex gap-1.5">
        <select
          id={selectId}
          value={selected}
          onFocus={chatAdapter.refresh}
          onChange={(e) => void choose(e.target.value || null, scale)}
          className={`min-w-0 flex-1 ${textInputClass}`}
        >
          <option value="">None</option>
          {chatAdapter.adapters.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} (rank {a.rank})
            </option>
          ))}
        </select>
        <AdapterScaleInput
          value={scale}
          onChange={setScale}
          onBlur={() => selected && scale !== chatAdapter.applied?.scale && void choose(selected, scale)}
        />
      </div>
      <p className="text-[11.5px] text-zinc-500 dark:text-zinc-400">
        {chatAdapter.adapters.length === 0
          ? 'No adapter was trained for the active model (Fine-tune screen).'
          : 'Applied by llama.cpp to every chat on this model, from the next message.'}
      </p>
      {error && (
        <p role="alert" className="text-[12px] text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
