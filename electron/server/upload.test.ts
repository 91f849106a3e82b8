// POST /upload on its own HTTP server: a file is streamed to the uploads folder with its name; a body
// over the limit is refused with 413 and the limit in the message, and leaves no file behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uploadName, uploadPath, uploadsDir } from '../core/docs/uploads.ts';
import { handleUpload } from './upload.ts';

test('uploads are stored by id with their name; over the limit is refused and nothing is kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-upload-'));
  const server = createServer((req, res) => void handleUpload(req, res, dir, 1024));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const ok = await fetch(`${base}/upload?name=${encodeURIComponent('../../notes.txt')}`, { method: 'POST', body: 'hello upload' });
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as { uploadId: string; name: string; size: number };
    assert.equal(body.name, 'notes.txt', 'folders in the name are dropped');
    assert.equal(body.size, 12);
    assert.equal(readFileSync(uploadPath(dir, body.uploadId), 'utf8'), 'hello upload');
    assert.equal(await uploadName(dir, body.uploadId), 'notes.txt');

    const big = await fetch(`${base}/upload?name=big.bin`, { method: 'POST', body: Buffer.alloc(4096, 1) });
    assert.equal(big.status, 413);
    assert.match(((await big.json()) as { error: string }).error, /big\.bin is 4\.0 KB; files up to 1\.0 KB can be uploaded/);
    // A streamed body without a length is cut off at the limit too.
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 8; i++) c.enqueue(new Uint8Array(512));
        c.close();
      },
    });
    // The server answers 413 and closes the connection; the client sees the 413 or a reset, depending on timing.
    const streamed = await fetch(`${base}/upload?name=stream.bin`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit).then(
      (r) => r.status,
      () => 'reset',
    );
    assert.ok(streamed === 413 || streamed === 'reset', String(streamed));
    assert.deepEqual(
      readdirSync(uploadsDir(dir)).sort(),
      [body.uploadId, `${body.uploadId}.json`].sort(),
      'nothing left of the refused uploads',
    );
    assert.equal((await fetch(`${base}/upload?name=x`, { method: 'GET' })).status, 405);
    assert.equal((await fetch(`${base}/upload`, { method: 'POST', body: 'x' })).status, 400);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
