import { notFound } from '../../api/errors.ts';
import { SessionsStore } from '../../store/sessions.ts';
import type { CoreContext, ServiceHandlers } from '../context.ts';

export function sessionsHandlers(ctx: CoreContext): ServiceHandlers<'sessions'> {
  const store = new SessionsStore(ctx.db);
  const changed = () => ctx.events.publish('sessions.changed', { sessions: store.list() });
  return {
    'sessions.list': () => store.list(),
    'sessions.create': ({ title }) => {
      const session = store.create(title ?? 'New chat');
      changed();
      return session;
    },
    'sessions.rename': ({ id, title }) => {
      if (!store.rename(id, title)) throw notFound('chat session', id);
      changed();
      return store.get(id)!;
    },
    'sessions.delete': ({ id }) => {
      if (!store.delete(id)) throw notFound('chat session', id);
      changed();
      return { deleted: true as const };
    },
  };
}
