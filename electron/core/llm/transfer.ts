// One HTTP download into a partial file, resumable: an existing partial file is continued with a
// Range request (a server that ignores Range gets a fresh start). Aborting keeps what was written.
import { createReadStream } from 'node:fs';
import { open, stat, statfs, truncate } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { networkReason } from './net-errors.ts';
import { errorMessage } from '../api/errors.ts';

export class TransferError extends Error {
  constructor(
    readonly code: 'http' | 'disk' | 'network' | 'size',
    message: string,
  ) {
    super(message);
    this.name = 'TransferError';
  }
}

export interface TransferProgress {
  receivedBytes: number;
  totalBytes: number | null;
}

/** Bytes free for this process on the file system holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** Room to leave on the disk beyond the file itself. */
export const DISK_MARGIN = 64 * 2 ** 20;

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

export async function fetchToFile(
  url: string,
  partPath: string,
  options: {
    signal: AbortSignal;
    onProgress(p: TransferProgress): void;
    fetchImpl?: typeof fetch;
    freeBytes?: (dir: string) => Promise<number>;
    dir: string;
  },
): Promise<TransferProgress> {
  const doFetch = options.fetchImpl ?? fetch;
  let have = await sizeOf(partPath);
  let res: Response;
  try {
    res = await doFetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, signal: options.signal, redirect: 'follow' });
  } catch (err) {
    if (options.signal.aborted) throw err;
    throw new TransferError('network', `Could not reach ${new URL(url).host}: ${networkReason(err)}.`);
  }
  let total: number | null;
  if (res.status === 416 && have > 0) {
    // Range starts at the end: the partial file is already whole.
    await res.body?.cancel();
    return { receivedBytes: have, totalBytes: have };
  }
  if (res.status === 206) {
    const m = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
    total = m ? Number(m[1]) : null;
  } else if (res.ok) {
    if (have > 0) {
      await truncate(partPath, 0); // the server ignored Range: start over
      have = 0;
    }
    const len = res.headers.get('content-length');
    total = len !== null && /^\d+$/.test(len) ? Number(len) : null;
  } else {
    await res.body?.cancel();
    throw new TransferError('http', `the server answered ${res.status} ${res.statusText} for ${url}`);
  }
  if (total !== null) {
    const free = await (options.freeBytes ?? freeBytes)(options.dir);
    const need = total - have + DISK_MARGIN;
    if (free < need) {
      await res.body?.cancel();
      throw new TransferError(
        'disk',
        `not enough disk space: the download needs ${fmt(total - have)} more (+${fmt(DISK_MARGIN)} margin) but ${fmt(free)} is free`,
      );
    }
  }
  if (!res.body) throw new TransferError('network', 'the server sent no body');
  const fh = await open(partPath, have > 0 ? 'a' : 'w');
  let received = have;
  try {
    options.onProgress({ receivedBytes: received, totalBytes: total });
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      await fh.write(chunk);
      received += chunk.byteLength;
      options.onProgress({ receivedBytes: received, totalBytes: total });
    }
  } catch (err) {
    if (options.signal.aborted) throw err;
    throw new TransferError('network', `the download broke off at ${fmt(received)}: ${errorMessage(err)}`);
  } finally {
    await fh.close();
  }
  if (total !== null && received !== total) throw new TransferError('size', `the download ended at ${received} bytes, expected ${total}`);
  return { receivedBytes: received, totalBytes: total ?? received };
}

export function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const stream = createReadStream(path, { highWaterMark: 1 << 20, signal });
    stream.on('data', (c) => hash.update(c));
    stream.on('error', reject);
    stream.on('end', () => resolve(hash.digest('hex')));
  });
}

function fmt(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}
