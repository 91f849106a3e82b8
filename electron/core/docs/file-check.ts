// The checks before any byte of a file is read, the same in the core (before a worker is started for
// it) and in the extraction worker: it is a file, it is not empty, it is within the size limit.
import { stat } from 'node:fs/promises';
import { DocError, tooLarge } from './errors.ts';

/** The size of the file at `path` (shown to the user as `name`); DocError when it cannot be extracted. */
export async function checkedSize(path: string, name: string, maxBytes: number): Promise<number> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new DocError('unsupported', s.isDirectory() ? `${name} is a folder, not a file` : `${name} is not a file`);
    size = s.size;
  } catch (err) {
    if (err instanceof DocError) throw err;
    throw new DocError('not_found', `${name} could not be opened (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (size > maxBytes) throw tooLarge(name, size, maxBytes);
  if (size === 0) throw new DocError('empty', `${name} is empty (0 bytes)`);
  return size;
}
