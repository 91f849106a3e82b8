// The model library and downloads: cached queries (api/query.ts) kept live by models.changed /
// models.download, plus the actions the Models screen offers.
import { useQueryClient } from '@tanstack/react-query';
import type { DownloadInfo } from '../../../../electron/core/api/models.ts';
import { useApi, useDefaultDownload, useDownloads, useModelList } from '../../api/hooks.ts';
import { queryKeys, upsertDownload } from '../../api/query.ts';

export function useModels() {
  const api = useApi();
  const queries = useQueryClient();
  const list = useModelList();
  const downloads = useDownloads();
  const offer = useDefaultDownload();

  const track = (d: DownloadInfo): void => void queries.setQueryData<DownloadInfo[]>(queryKeys.downloads, (all) => upsertDownload(all, d));

  return {
    models: list.data ?? null,
    downloads: downloads.data ?? [],
    offer: offer.data ?? null,
    loadError: list.error?.message ?? null,
    reload: () =>
      void queries
        .invalidateQueries({ queryKey: queryKeys.models })
        .then(() => queries.invalidateQueries({ queryKey: queryKeys.downloads })),
    importPath: (path: string) => api.models.import({ path }),
    pickAndImport: () => api.models.pickAndImport(),
    remove: (id: string, deleteFile: boolean) => api.models.remove({ id, deleteFile }),
    setActive: (id: string | null) => api.models.setActive({ id }),
    download: async (uri: string, activate: boolean) => track(await api.models.download({ uri, activate })),
    pause: async (downloadId: string) => track(await api.models.pauseDownload({ downloadId })),
    resume: async (downloadId: string) => track(await api.models.resumeDownload({ downloadId })),
    cancel: async (downloadId: string) => track(await api.models.cancelDownload({ downloadId })),
    /** Forgets the download in the core too (and its partial file), so it does not come back on reload. */
    removeDownload: async (downloadId: string) => {
      await api.models.removeDownload({ downloadId });
      queries.setQueryData<DownloadInfo[]>(queryKeys.downloads, (all) => (all ?? []).filter((d) => d.downloadId !== downloadId));
    },
    dismiss: (downloadId: string) =>
      queries.setQueryData<DownloadInfo[]>(queryKeys.downloads, (all) => (all ?? []).filter((d) => d.downloadId !== downloadId)),
  };
}
