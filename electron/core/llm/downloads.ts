// Model downloads: resolve the URI, stream into "<file>.part" in the models folder (resumable),
// verify size and sha256, check the file with our GGUF reader, then add it to the library.
// Pause keeps the partial file; cancel deletes it. State lives in SQLite, so a download that was
// running when the app closed shows up paused at the next start and resumes from its partial file.
import { existsSync, mkdirSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, type ApiErrorData } from '../api/errors.ts';
import { ServiceError } from '../api/errors.ts';
import type { DownloadInfo, ModelInfo } from '../api/models.ts';
import type { CoreContext } from '../app/context.ts';
import { DownloadsStore, ModelsStore } from '../store/models.ts';
import { ModelUriError, parseModelUri, resolveModelUri } from './hf.ts';
import { inspectModelFile, ModelFileError } from './library.ts';
import { fetchToFile, freeBytes, sha256File, TransferError, DISK_MARGIN } from './transfer.ts';

const EVENT_INTERVAL_MS = 100;
const DB_INTERVAL_MS = 1000;

interface Running {
  controller: AbortController;
  intent: 'pause' | 'cancel' | null;
  done: Promise<void>;
}

export interface DownloadOptions {
  fetchImpl?: typeof fetch;
  freeBytes?: (dir: string) => Promise<number>;
  hfEndpoint?: string;
}

/** A safe file name for the models folder (no separators, ends in .gguf). */
export function safeFileName(name: string): string {
  const cleaned =
    name
      .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_')
      .replace(/^\.+/, '')
      .slice(0, 200) || 'model';
  return /\.gguf$/i.test(cleaned) ? cleaned : `${cleaned}.gguf`;
}

