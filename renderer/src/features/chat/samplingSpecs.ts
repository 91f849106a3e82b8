// The sampling settings as data, one entry a field: its label, the range the UI offers, step and hint.
// The range is a comfortable part of what the contract's samplingSchema accepts (a temperature slider
// to 5 would be mostly useless), never more: samplingSpecs.test.ts holds every entry to the schema,
// including which fields are whole numbers. The order of the entries is the order on screen.
import type { Sampling } from './types.ts';

export interface SamplingSpec {
  label: string;
  min: number;
  max: number;
  step: number;
  /** A whole number in the contract: what is typed is rounded. */
  integer?: true;
  /** Too wide a range for a slider to be useful. */
  slider?: false;
  /** Empty means null (the contract's nullable fields, e.g. a random seed), shown as this placeholder. */
  empty?: string;
  hint?: string;
}

export const SAMPLING_SPECS = {
  temperature: { label: 'Temperature', min: 0, max: 2, step: 0.05, hint: '0 always picks the most likely token.' },
  topK: { label: 'Top-k', min: 0, max: 200, step: 1, integer: true, hint: '0 turns it off.' },
  topP: { label: 'Top-p', min: 0, max: 1, step: 0.01 },
  minP: { label: 'Min-p', min: 0, max: 1, step: 0.01 },
  repeatPenalty: { label: 'Repeat penalty', min: 1, max: 2, step: 0.01, hint: '1 turns it off.' },
  seed: {
    label: 'Seed',
    min: 0,
    max: 2 ** 31 - 1,
    step: 1,
    integer: true,
    slider: false,
    empty: 'random',
    hint: 'Empty: a new seed each time. Fixed (or temperature 0): the same reply for the same prompt with this model and backend; each reply then re-reads the whole chat, slower on long chats. Another backend, GPU or llama.cpp version may still give another reply.',
  },
  maxTokens: { label: 'Max reply tokens', min: 1, max: 8192, step: 1, integer: true, slider: false },
} as const satisfies Record<keyof Sampling, SamplingSpec>;

export const SAMPLING_KEYS = Object.keys(SAMPLING_SPECS) as (keyof Sampling)[];

/**
 * A field's new value from what NumberField committed (null: the input was emptied): null where the
 * contract allows it, else the fallback; whole numbers rounded.
 */
export function samplingValue<K extends keyof Sampling>(key: K, v: number | null, fallback: Sampling[K]): Sampling[K] {
  const spec: SamplingSpec = SAMPLING_SPECS[key];
  if (v === null) return (spec.empty !== undefined ? null : fallback) as Sampling[K];
  return (spec.integer ? Math.round(v) : v) as Sampling[K];
}
