// Chat sessions from the core: the paged list query (api/hooks.ts), kept in sync by `sessions.changed`
// through the event bridge (another window may edit them too).
import { useQueryClient } from '@tanstack/react-query';
import { useApi, useSessionList } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';

export function useSessions() {
  const api = useApi();
  const queries = useQueryClient();
  const list = useSessionList();
  return {
    sessions: list.sessions,
    loading: list.isPending,
    error: list.error,
    hasMore: list.hasNextPage,
    loadMore: () => void list.fetchNextPage(),
    reload: () => void queries.invalidateQueries({ queryKey: queryKeys.sessions }),
    create: (title?: string) => api.sessions.create(title ? { title } : {}),
    rename: (id: string, title: string) => api.sessions.rename({ id, title }),
    remove: (id: string) => api.sessions.delete({ id }),
  };
}
