// React glue for the API client: one client per app via context, event subscriptions, the connection
// state, and the server-state hooks (cached queries kept fresh by the event bridge in query.ts).
import { useInfiniteQuery, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { EventName, EventPayload } from '../../../electron/core/api/contract.ts';
import type { SessionPage } from '../../../electron/core/api/sessions.ts';
import type { SettingKey, Settings } from '../../../electron/core/api/settings.ts';
import type { ApiClient } from './client.ts';
import { flattenSessions, queryKeys, SESSIONS_PAGE } from './query.ts';
import { pendingSettings } from './pendingPatches.ts';
import type { ConnectionState } from './transport.ts';

export const ApiContext = createContext<ApiClient | null>(null);

export function useClient(): ApiClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useClient outside <ApiProvider>');
  return client;
}

export const useApi = () => useClient().api;

/** Subscribes to a core event for the component's lifetime; the latest `listener` is always called. */
export function useEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): void {
  const client = useClient();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => client.on(name, (p) => ref.current(p)), [client, name]);
}

export function useConnection(): ConnectionState {
  const client = useClient();
  const [state, setState] = useState(client.connection);
  useEffect(() => {
    setState(client.connection);
    return client.onConnection(setState);
  }, [client]);
  return state;
}

// ── Server state: one request however many components ask; events update the cache ─────────────────

export function useSettings() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.settings, queryFn: () => api.settings.getAll() });
}

/** Sets one setting; the cache shows the new value at once and the core's answer confirms it. */
export function useSetSetting() {
  const api = useApi();
  const queries = useQueryClient();
  return useCallback(
    async <K extends SettingKey>(key: K, value: Settings[K]) => {
      const pending = pendingSettings(queries);
      const seq = pending.add({ [key]: value } as Partial<Settings>);
      const before = queries.getQueryData<Settings>(queryKeys.settings);
      if (before) queries.setQueryData<Settings>(queryKeys.settings, pending.over(before));
      try {
        const saved = await api.settings.set({ key, value });
        pending.answered(seq);
        queries.setQueryData(queryKeys.settings, pending.over(saved));
      } catch (e) {
        pending.failed(seq);
        const now = queries.getQueryData<Settings>(queryKeys.settings);
        if (now && before) queries.setQueryData(queryKeys.settings, pending.over({ ...now, [key]: before[key] }));
        throw e;
      }
    },
    [api, queries],
  );
}

export function useModelList() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.models, queryFn: () => api.models.list() });
}

export function useDownloads() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.downloads, queryFn: () => api.models.downloads() });
}

export function useDefaultDownload() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.defaultDownload, queryFn: () => api.models.defaultDownload() });
}

/** The chat list, one page at a time (most recently updated first); `fetchNextPage` loads more. */
export function useSessionList() {
  const api = useApi();
  const query = useInfiniteQuery({
    queryKey: queryKeys.sessions,
    queryFn: ({ pageParam }) => api.sessions.page(pageParam ? { limit: SESSIONS_PAGE, cursor: pageParam } : { limit: SESSIONS_PAGE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  return { ...query, sessions: flattenSessions(query.data as InfiniteData<SessionPage, string | undefined> | undefined) };
}
