// The model library and downloads from the core, kept live by models.changed / models.download.
import { useCallback, useEffect, useState } from 'react';
import type { DefaultDownload, DownloadInfo, ModelInfo } from '../../../../electron/core/api/models.ts';
import { useApi, useConnection, useEvent } from '../../api/hooks.ts';

export function useModels() {
  const api = useApi();
  const connection = useConnection();
  const [models, setModels] = useState<ModelInfo[] | null>(null);
  const [downloads, setDownloads] = useState<DownloadInfo[]>([]);
  const [offer, setOffer] = useState<DefaultDownload | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const reload = useCallback(() => {
    api.models.list().then((m) => (setModels(m), setLoadError(null)), (e: Error) => setLoadError(e.message));
    api.models.downloads().then(setDownloads, () => {});
  }, [api]);
  useEffect(() => {
    if (connection !== 'open') return;
    reload();
    api.models.defaultDownload().then(setOffer, () => {});
  }, [api, connection, reload]);

  useEvent('models.changed', ({ models }) => setModels(models));
  useEvent('models.download', (d) =>
    setDownloads((all) => {
      const i = all.findIndex((x) => x.downloadId === d.downloadId);
      if (i < 0) return [d, ...all];
      if (all[i].updatedAt > d.updatedAt) return all;
      const next = all.slice();
      next[i] = d;
      return next;
    }),
  );

  const track = (d: DownloadInfo) =>
    setDownloads((all) => (all.some((x) => x.downloadId === d.downloadId) ? all.map((x) => (x.downloadId === d.downloadId && x.updatedAt <= d.updatedAt ? d : x)) : [d, ...all]));

  return {
    models,
    downloads,
    offer,
    loadError,
    reload,
    importPath: (path: string) => api.models.import({ path }),
    pickAndImport: () => api.models.pickAndImport(),
    remove: (id: string, deleteFile: boolean) => api.models.remove({ id, deleteFile }),
    setActive: (id: string | null) => api.models.setActive({ id }),
    download: async (uri: string, activate: boolean) => track(await api.models.download({ uri, activate })),
    pause: async (downloadId: string) => track(await api.models.pauseDownload({ downloadId })),
    resume: async (downloadId: string) => track(await api.models.resumeDownload({ downloadId })),
    cancel: async (downloadId: string) => track(await api.models.cancelDownload({ downloadId })),
    dismiss: (downloadId: string) => setDownloads((all) => all.filter((d) => d.downloadId !== downloadId)),
  };
}
