// Provides the API client and the query cache to the app. The event bridge (query.ts) is started by
// whoever creates the two, before React renders, so no event can slip in before it listens.
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { ApiClient } from './client.ts';
import { ApiContext } from './hooks.ts';

export function ApiProvider({ client, queryClient, children }: { client: ApiClient; queryClient: QueryClient; children: ReactNode }) {
  return (
    <ApiContext.Provider value={client}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ApiContext.Provider>
  );
}
