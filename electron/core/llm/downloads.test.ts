// Downloads against a loopback HTTP server (Range support, a stall switch to pause/cancel mid-file,
// a fake Hugging Face listing for hf: URIs): progress, pause/resume (also across a restart),
// cancel, sha256 and size verification, the free-disk check, and URI parsing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestModels } from '../../../test-support/models.ts';
import { parseModelUri, pickQuantFile } from './hf.ts';
import { startTestCore, type TestCore } from './test-core.ts';
import { fetchToFile, TransferError } from './transfer.ts';

let server: Server;
let base: string;
let file: Buffer;
let sha: string;
const requests: { url: string; range: string | undefined }[] = [];
/** While set, /stall/ responses send this many bytes and then hang (the client pauses or cancels). */
let stallAfter: number | null = null;
const hanging = new Set<ServerResponse>();

function serveFile(res: ServerResponse, range: string | undefined, stall: number | null) {
  let start = 0;
  const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
  if (m) {
    start = Number(m[1]);
    if (start >= file.length) {
      res.writeHead(416, { 'Content-Range': `bytes */${file.length}` }).end();
      return;
    }
    res.writeHead(206, {
      'Content-Length': file.length - start,
      'Content-Range': `bytes ${start}-${file.length - 1}/${file.length}`,
      'Accept-Ranges': 'bytes',
    });
  } else {
    res.writeHead(200, { 'Content-Length': file.length, 'Accept-Ranges': 'bytes' });
  }
  if (stall !== null && stall > start) {
    res.write(file.subarray(start, stall));
    hanging.add(res); // never ends: the client has to abort
    return;
  }
  res.end(file.subarray(start));
}

let t: TestCore;
const dataDir = mkdtempSync(join(tmpdir(), 'glassbox-dl-'));

