// Core side of extraction: each file is read in a fresh "docs" worker process (untrusted bytes never
// reach the main process), with a size limit checked before it starts, a hard timeout (the process is
// killed: PDF.js may spin without yielding, so a cancel message would never be read) and a memory cap.
import { ServiceError } from '../api/errors.ts';
import type { ChildMessage, WorkerProcess } from '../workers/protocol.ts';
import { DocError, formatBytes, type DocErrorReason } from './errors.ts';
import { checkedSize } from './file-check.ts';
import type { Extracted } from './types.ts';

const REASONS: readonly DocErrorReason[] = [
  'unsupported',
  'binary',
  'encrypted',
  'scanned',
  'empty',
  'too_large',
  'timeout',
  'corrupt',
  'not_found',
];

function docErrorFrom(message: string): DocError {
  const colon = message.indexOf(': ');
  const reason = message.slice(0, colon) as DocErrorReason;
  return colon > 0 && REASONS.includes(reason) ? new DocError(reason, message.slice(colon + 2)) : new DocError('corrupt', message);
}

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_HEAP_MB = 1024;

export interface ExtractOptions {
  maxBytes?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Test-only: run this docs task instead of extractDocument (e.g. 'hangForTest'). */
  task?: string;
}

export type SpawnWorker = (kind: string, env?: Record<string, string>) => WorkerProcess;

/** Extracts `path` (shown to the user as `name`); DocError for anything the user must fix. */
export async function extractInWorker(spawn: SpawnWorker, path: string, name: string, options: ExtractOptions = {}): Promise<Extracted> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const size = await checkedSize(path, name, maxBytes);

  const proc = spawn('docs', { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${MAX_HEAP_MB}`.trim() });
  return new Promise<Extracted>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      proc.kill();
      fn();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new DocError(
              'timeout',
              `reading ${name} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped; the file may be damaged or unusually complex`,
            ),
          ),
        ),
      timeoutMs,
    );
    const onAbort = () => finish(() => reject(new ServiceError('cancelled', `reading ${name} was cancelled`)));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    proc.onMessage((msg: ChildMessage) => {
      if (msg.type === 'ready')
        proc.send({ type: 'request', id: 1, task: options.task ?? 'extractDocument', input: { path, name, maxBytes } });
      else if (msg.type === 'response') {
        if (msg.ok) finish(() => resolve(msg.value as Extracted));
        else
          finish(() =>
            reject(msg.error.code === 'bad_input' ? docErrorFrom(msg.error.message) : new ServiceError(msg.error.code, msg.error.message)),
          );
      }
    });
    proc.onExit(({ code, signal }) =>
      finish(() =>
        reject(
          new DocError(
            'corrupt',
            `reading ${name} stopped the extraction process (${signal ? `killed by ${signal}` : `exit code ${code}`}); it may be too complex or damaged${size > 10 * 1024 * 1024 ? ` (it is ${formatBytes(size)})` : ''}`,
          ),
        ),
      ),
    );
  });
}
