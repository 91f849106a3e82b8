// The sampling settings as fields (temperature, top-k, top-p, min-p, repeat penalty, seed, reply
// limit): one set of fields for a chat's panel and for the app-wide defaults in Settings.
import { NumberField } from '../../components/fields.tsx';
import type { Sampling } from './types.ts';

export function SamplingFields({
  value: s,
  defaults,
  onChange,
  legend = 'Sampling',
}: {
  value: Sampling;
  /** What a cleared field falls back to. */
  defaults: Sampling;
  onChange(sampling: Sampling): void;
  legend?: string;
}) {
  const set = (patch: Partial<Sampling>) => onChange({ ...s, ...patch });
  return (
    <fieldset className="space-y-4">
      <legend className="mb-2 text-[11.5px] font-medium tracking-wide text-zinc-500 uppercase">{legend}</legend>
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
  );
}