before(async () => {
  file = readFileSync((await ensureTestModels()).miniQ8);
  sha = createHash('sha256').update(file).digest('hex');
  server = createServer((req, res) => {
    const url = req.url ?? '';
    requests.push({ url, range: req.headers.range });
    if (url.startsWith('/files/') || url.startsWith('/acme/tiny-GGUF/resolve/main/')) return serveFile(res, req.headers.range, null);
    if (url.startsWith('/stall/')) return serveFile(res, req.headers.range, stallAfter);
    if (url.startsWith('/api/models/acme/tiny-GGUF/tree/main')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify([
          { type: 'file', path: 'README.md', size: 10 },
          { type: 'file', path: 'tiny-F16.gguf', size: 99, lfs: { oid: 'f'.repeat(64), size: 99 } },
          { type: 'file', path: 'tiny-Q8_0.gguf', size: file.length, lfs: { oid: sha, size: file.length } },
        ]),
      );
      return;
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.HF_ENDPOINT = base;
  t = await startTestCore({ dataDir });
});
after(async () => {
  await t.close();
  for (const r of hanging) r.destroy();
  server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const partOf = (name: string) => join(t.core.paths.modelsDir, `${name}.part`);

async function settle(id: string, states: string[]) {
  const now = (await t.call('models.downloads', {})).find((d) => d.downloadId === id)!;
  if (states.includes(now.state)) return now;
  return t.next('models.download', (d) => d.downloadId === id && states.includes(d.state));
}

test('a URL download reports progress, is verified and joins the library', async () => {
  const d = await t.call('models.download', { uri: `${base}/files/tiny.gguf`, sha256: sha, activate: true });
  assert.equal(d.state, 'downloading');
  const progressEvents: number[] = [];
  const off = t.core.events.subscribe(
    (e) => e.name === 'models.download' && e.payload.downloadId === d.downloadId && progressEvents.push(e.payload.receivedBytes),
  );
  const jobDone = t.next('jobs.update', (j) => j.kind === 'models.download' && j.state !== 'running');
  const done = await settle(d.downloadId, ['done', 'failed']);
  off();
  for (let i = 1; i < progressEvents.length; i++) assert.ok(progressEvents[i] >= progressEvents[i - 1], 'progress never goes back');
  assert.equal(done.state, 'done', JSON.stringify(done.error));
  assert.equal(done.receivedBytes, file.length);
  assert.equal(done.totalBytes, file.length);
  const m = (await t.call('models.list', {})).find((x) => x.id === done.modelId)!;
  assert.equal(m.source, 'download');
  assert.equal(m.sourceUri, `${base}/files/tiny.gguf`);
  assert.equal(m.sha256, sha);
  assert.equal(m.path, join(t.core.paths.modelsDir, 'tiny.gguf'));
  assert.ok(readFileSync(m.path).equals(file));
  assert.equal(existsSync(partOf('tiny.gguf')), false);
  assert.equal(m.quantization, 'Q8_0');
  // The job ends once the model is in the library and (activate: true) loaded as the chat model.
  assert.equal((await jobDone).state, 'done');
  assert.equal((await t.call('models.list', {})).find((x) => x.id === m.id)!.active, true);
});

test('hf: URIs resolve through the Hub listing, with size and sha256 from it', async () => {
  const d = await t.call('models.download', { uri: 'hf:acme/tiny-GGUF:Q8_0' });
  const done = await settle(d.downloadId, ['done', 'failed']);
  assert.equal(done.state, 'done', JSON.stringify(done.error));
  assert.equal(done.fileName, 'tiny-Q8_0.gguf');
  assert.equal((await t.call('models.list', {})).find((x) => x.id === done.modelId)!.sha256, sha);
  const missing = await t.call('models.download', { uri: 'hf:acme/tiny-GGUF:Q4_K_M' });
  const failed = await settle(missing.downloadId, ['done', 'failed']);
  assert.equal(failed.state, 'failed');
  assert.match(failed.error!.message, /no \.gguf file for Q4_K_M/);
});

test('pause keeps the partial file; resume continues it with a Range request', async () => {
  stallAfter = 400_000;
  const d = await t.call('models.download', { uri: `${base}/stall/paused.gguf` });
  await t.next('models.download', (x) => x.downloadId === d.downloadId && x.receivedBytes >= 400_000);
  const paused = await t.call('models.pauseDownload', { downloadId: d.downloadId });
  assert.equal(paused.state, 'paused');
  const settled = await settle(d.downloadId, ['paused']);
  assert.equal(statSync(partOf('paused.gguf')).size, 400_000);
  assert.equal(settled.state, 'paused');

  stallAfter = null;
  requests.length = 0;
  await t.call('models.resumeDownload', { downloadId: d.downloadId });
  const done = await settle(d.downloadId, ['done', 'failed']);
  assert.equal(done.state, 'done', JSON.stringify(done.error));
  assert.deepEqual(
    requests.map((r) => r.range),
    ['bytes=400000-'],
  );
  const m = (await t.call('models.list', {})).find((x) => x.id === done.modelId)!;
  assert.ok(readFileSync(m.path).equals(file), 'the resumed file is byte-identical');
  assert.equal(m.sha256, sha);
});

test('a download running when the app closes is paused, and resumes after a restart', async () => {
  stallAfter = 300_000;
  const d = await t.call('models.download', { uri: `${base}/stall/restart.gguf` });
  await t.next('models.download', (x) => x.downloadId === d.downloadId && x.receivedBytes >= 300_000);
  await t.close();
  stallAfter = null;
  t = await startTestCore({ dataDir });
  const listed = (await t.call('models.downloads', {})).find((x) => x.downloadId === d.downloadId)!;
  assert.equal(listed.state, 'paused');
  assert.equal(listed.receivedBytes, 300_000);
  await t.call('models.resumeDownload', { downloadId: d.downloadId });
  const done = await settle(d.downloadId, ['done', 'failed']);
  assert.equal(done.state, 'done', JSON.stringify(done.error));
  assert.ok(readFileSync(join(t.core.paths.modelsDir, 'restart.gguf')).equals(file));
});

test('cancel stops the transfer and deletes the partial file', async () => {
  stallAfter = 200_000;
  const d = await t.call('models.download', { uri: `${base}/stall/cancelled.gguf` });
  await t.next('models.download', (x) => x.downloadId === d.downloadId && x.receivedBytes >= 200_000);
  assert.ok(existsSync(partOf('cancelled.gguf')));
  const c = await t.call('models.cancelDownload', { downloadId: d.downloadId });
  assert.equal(c.state, 'cancelled');
  assert.equal(existsSync(partOf('cancelled.gguf')), false);
  assert.equal(existsSync(join(t.core.paths.modelsDir, 'cancelled.gguf')), false);
  assert.equal((await t.fail('models.resumeDownload', { downloadId: d.downloadId })).code, 'conflict');
  stallAfter = null;
});

test('a sha256 mismatch fails the download and leaves nothing behind', async () => {
  const before = (await t.call('models.list', {})).length;
  const d = await t.call('models.download', { uri: `${base}/files/bad-hash.gguf`, sha256: 'ab'.repeat(32) });
  const failed = await settle(d.downloadId, ['done', 'failed']);
  assert.equal(failed.state, 'failed');
  assert.match(failed.error!.message, /sha256 mismatch/);
  assert.equal((await t.call('models.list', {})).length, before);
  assert.equal(existsSync(partOf('bad-hash.gguf')), false);
  assert.equal(existsSync(join(t.core.paths.modelsDir, 'bad-hash.gguf')), false);
});

test('a size mismatch, an HTTP error and a full disk are clear failures', async () => {
  const wrongSize = await t.call('models.download', { uri: `${base}/files/small.gguf`, sizeBytes: file.length + 1 });
  const f1 = await settle(wrongSize.downloadId, ['done', 'failed']);
  assert.equal(f1.state, 'failed');
  assert.match(f1.error!.message, /size mismatch|ended at|expected/);
  const notFound = await t.call('models.download', { uri: `${base}/nothing-here.gguf` });
  const f2 = await settle(notFound.downloadId, ['done', 'failed']);
  assert.match(f2.error!.message, /answered 404/);
  const huge = await t.fail('models.download', { uri: `${base}/files/huge.gguf`, sizeBytes: 2 ** 52 });
  assert.equal(huge.code, 'conflict');
  assert.match(huge.message, /not enough disk space/);
  // The check after the server announced the size (no size given up front):
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-disk-'));
  await assert.rejects(
    fetchToFile(`${base}/files/x.gguf`, join(dir, 'x.part'), {
      signal: new AbortController().signal,
      dir,
      onProgress: () => {},
      freeBytes: async () => 1000,
    }),
    (e: unknown) => e instanceof TransferError && e.code === 'disk' && /not enough disk space/.test(e.message),
  );
  assert.equal(existsSync(join(dir, 'x.part')), false, 'nothing written');
  rmSync(dir, { recursive: true, force: true });
});

test('model URIs: hf:<user>/<repo>:<quant>, hf: file paths and URLs; bad ones are refused', () => {
  assert.deepEqual(parseModelUri('hf:ggml-org/gemma-3-270m-it-GGUF:Q8_0'), {
    kind: 'hf-quant',
    user: 'ggml-org',
    repo: 'gemma-3-270m-it-GGUF',
    quant: 'Q8_0',
    branch: 'main',
  });
  assert.deepEqual(parseModelUri('hf:user/repo/sub/model-Q4_K_M.gguf'), {
    kind: 'hf-file',
    user: 'user',
    repo: 'repo',
    file: 'sub/model-Q4_K_M.gguf',
    branch: 'main',
  });
  assert.deepEqual(parseModelUri('hf:user/repo:Q4_K_M#dev'), {
    kind: 'hf-quant',
    user: 'user',
    repo: 'repo',
    quant: 'Q4_K_M',
    branch: 'dev',
  });
  assert.equal(parseModelUri('https://example.com/a%20b.gguf').kind, 'url');
  for (const bad of [
    'hf:',
    'hf:user',
    'hf:user/repo',
    'hf:user/repo/../x.gguf',
    'ftp://x/y.gguf',
    'model.gguf',
    'hf:user/repo/notes.txt',
  ]) {
    assert.throws(() => parseModelUri(bad), /hf:|URL|gguf|repo/i, bad);
  }
  const listing = [
    { type: 'file', path: 'gemma-3-270m-it-Q8_0.gguf' },
    { type: 'file', path: 'gemma-3-270m-it-Q4_K_M.gguf' },
    { type: 'file', path: 'gemma-3-270m-it-F16.gguf' },
    { type: 'file', path: 'mmproj-Q8_0.gguf' },
  ];
  assert.equal(pickQuantFile(listing, 'Q8_0').path, 'gemma-3-270m-it-Q8_0.gguf');
  assert.equal(pickQuantFile(listing, 'q4_k_m').path, 'gemma-3-270m-it-Q4_K_M.gguf');
  assert.throws(() => pickQuantFile(listing, 'Q4_K'), /no \.gguf file for Q4_K/);
  assert.throws(() => pickQuantFile([{ type: 'file', path: 'm-Q8_0-00001-of-00002.gguf' }], 'Q8_0'), /split/);
});

test('a URI that cannot resolve is refused at once; a failed download is removed', async () => {
  const bad = await t.fail('models.download', { uri: 'hf:ggml-org/gemma-3-270m-it-GGUF' });
  assert.equal(bad.code, 'bad_input');
  assert.match(bad.message, /needs a quantization after the repo/);
  assert.equal(
    (await t.call('models.downloads', {})).some((d) => d.uri === 'hf:ggml-org/gemma-3-270m-it-GGUF'),
    false,
    'no failed entry is left behind',
  );

  const failed = await t.call('models.download', { uri: `${base}/nothing-here.gguf` });
  assert.equal((await settle(failed.downloadId, ['done', 'failed'])).state, 'failed');
  assert.deepEqual(await t.call('models.removeDownload', { downloadId: failed.downloadId }), { removed: true });
  assert.equal(
    (await t.call('models.downloads', {})).some((d) => d.downloadId === failed.downloadId),
    false,
  );
  assert.equal((await t.fail('models.removeDownload', { downloadId: failed.downloadId })).code, 'not_found');
});
