// Dropped files into the document library: in Electron the preload tells us each file's path
// (webUtils.getPathForFile); in a browser the file is uploaded to the host (POST /upload, same token
// as the API, size-limited) and added by its upload id.
import type { GlassboxBridge } from '../../../../electron/core/api/bridge.ts';
import type { DocumentInfo } from '../../../../electron/core/api/documents.ts';
import type { Api } from '../../api/client.ts';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

export interface AddOutcome {
  name: string;
  document?: DocumentInfo;
  duplicate?: boolean;
  error?: string;
}

const bridge = () => (window as unknown as { glassbox?: GlassboxBridge }).glassbox;

async function upload(file: File): Promise<string> {
  const token = sessionStorage.getItem('glassbox.token');
  const q = new URLSearchParams({ name: file.name });
  if (token) q.set('token', token);
  const res = await fetch(`/upload?${q}`, { method: 'POST', body: file, headers: { 'Content-Type': 'application/octet-stream' } });
  const body = (await res.json().catch(() => ({ error: `upload failed (${res.status})` }))) as { uploadId?: string; error?: string };
  if (!res.ok || !body.uploadId) throw new Error(body.error ?? `upload failed (${res.status})`);
  return body.uploadId;
}

export async function addFiles(api: Api, files: File[], onStep?: (text: string) => void): Promise<AddOutcome[]> {
  const b = bridge();
  const out: AddOutcome[] = [];
  for (const file of files) {
    try {
      const path = b?.pathForFile(file);
      let added;
      if (path) {
        onStep?.(`Reading ${file.name}…`);
        added = await api.documents.add({ path, name: file.name });
      } else {
        onStep?.(`Uploading ${file.name}…`);
        const uploadId = await upload(file);
        onStep?.(`Reading ${file.name}…`);
        added = await api.documents.add({ uploadId, name: file.name });
      }
      out.push({ name: file.name, document: added.document, duplicate: added.duplicate });
    } catch (e) {
      out.push({ name: file.name, error: errorMessage(e) });
    }
  }
  return out;
}
