// The live system.status snapshot (model, backend, workers, database), kept fresh by events.
import { useState } from 'react';
import type { SystemStatus } from '../../../electron/core/api/system.ts';
import { useApi, useEvent, useQuery } from '../api/hooks.ts';

export function useSystemStatus(): SystemStatus | undefined {
  const api = useApi();
  const query = useQuery(() => api.system.status(), []);
  const [live, setLive] = useState<SystemStatus | undefined>(undefined);
  useEvent('system.status', setLive);
  return live ?? query.data;
}
