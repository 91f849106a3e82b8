// Chat operations that are not about one open conversation: search, export, import.
import { useCallback } from 'react';
import { useApi } from '../../api/hooks.ts';

export function useChatLibrary() {
  const api = useApi();
  const search = useCallback((query: string) => api.chat.search({ query, limit: 30 }), [api]);
  return {
    search,
    exportSession: (sessionId: string, format: 'markdown' | 'json') => api.chat.export({ sessionId, format }),
    importJson: (content: string) => api.chat.import({ content }),
  };
}
