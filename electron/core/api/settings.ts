// settings.*: typed user settings persisted in SQLite. Add a key by adding an entry to `settingsSchema`
// (its default goes in `.default(...)`); `settings.set` validates the value against that entry.
import { z } from 'zod';
import { event, method } from './define.ts';
import { defaultSampling, samplingPresetSchema, samplingSchema } from './chat.ts';

export const settingsSchema = {
  /** Colour theme of the UI. */
  'ui.theme': z.enum(['light', 'dark', 'system']).default('system'),
  /**
   * When a chat outgrows the model's context window: drop the oldest turns (the system prompt goes with
   * the first one), drop the oldest turns but keep the system prompt, or refuse to send.
   */
  'chat.contextPolicy': z.enum(['dropOldest', 'keepSystem', 'refuse']).default('keepSystem'),
  /** System prompt a new chat starts with (each chat can change its own). */
  'chat.defaultSystemPrompt': z.string().max(50_000).default(''),
  /** Sampling a new chat starts with (each chat can change its own). */
  'chat.defaultSampling': samplingSchema.default(defaultSampling),
  /** Named sampling presets, per model. */
  'chat.samplingPresets': z.array(samplingPresetSchema).max(1000).default([]),
} satisfies Record<string, z.ZodDefault<z.ZodType>>;

export type SettingKey = keyof typeof settingsSchema;
export type Settings = { [K in SettingKey]: z.output<(typeof settingsSchema)[K]> };

const settingKey = z.enum(Object.keys(settingsSchema) as [SettingKey, ...SettingKey[]]);

export const settingsMethods = {
  getAll: method(z.object({}).strict()).returns<Settings>(),
  /** The value is checked against the key's schema in the service (it depends on the key). */
  set: method(z.object({ key: settingKey, value: z.unknown() }).strict()).returns<Settings>(),
};

export const settingsEvents = {
  changed: event<Settings>(),
};
