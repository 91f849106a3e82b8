import { notFound, ServiceError } from '../../api/errors.ts';
import { BadCursorError, SessionsStore } from '../../store/sessions.ts';
import type { CoreContext, ServiceHandlers } from '../context.ts';
import { SettingsStore } from '../../store/settings.ts';
import { readSettings } from './settings.ts';

export function sessionsHandlers(ctx: CoreContext): ServiceHandlers<'sessions'> {
  const store = new SessionsStore(ctx.db);
  // Only the session that changed travels: a create costs the same with 50 or 5,000 chats.
  const upserted = (id: string) => {
    const session = store.get(id)!;
    ctx.events.publish('sessions.changed', { kind: 'upsert', session });
    return session;
  };
  return {
    'sessions.list': () => store.list(),
    'sessions.page': ({ limit, cursor }) => {
      try {
        return store.page(limit, cursor);
      } catch (err) {
        if (err instanceof BadCursorError) throw new ServiceError('bad_input', err.message);
        throw err;
      }
    },
    'sessions.create': ({ title }) => {
      // A new chat starts with the app-wide defaults (Settings → Chat).
      const settings = readSettings(new SettingsStore(ctx.db));
      const initial = { systemPrompt: settings['chat.defaultSystemPrompt'], sampling: settings['chat.defaultSampling'] };
      return upserted(store.create(title ?? 'New chat', Date.now(), initial).id);
    },
    'sessions.rename': ({ id, title }) => {
      if (!store.rename(id, title)) throw notFound('chat session', id);
      return upserted(id);
    },
    'sessions.delete': ({ id }) => {
      if (!store.delete(id)) throw notFound('chat session', id);
      ctx.events.publish('sessions.changed', { kind: 'delete', id });
      return { deleted: true as const };
    },
  };
}
