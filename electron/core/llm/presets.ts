// Sampling presets: the app-wide defaults (Settings → Chat), what a model file recommends (GGUF
// general.sampling.* keys, which llama.cpp reads as its own defaults), and presets saved per model
// (setting chat.samplingPresets).
import { statSync } from 'node:fs';
import { samplingSchema, type Sampling, type SamplingPresets } from '../api/chat.ts';
import { isGgufError, openGguf } from '../engine/gguf/index.ts';
import type { Settings } from '../api/settings.ts';

/** GGUF key → our sampling field (the keys llama.cpp's llama-arch.cpp names; mirostat/XTC we do not offer). */
const GGUF_SAMPLING_KEYS: Record<string, keyof Sampling> = {
  'general.sampling.temp': 'temperature',
  'general.sampling.top_k': 'topK',
  'general.sampling.top_p': 'topP',
  'general.sampling.min_p': 'minP',
  'general.sampling.penalty_repeat': 'repeatPenalty',
};

/** The sampling fields a GGUF file's metadata recommends; values our schema refuses are left out. */
export function samplingFromMetadata(metadata: Record<string, unknown>): { sampling: Partial<Sampling>; keys: string[] } {
  const sampling: Partial<Sampling> = {};
  const keys: string[] = [];
  for (const [key, field] of Object.entries(GGUF_SAMPLING_KEYS)) {
    const raw = metadata[key];
    const value = typeof raw === 'bigint' ? Number(raw) : raw;
    if (typeof value !== 'number') continue;
    const ok = samplingSchema.shape[field].safeParse(value);
    if (!ok.success) continue;
    (sampling as Record<string, unknown>)[field] = ok.data;
    keys.push(key);
  }
  return { sampling, keys };
}

const cache = new Map<string, { stamp: string; value: { sampling: Partial<Sampling>; keys: string[] } | null }>();

/** What the model file at `path` recommends (cached per file version); null when nothing or unreadable. */
export function modelFileSampling(path: string): { sampling: Partial<Sampling>; keys: string[] } | null {
  let stamp: string;
  try {
    const st = statSync(path);
    stamp = `${st.size}.${st.mtimeMs}`;
  } catch {
    return null;
  }
  const hit = cache.get(path);
  if (hit && hit.stamp === stamp) return hit.value;
  let value: { sampling: Partial<Sampling>; keys: string[] } | null = null;
  try {
    // Only the header is needed, but the tokenizer arrays come with it: cap nothing, read once, cache.
    const f = openGguf(path);
    try {
      const r = samplingFromMetadata(f.metadata);
      value = r.keys.length ? r : null;
    } finally {
      f.close();
    }
  } catch (err) {
    if (!isGgufError(err)) throw err;
  }
  cache.set(path, { stamp, value });
  return value;
}

export function presetsFor(settings: Settings, modelId: string | null, modelPath: string | null): SamplingPresets {
  const defaults = settings['chat.defaultSampling'];
  const file = modelPath ? modelFileSampling(modelPath) : null;
  return {
    modelId,
    defaults,
    modelDefault: file ? { sampling: { ...defaults, ...file.sampling }, keys: file.keys } : null,
    saved: settings['chat.samplingPresets']
      .filter((p) => p.modelId === modelId)
      .map((p) => ({ name: p.name, sampling: p.sampling }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
