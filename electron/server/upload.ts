// POST /upload: the browser's way to hand the host a file (the desktop app passes paths instead).
// The request has already passed the guard (Host, Origin, token). The body is streamed to
// <dataDir>/uploads/<uuid> and cut off at the size limit (413, with the limit in the message); the
// answer is { uploadId, name, size } for documents.add({ uploadId }), which reads and then deletes it.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename } from 'node:path';
import { MAX_DOCUMENT_BYTES } from '../core/api/documents.ts';
import { formatBytes } from '../core/docs/errors.ts';
import { uploadPath, uploadsDir } from '../core/docs/uploads.ts';

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export async function handleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  dataDir: string,
  maxBytes = MAX_DOCUMENT_BYTES,
): Promise<void> {
  if (req.method !== 'POST') return json(res, 405, { error: 'POST the file as the request body' });
  const url = new URL(req.url ?? '/', 'http://placeholder');
  const name = basename(url.searchParams.get('name') ?? '').slice(0, 500);
  if (!name) return json(res, 400, { error: 'say the file name as ?name=' });
  const tooLarge = (size: string) => ({ error: `${name} is ${size}; files up to ${formatBytes(maxBytes)} can be uploaded` });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.setHeader('Connection', 'close');
    json(res, 413, tooLarge(formatBytes(declared)));
    req.destroy();
    return;
  }
  const id = randomUUID();
  await mkdir(uploadsDir(dataDir), { recursive: true });
  const part = `${uploadPath(dataDir, id)}.part`;
  const out = createWriteStream(part, { flags: 'wx' });
  let size = 0;
  let failed = false;
  const fail = async (status: number, body: unknown) => {
    if (failed) return;
    failed = true;
    out.destroy();
    await rm(part, { force: true });
    res.setHeader('Connection', 'close');
    json(res, status, body);
    req.destroy();
  };
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) void fail(413, tooLarge(`over ${formatBytes(maxBytes)}`));
  });
  req.on('aborted', () => void fail(400, { error: 'the upload was interrupted' }));
  out.on('error', (err) => void fail(500, { error: `could not store the upload: ${err.message}` }));
  req.pipe(out);
  await new Promise<void>((resolve) => {
    out.on('close', resolve);
    out.on('finish', resolve);
  });
  if (failed) return;
  await rename(part, uploadPath(dataDir, id));
  await writeFile(`${uploadPath(dataDir, id)}.json`, JSON.stringify({ name, size, at: Date.now() }));
  json(res, 200, { uploadId: id, name, size });
}
