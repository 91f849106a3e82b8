// The side panel of a chat: the system prompt and the sampling settings, saved with the session.
// Edits are applied to the next reply; the system prompt is committed on blur (not every keystroke).
import { useEffect, useState } from 'react';
import { NumberField } from '../../components/fields.tsx';
import { SystemPromptField } from '../../components/SystemPromptField.tsx';
import { CloseIcon } from '../../components/icons.tsx';
import { Button } from '../../components/ui.tsx';
import type { Sampling, SessionConfig } from './types.ts';

type SamplingView = Sampling;
type SessionSettingsView = SessionConfig;

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
  const set = (patch: Partial<SamplingView>) => onChange({ sampling: { ...s, ...patch } });

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
        <fieldset className="space-y-4">
          <legend className="mb-2 text-[11.5px] font-medium tracking-wide text-zinc-500 uppercase">Sampling</legend>
          <NumberField
            label="Temperature"
            value={s.temperature}
            min={0}
            max={2}
            step={0.05}
            onChange={(v) => set({ temperature: v ?? defaults.temperature })}
            hint="0 always picks the most likely token."
          />
          <NumberField
            label="Top-k"
            value={s.topK}
            min={0}
            max={200}
            step={1}
            onChange={(v) => set({ topK: v ?? defaults.topK })}
            hint="0 turns it off."
          />
          <NumberField label="Top-p" value={s.topP} min={0} max={1} step={0.01} onChange={(v) => set({ topP: v ?? defaults.topP })} />
          <NumberField label="Min-p" value={s.minP} min={0} max={1} step={0.01} onChange={(v) => set({ minP: v ?? defaults.minP })} />
          <NumberField
            label="Repeat penalty"
            value={s.repeatPenalty}
            min={1}
            max={2}
            step={0.01}
            onChange={(v) => set({ repeatPenalty: v ?? defaults.repeatPenalty })}
            hint="1 turns it off."
          />
          <NumberField
            label="Seed"
            value={s.seed}
            min={0}
            max={2 ** 31 - 1}
            step={1}
            slider={false}
            allowEmpty
            placeholder="random"
            onChange={(v) => set({ seed: v === null ? null : Math.round(v) })}
            hint="Empty: a new seed each time. Fixed (or temperature 0): the same reply for the same prompt with this model and backend; each reply then re-reads the whole chat, slower on long chats. Another backend, GPU or llama.cpp version may still give another reply."
          />
          <NumberField
            label="Max reply tokens"
            value={s.maxTokens}
            min={1}
            max={8192}
            step={1}
            slider={false}
            onChange={(v) => set({ maxTokens: Math.round(v ?? defaults.maxTokens) })}
          />
        </fieldset>
        <Button variant="ghost" onClick={() => onChange({ sampling: defaults })}>
          Reset sampling to defaults
        </Button>
      </div>
    </aside>
  );
}