export class DownloadManager {
  private readonly store: DownloadsStore;
  private readonly models: ModelsStore;
  private readonly running = new Map<string, Running>();
  private readonly speed = new Map<string, { t: number; bytes: number; bps: number }>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly onModelAdded: (model: ModelInfo, activate: boolean) => Promise<void>,
    private readonly options: DownloadOptions = {},
  ) {
    this.store = new DownloadsStore(ctx.db);
    this.models = new ModelsStore(ctx.db);
    this.store.pauseRunning();
    ctx.onClose(() => this.pauseAll());
  }

  list(): DownloadInfo[] {
    return this.store.list().map((r) => this.withSpeed(r.info));
  }

  get(id: string): DownloadInfo {
    const r = this.store.get(id);
    if (!r) throw new ServiceError('not_found', `download ${JSON.stringify(id)} does not exist`);
    return this.withSpeed(r.info);
  }

  /** Resolves after the download has reached a final or paused state (tests, close). */
  async settled(id: string): Promise<DownloadInfo> {
    await this.running.get(id)?.done;
    return this.get(id);
  }

  async start(input: { uri: string; sha256?: string; sizeBytes?: number; activate: boolean }): Promise<DownloadInfo> {
    // A URI that can never resolve is refused now, in the user's words, instead of becoming a failed entry.
    try {
      parseModelUri(input.uri);
    } catch (err) {
      if (err instanceof ModelUriError) throw new ServiceError('bad_input', err.message);
      throw err;
    }
    const dir = this.ctx.paths.modelsDir;
    mkdirSync(dir, { recursive: true });
    if (input.sizeBytes !== undefined) {
      const free = await (this.options.freeBytes ?? freeBytes)(dir);
      if (free < input.sizeBytes + DISK_MARGIN) {
        throw new ServiceError(
          'conflict',
          `not enough disk space for this model: it needs ${input.sizeBytes} bytes but ${free} are free in ${dir}`,
        );
      }
    }
    const rec = this.store.create({
      uri: input.uri,
      fileName: 'resolving…',
      totalBytes: input.sizeBytes ?? null,
      expectedSha256: input.sha256?.toLowerCase() ?? null,
      activate: input.activate,
    });
    this.launch(rec.info.downloadId);
    return this.get(rec.info.downloadId);
  }

  pause(id: string): DownloadInfo {
    const info = this.get(id);
    const r = this.running.get(id);
    if (r) {
      r.intent = 'pause';
      r.controller.abort();
      this.set(id, { state: 'paused' });
    } else if (info.state !== 'paused') {
      throw new ServiceError('conflict', `the download is ${info.state}, not running`);
    }
    return this.get(id);
  }

  async resume(id: string): Promise<DownloadInfo> {
    const r = this.running.get(id);
    if (r && r.intent === null) return this.get(id); // already running
    if (r) await r.done; // a pause is still winding down
    const info = this.get(id);
    if (info.state !== 'paused' && info.state !== 'failed')
      throw new ServiceError('conflict', `a ${info.state} download cannot be resumed`);
    this.set(id, { state: 'downloading', error: null });
    this.launch(id);
    return this.get(id);
  }

  async cancel(id: string): Promise<DownloadInfo> {
    const info = this.get(id);
    if (info.state === 'done' || info.state === 'cancelled') return info;
    const r = this.running.get(id);
    if (r) {
      r.intent = 'cancel';
      r.controller.abort();
      await r.done;
    }
    await this.deletePartial(id);
    this.set(id, { state: 'cancelled' });
    return this.get(id);
  }

  /** Forgets a download that is not running (failed, cancelled, done, paused) and deletes its partial file. */
  async remove(id: string): Promise<{ removed: true }> {
    const info = this.get(id);
    if (info.state === 'downloading' || info.state === 'verifying')
      throw new ServiceError('conflict', `the download of ${info.uri} is still running; cancel it first`);
    await this.running.get(id)?.done; // a failed or paused transfer may still be winding down
    await this.deletePartial(id);
    this.store.remove(id);
    return { removed: true };
  }

  private async pauseAll(): Promise<void> {
    const all = [...this.running.entries()];
    for (const [, r] of all) {
      r.intent = 'pause';
      r.controller.abort();
    }
    await Promise.all(all.map(([, r]) => r.done));
  }

  private partPath(id: string): string | null {
    const r = this.store.get(id);
    return r && r.url ? join(this.ctx.paths.modelsDir, `${r.info.fileName}.part`) : null;
  }

  private async deletePartial(id: string): Promise<void> {
    const p = this.partPath(id);
    if (p) await rm(p, { force: true });
  }

  private launch(id: string): void {
    const controller = new AbortController();
    const entry: Running = { controller, intent: null, done: Promise.resolve() };
    this.running.set(id, entry);
    const { done } = this.ctx.jobs.start({ kind: 'models.download', title: `Download ${this.get(id).uri}` }, async (job) => {
      job.signal.addEventListener('abort', () => {
        if (!entry.intent) entry.intent = 'pause'; // jobs.cancel from the generic jobs list pauses
        controller.abort();
      });
      await this.run(id, entry, (fraction, message) => job.progress(fraction, message));
      if (entry.intent) throw new ServiceError('cancelled', `download ${entry.intent === 'pause' ? 'paused' : 'cancelled'}`);
      return { downloadId: id, modelId: this.get(id).modelId };
    });
    entry.done = done
      .then(
        () => {},
        () => {},
      )
      .finally(() => this.running.delete(id));
  }

  private async run(id: string, entry: Running, progress: (fraction: number | null, message: string) => void): Promise<void> {
    const signal = entry.controller.signal;
    try {
      let rec = this.store.get(id)!;
      if (!rec.url) {
        const resolved = await resolveModelUri(rec.info.uri, {
          signal,
          fetchImpl: this.options.fetchImpl,
          endpoint: this.options.hfEndpoint,
        });
        let fileName = safeFileName(resolved.fileName);
        for (let n = 1; existsSync(join(this.ctx.paths.modelsDir, fileName)); n++)
          fileName = safeFileName(resolved.fileName.replace(/(\.gguf)?$/i, ` (${n}).gguf`));
        rec = this.store.update(id, {
          url: resolved.url,
          fileName,
          totalBytes: rec.info.totalBytes ?? resolved.sizeBytes,
          expectedSha256: rec.expectedSha256 ?? resolved.sha256,
        })!;
        this.publish(id);
      }
      const dir = this.ctx.paths.modelsDir;
      const part = join(dir, `${rec.info.fileName}.part`);
      let lastEvent = 0;
      let lastDb = 0;
      let latest = { receivedBytes: 0, totalBytes: null as number | null };
      let trailing: ReturnType<typeof setTimeout> | null = null;
      const emitProgress = () => {
        lastEvent = Date.now();
        if (this.store.get(id)?.info.state !== 'downloading') return;
        this.ctx.events.publish('models.download', this.withSpeed({ ...this.get(id), ...latest }));
        progress(latest.totalBytes ? latest.receivedBytes / latest.totalBytes : null, `${Math.round(latest.receivedBytes / 2 ** 20)} MiB`);
      };
      const result = await fetchToFile(rec.url!, part, {
        signal,
        dir,
        fetchImpl: this.options.fetchImpl,
        freeBytes: this.options.freeBytes,
        onProgress: ({ receivedBytes, totalBytes }) => {
          this.track(id, receivedBytes);
          const now = Date.now();
          if (now - lastDb >= DB_INTERVAL_MS) {
            this.store.update(id, { receivedBytes, totalBytes });
            lastDb = now;
          }
          latest = { receivedBytes, totalBytes };
          if (now - lastEvent >= EVENT_INTERVAL_MS) emitProgress();
          else if (!trailing) {
            // Throttled: still report the latest count shortly, so a stalled transfer shows where it stands.
            trailing = setTimeout(() => {
              trailing = null;
              emitProgress();
            }, EVENT_INTERVAL_MS);
          }
        },
      }).finally(() => {
        if (trailing) clearTimeout(trailing);
      });
      this.set(id, { state: 'verifying', receivedBytes: result.receivedBytes, totalBytes: result.totalBytes });
      const expectedSize = rec.info.totalBytes;
      if (expectedSize !== null && result.receivedBytes !== expectedSize) {
        await rm(part, { force: true });
        throw new TransferError('size', `size mismatch: got ${result.receivedBytes} bytes, expected ${expectedSize}`);
      }
      const sha = await sha256File(part, signal);
      const expectedSha = this.store.get(id)!.expectedSha256;
      if (expectedSha && sha !== expectedSha) {
        await rm(part, { force: true });
        throw new TransferError(
          'size',
          `sha256 mismatch: the file hashes to ${sha}, expected ${expectedSha}; the partial file was deleted`,
        );
      }
      const final = join(dir, rec.info.fileName);
      await rename(part, final);
      let facts;
      try {
        facts = inspectModelFile(final);
      } catch (err) {
        await rm(final, { force: true });
        throw err;
      }
      const model = this.models.upsert({
        ...facts,
        path: final,
        sizeBytes: (await stat(final)).size,
        sha256: sha,
        source: 'download',
        sourceUri: rec.info.uri,
      });
      this.set(id, { state: 'done', modelId: model.id });
      await this.onModelAdded(model, rec.activate);
    } catch (err) {
      if (signal.aborted && entry.intent) {
        const received = this.partPath(id)
          ? await stat(this.partPath(id)!).then(
              (s) => s.size,
              () => 0,
            )
          : 0;
        this.set(id, { state: entry.intent === 'pause' ? 'paused' : 'cancelled', receivedBytes: received });
        return;
      }
      this.set(id, { state: 'failed', error: toError(err) });
    }
  }

  private set(id: string, patch: Parameters<DownloadsStore['update']>[1]): void {
    this.store.update(id, patch);
    this.publish(id);
  }

  private publish(id: string): void {
    this.ctx.events.publish('models.download', this.get(id));
  }

  private track(id: string, bytes: number): void {
    const now = Date.now();
    const s = this.speed.get(id);
    if (!s) return void this.speed.set(id, { t: now, bytes, bps: 0 });
    const dt = now - s.t;
    if (dt < 250) return;
    const inst = ((bytes - s.bytes) * 1000) / dt;
    this.speed.set(id, { t: now, bytes, bps: s.bps === 0 ? inst : s.bps * 0.7 + inst * 0.3 });
  }

  private withSpeed(info: DownloadInfo): DownloadInfo {
    return { ...info, bytesPerSecond: info.state === 'downloading' ? Math.round(this.speed.get(info.downloadId)?.bps ?? 0) : 0 };
  }
}

function toError(err: unknown): ApiErrorData {
  if (err instanceof ServiceError) return err.toData();
  if (err instanceof ModelUriError || err instanceof ModelFileError) return { code: 'bad_input', message: err.message };
  if (err instanceof TransferError)
    return { code: err.code === 'disk' ? 'conflict' : err.code === 'size' ? 'bad_input' : 'unavailable', message: err.message };
  return { code: 'internal', message: errorMessage(err) };
}
