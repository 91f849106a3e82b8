// Server state in the renderer: TanStack Query holds every snapshot the core owns (status, settings,
// models, downloads, the chat list), and ONE bridge applies the core's events to those cached queries.
// A component asks for data with a hook below; the first asks the core, the rest share the cache, and
// events keep it fresh (so staleTime is Infinity: nothing refetches on focus or mount). When the
// connection comes back, every query is refetched, since events may have been missed meanwhile.
//
// Not server state, and not here: the chat streaming reducer (features/chat/chatState.ts).
import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import type { FinetuneRun } from '../../../electron/core/api/finetune.ts';
import type { DownloadInfo, ModelInfo } from '../../../electron/core/api/models.ts';
import { compareSessions, type ChatSession, type SessionChange, type SessionPage } from '../../../electron/core/api/sessions.ts';
import type { ApiClient } from './client.ts';
import { pendingSettings } from './pendingPatches.ts';

/** Every cached query's key, in one place, so the bridge and the hooks agree. */
export const queryKeys = {
  systemStatus: ['system.status'] as const,
  settings: ['settings'] as const,
  models: ['models.list'] as const,
  downloads: ['models.downloads'] as const,
  defaultDownload: ['models.defaultDownload'] as const,
  sessions: ['sessions.page'] as const,
  inspectRuns: ['inspect.runs'] as const,
  labChecks: ['lab.latestCheck'] as const,
  labSpeedRuns: ['lab.speedRuns'] as const,
  labSpeedPlan: ['lab.speedPlan'] as const,
  documents: ['documents.list'] as const,
  document: (id: string) => ['documents.get', id] as const,
  playgroundRuns: (kind: string) => ['playground.runs', kind] as const,
  datasets: ['datasets.list'] as const,
  datasetRows: (id: string) => ['datasets.rows', id] as const,
  finetuneRuns: ['finetune.runs'] as const,
  finetunePresets: ['finetune.presets'] as const,
  chatAdapter: ['finetune.chatAdapter'] as const,
  chatView: (sessionId: string) => ['chat.get', sessionId] as const,
  chatPresets: ['chat.presets'] as const,
};

/** How many sessions one page of the chat list holds. */
export const SESSIONS_PAGE = 100;

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: Infinity, gcTime: 5 * 60_000, retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false },
    },
  });
}

/** Newest wins: a download event may arrive after the answer to the call that caused it, or before. */
export function upsertDownload(all: DownloadInfo[] | undefined, d: DownloadInfo): DownloadInfo[] {
  const list = all ?? [];
  const i = list.findIndex((x) => x.downloadId === d.downloadId);
  if (i < 0) return [d, ...list];
  if (list[i].updatedAt > d.updatedAt) return list;
  const next = list.slice();
  next[i] = d;
  return next;
}

/**
 * Applies one session change to the loaded pages of the chat list: the session leaves wherever it was
 * and goes where the list order puts it. One that sorts after the last loaded row, while more pages
 * exist, is left for paging to bring (so pages never repeat a row).
 */
export function applySessionChange(
  data: InfiniteData<SessionPage, string | undefined> | undefined,
  change: SessionChange,
): InfiniteData<SessionPage, string | undefined> | undefined {
  if (!data) return data;
  const id = change.kind === 'upsert' ? change.session.id : change.id;
  let pages = data.pages.map((p) => (p.sessions.some((s) => s.id === id) ? { ...p, sessions: p.sessions.filter((s) => s.id !== id) } : p));
  if (change.kind === 'upsert') {
    const s = change.session;
    const at = pages.findIndex((p) => p.sessions.some((x) => compareSessions(s, x) < 0));
    if (at >= 0) {
      const page = pages[at];
      const i = page.sessions.findIndex((x) => compareSessions(s, x) < 0);
      pages = pages.map((p, k) => (k === at ? { ...p, sessions: [...page.sessions.slice(0, i), s, ...page.sessions.slice(i)] } : p));
    } else if (pages.length > 0 && pages[pages.length - 1].nextCursor === null) {
      const last = pages.length - 1;
      pages = pages.map((p, k) => (k === last ? { ...p, sessions: [...p.sessions, s] } : p));
    }
  }
  return { ...data, pages };
}

/** The loaded sessions of the paged chat list, in list order. */
export const flattenSessions = (data: InfiniteData<SessionPage, string | undefined> | undefined): ChatSession[] =>
  data?.pages.flatMap((p) => p.sessions) ?? [];

/** The bridge: subscribes to the core's events and writes them into the cache. Returns an unsubscribe. */
export function bridgeCoreEvents(client: ApiClient, queries: QueryClient): () => void {
  let wasOpen = client.connection === 'open';
  const offs = [
    client.on('system.status', (status) => queries.setQueryData(queryKeys.systemStatus, status)),
    client.on('settings.changed', (settings) => queries.setQueryData(queryKeys.settings, pendingSettings(queries).over(settings))),
    client.on('models.changed', ({ models }) => queries.setQueryData<ModelInfo[]>(queryKeys.models, models)),
    client.on('models.download', (d) => queries.setQueryData<DownloadInfo[]>(queryKeys.downloads, (all) => upsertDownload(all, d))),
    client.on('sessions.changed', (change) =>
      queries.setQueryData<InfiniteData<SessionPage, string | undefined>>(queryKeys.sessions, (data) => applySessionChange(data, change)),
    ),
    client.on('inspect.runsChanged', () => void queries.invalidateQueries({ queryKey: queryKeys.inspectRuns })),
    client.on('documents.changed', ({ documents }) => {
      queries.setQueryData(queryKeys.documents, documents);
      void queries.invalidateQueries({ queryKey: ['documents.get'] });
    }),
    client.on('playground.run', ({ run }) => void queries.invalidateQueries({ queryKey: queryKeys.playgroundRuns(run.kind) })),
    client.on('datasets.changed', ({ datasets }) => {
      queries.setQueryData(queryKeys.datasets, datasets);
      void queries.invalidateQueries({ queryKey: ['datasets.rows'] });
    }),
    client.on('finetune.runChanged', ({ run }) =>
      queries.setQueryData<FinetuneRun[]>(queryKeys.finetuneRuns, (list) =>
        list ? (list.some((r) => r.id === run.id) ? list.map((r) => (r.id === run.id ? run : r)) : [run, ...list]) : list,
      ),
    ),
    client.on('lab.checkStored', () => void queries.invalidateQueries({ queryKey: queryKeys.labChecks })),
    client.onConnection((state) => {
      // Only a re-connection: calls made while first connecting wait for the socket and are answered.
      if (state === 'open' && wasOpen) void queries.invalidateQueries();
      if (state === 'open') wasOpen = true;
    }),
  ];
  return () => offs.forEach((off) => off());
}
