// models.* and backend.*: the library (imports checked by our GGUF reader), downloads, the active
// model (loaded in the model worker) and the llama.cpp backend override.
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ServiceError } from '../api/errors.ts';
import type { ModelInfo } from '../api/models.ts';
import type { CoreContext, ServiceHandlers } from '../app/context.ts';
import { ensureDemoModel } from './demo-model.ts';
import { DownloadManager, type DownloadOptions } from './downloads.ts';
import type { ModelHost } from './host.ts';
import { inspectModelFile, ModelFileError } from './library.ts';

export const DEFAULT_DOWNLOAD = {
  uri: 'hf:ggml-org/gemma-3-270m-it-GGUF:Q8_0',
  name: 'Gemma 3 270M instruction-tuned (Q8_0)',
  description: "Google's smallest Gemma 3, tuned to follow instructions; 8-bit weights. Runs on any machine.",
  approxBytes: 292_000_000,
};

/**
 * A path as a user types or pastes it: surrounding quotes removed (a copied "path with spaces"), `~`
 * expanded to the home folder. A relative path is refused: it would be resolved against the folder the
 * host runs in, which the user cannot see.
 */
export function userPath(typed: string, home = homedir()): string {
  let p = typed.trim();
  if (p.length >= 2 && (p[0] === '"' || p[0] === "'") && p.at(-1) === p[0]) p = p.slice(1, -1).trim();
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = join(home, p.slice(1));
  if (!isAbsolute(p))
    throw new ServiceError(
      'bad_input',
      `Could not import ${JSON.stringify(typed.trim())}: give the full path of the .gguf file (starting with / or ~), not a relative one.`,
    );
  return p;
}

export function modelsHandlers(ctx: CoreContext, host: ModelHost, downloadOptions: DownloadOptions = {}): ServiceHandlers<'models'> {
  const store = host.models;
  const changed = () => ctx.events.publish('models.changed', { models: store.list() });

  async function activate(model: ModelInfo | null): Promise<ModelInfo | null> {
    const previous = store.active();
    store.setActive(model?.id ?? null);
    try {
      await host.load(model);
    } catch (err) {
      store.setActive(previous?.id ?? null); // the old choice stays if the new model does not load
      changed();
      throw err;
    }
    changed();
    return model ? store.get(model.id)! : null;
  }

  const downloads = new DownloadManager(
    ctx,
    async (model, shouldActivate) => {
      changed();
      if (shouldActivate) await activate(model).catch(() => {});
    },
    downloadOptions,
  );

  /** Records the file; the first model of an empty library also becomes the active one (if it loads). */
  async function importPath(path: string): Promise<ModelInfo & { alreadyInLibrary: boolean }> {
    const abs = resolve(userPath(path));
    let facts;
    try {
      facts = inspectModelFile(abs);
    } catch (err) {
      // one sentence, with the full path (so a ~ or a quote the user typed is seen resolved)
      if (err instanceof ModelFileError) throw new ServiceError('bad_input', `Could not import ${abs}: ${err.reason}.`);
      throw err;
    }
    const before = store.byPath(abs);
    const first = store.list().length === 0;
    const model = store.upsert({
      ...facts,
      path: abs,
      sha256: null,
      source: before?.source ?? 'import',
      sourceUri: before?.sourceUri ?? null,
    });
    changed();
    if (first && !store.active()) await activate(model).catch(() => {}); // a model that does not load stays imported, inactive
    return { ...(store.get(model.id) ?? model), alreadyInLibrary: before !== undefined };
  }

  return {
    'models.list': () => store.list(),
    'models.import': ({ path }) => importPath(path),
    'models.pickAndImport': async () => {
      const pick = ctx.platform.pickFiles;
      if (!pick)
        throw new ServiceError('unavailable', 'the file dialog exists only in the desktop app; enter the path of the .gguf file instead');
      const paths = await pick({ title: 'Import a GGUF model', filters: [{ name: 'GGUF models', extensions: ['gguf'] }], multiple: true });
      const imported = [];
      for (const p of paths) imported.push(await importPath(p));
      return imported;
    },
    'models.remove': async ({ id, deleteFile }) => {
      const m = store.get(id);
      if (!m) throw new ServiceError('not_found', `model ${JSON.stringify(id)} does not exist`);
      const rel = relative(ctx.paths.modelsDir, m.path);
      if (deleteFile && (rel.startsWith('..') || isAbsolute(rel))) {
        // Only files the app downloaded itself are deleted; an imported file belongs to the user.
        throw new ServiceError(
          'conflict',
          `will not delete ${m.path}: it lies outside the models folder; remove the model without deleting its file`,
        );
      }
      if (m.active) await activate(null);
      store.remove(id);
      if (deleteFile) await rm(m.path, { force: true });
      changed();
      return { removed: true as const };
    },
    'models.setActive': async ({ id }) => {
      if (id === null) return activate(null);
      const m = store.get(id);
      if (!m) throw new ServiceError('not_found', `model ${JSON.stringify(id)} does not exist`);
      if (!m.fileExists) throw new ServiceError('not_found', `the file of ${m.name} is gone: ${m.path}`);
      return activate(m);
    },
    'models.createDemo': () => importPath(ensureDemoModel(ctx.paths.modelsDir)),
    'models.defaultDownload': () => DEFAULT_DOWNLOAD,
    'models.download': ({ uri, sha256, sizeBytes, activate: act }) => downloads.start({ uri, sha256, sizeBytes, activate: act }),
    'models.downloads': () => downloads.list(),
    'models.pauseDownload': ({ downloadId }) => downloads.pause(downloadId),
    'models.resumeDownload': ({ downloadId }) => downloads.resume(downloadId),
    'models.cancelDownload': ({ downloadId }) => downloads.cancel(downloadId),
    'models.removeDownload': ({ downloadId }) => downloads.remove(downloadId),
  };
}

export function backendHandlers(host: ModelHost): ServiceHandlers<'backend'> {
  return {
    'backend.report': () => host.report(),
    'backend.getConfig': () => host.settings.config(),
    'backend.setConfig': async (patch) => {
      const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const report = await host.reconfigure(clean);
      return { config: host.settings.config(), report };
    },
  };
}
