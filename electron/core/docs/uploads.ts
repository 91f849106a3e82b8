// Files the browser uploaded to the headless host wait here until documents.add reads them (then they
// are deleted: the extracted text lives in SQLite). An upload is `<uuid>` plus `<uuid>.json` with the
// name the user gave it.
import { readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';

export const uploadsDir = (dataDir: string) => join(dataDir, 'uploads');
export const uploadPath = (dataDir: string, id: string) => join(uploadsDir(dataDir), id);

export async function uploadName(dataDir: string, id: string): Promise<string | null> {
  try {
    const meta = JSON.parse(await readFile(`${uploadPath(dataDir, id)}.json`, 'utf8')) as { name?: unknown };
    return typeof meta.name === 'string' && meta.name ? basename(meta.name) : null;
  } catch {
    return null;
  }
}

export async function removeUpload(dataDir: string, id: string): Promise<void> {
  await Promise.all([rm(uploadPath(dataDir, id), { force: true }), rm(`${uploadPath(dataDir, id)}.json`, { force: true })]);
}
