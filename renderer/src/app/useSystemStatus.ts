// The live system.status snapshot (model, backend, workers, database): one cached query for every
// component that asks, kept fresh by the system.status event (api/query.ts).
import { useQuery } from '@tanstack/react-query';
import type { SystemStatus } from '../../../electron/core/api/system.ts';
import { useApi } from '../api/hooks.ts';
import { queryKeys } from '../api/query.ts';

export function useSystemStatus(): SystemStatus | undefined {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.systemStatus, queryFn: () => api.system.status() }).data;
}
