// Chat sessions from the core, kept in sync by `sessions.changed` (another window may edit them too).
import type { ChatSession } from '../../../../electron/core/api/sessions.ts';
import { useApi, useEvent, useQuery } from '../../api/hooks.ts';

export function useSessions() {
  const api = useApi();
  const query = useQuery(() => api.sessions.list(), []);
  useEvent('sessions.changed', ({ sessions }) => query.set(sessions));
  return {
    sessions: query.data ?? ([] as ChatSession[]),
    loading: query.loading,
    error: query.error,
    reload: query.reload,
    create: (title?: string) => api.sessions.create(title ? { title } : {}),
    rename: (id: string, title: string) => api.sessions.rename({ id, title }),
    remove: (id: string) => api.sessions.delete({ id }),
  };
}
