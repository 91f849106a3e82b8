// React glue for the API client: one client per app via context, event subscriptions, and a
// small query hook that refetches when told to.
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { EventName, EventPayload } from '../../../electron/core/api/contract.ts';
import type { ApiClient } from './client.ts';
import type { ConnectionState } from './transport.ts';

export const ApiContext = createContext<ApiClient | null>(null);

export function useClient(): ApiClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useClient outside <ApiContext.Provider>');
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

export interface Query<T> {
  data: T | undefined;
  error: Error | null;
  loading: boolean;
  reload(): void;
  /** Replace the data locally (e.g. from an event payload). */
  set(data: T): void;
}

/** Runs `load` on mount, when `deps` change and when the connection comes back. */
export function useQuery<T>(load: () => Promise<T>, deps: unknown[] = []): Query<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const connection = useConnection();
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    if (connection !== 'open') return;
    let live = true;
    setLoading(true);
    load().then(
      (d) => live && (setData(d), setError(null), setLoading(false)),
      (e: unknown) => live && (setError(e instanceof Error ? e : new Error(String(e))), setLoading(false)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick, connection, ...deps]);
  return { data, error, loading, reload, set: setData };
}
