import { settingsSchema, type SettingKey, type Settings } from '../../api/settings.ts';
import { ServiceError } from '../../api/errors.ts';
import { SettingsStore } from '../../store/settings.ts';
import type { CoreContext, ServiceHandlers } from '../context.ts';
import { describeIssues, issuesOf } from '../dispatcher.ts';

/** Stored values that no longer fit their schema (an older app wrote them) fall back to the default. */
export function readSettings(store: SettingsStore): Settings {
  const stored = store.getAll();
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(settingsSchema)) {
    const parsed = schema.safeParse(stored.get(key));
    out[key] = parsed.success ? parsed.data : schema.parse(undefined);
  }
  return out as Settings;
}

export function settingsHandlers(ctx: CoreContext): ServiceHandlers<'settings'> {
  const store = new SettingsStore(ctx.db);
  return {
    'settings.getAll': () => readSettings(store),
    'settings.set': ({ key, value }) => {
      const parsed = settingsSchema[key as SettingKey].safeParse(value);
      if (!parsed.success) {
        const issues = issuesOf(parsed.error).map((i) => ({ ...i, path: i.path ? `value.${i.path}` : 'value' }));
        throw new ServiceError('bad_input', `invalid value for setting ${key}: ${describeIssues(issues)}`, issues);
      }
      store.set(key, parsed.data);
      const settings = readSettings(store);
      ctx.events.publish('settings.changed', settings);
      return settings;
    },
  };
}
