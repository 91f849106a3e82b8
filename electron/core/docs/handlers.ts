// documents.*: the library of dropped/picked files. Reading a file happens in a one-off worker
// process (./runner.ts); only its extracted text comes back and is stored, in one transaction.
import { basename } from 'node:path';
import { MAX_DOCUMENT_BYTES } from '../api/documents.ts';
import { notFound, ServiceError } from '../api/errors.ts';
import type { CoreContext, ServiceHandlers } from '../app/context.ts';
import { DocumentsStore } from '../store/documents.ts';
import { DocError } from './errors.ts';
import { extractInWorker } from './runner.ts';
import { removeUpload, uploadName, uploadPath } from './uploads.ts';

export function documentsHandlers(ctx: CoreContext): ServiceHandlers<'documents'> {
  const store = new DocumentsStore(ctx.db);
  const publish = () => ctx.events.publish('documents.changed', { documents: store.list() });
  // Tests shorten the timeout to exercise it; everyone else gets the default.
  const timeoutMs = Number(process.env.GLASSBOX_EXTRACT_TIMEOUT_MS) || undefined;

  return {
    'documents.list': () => store.list(),
    'documents.get': ({ id }) =>
      store.view(id) ??
      (() => {
        throw notFound('document', id);
      })(),
    'documents.add': async ({ path, uploadId, name }) => {
      const file = uploadId ? uploadPath(ctx.paths.dataDir, uploadId) : path!;
      const shown = basename(name ?? (uploadId ? ((await uploadName(ctx.paths.dataDir, uploadId)) ?? 'upload') : path!));
      try {
        const { size, ...doc } = await extractInWorker((kind, env) => ctx.spawnWorker(kind, env), file, shown, {
          maxBytes: MAX_DOCUMENT_BYTES,
          timeoutMs,
        });
        const added = store.add({ ...doc, name: shown, sizeBytes: size });
        if (!added.duplicate) publish();
        return added;
      } catch (err) {
        if (err instanceof DocError) throw new ServiceError(err.reason === 'not_found' ? 'not_found' : 'bad_input', err.message);
        throw err;
      } finally {
        if (uploadId) await removeUpload(ctx.paths.dataDir, uploadId);
      }
    },
    'documents.remove': ({ id }) => {
      const removed = store.remove(id);
      if (removed) publish();
      return { removed };
    },
    'documents.search': ({ query, limit }) => store.search(query, limit),
  };
}
