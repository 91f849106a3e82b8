// models and model_downloads tables: the model library and downloads that outlive a restart.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ApiErrorData } from '../api/errors.ts';
import type { DownloadInfo, DownloadState, ModelInfo } from '../api/models.ts';
import type { Db } from './database.ts';

interface ModelRow {
  id: string;
  name: string;
  path: string;
  architecture: string;
  parameter_count: number;
  quantization: string;
  context_length: number | null;
  size_bytes: number;
  sha256: string | null;
  has_chat_template: number;
  source: 'import' | 'download';
  source_uri: string | null;
  added_at: number;
  active: number;
}

const toModel = (r: ModelRow): ModelInfo => ({
  id: r.id,
  name: r.name,
  path: r.path,
  architecture: r.architecture,
  parameterCount: r.parameter_count,
  quantization: r.quantization,
  contextLength: r.context_length,
  sizeBytes: r.size_bytes,
  sha256: r.sha256,
  hasChatTemplate: r.has_chat_template === 1,
  source: r.source,
  sourceUri: r.source_uri,
  addedAt: r.added_at,
  active: r.active === 1,
  fileExists: existsSync(r.path),
});

export type NewModel = Omit<ModelInfo, 'id' | 'addedAt' | 'active' | 'fileExists'>;

export class ModelsStore {
  constructor(private readonly db: Db) {}

  list(): ModelInfo[] {
    return (this.db.prepare('SELECT * FROM models ORDER BY added_at DESC, rowid DESC').all() as ModelRow[]).map(toModel);
  }

  get(id: string): ModelInfo | undefined {
    const r = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
    return r && toModel(r);
  }

  byPath(path: string): ModelInfo | undefined {
    const r = this.db.prepare('SELECT * FROM models WHERE path = ?').get(path) as ModelRow | undefined;
    return r && toModel(r);
  }

  active(): ModelInfo | undefined {
    const r = this.db.prepare('SELECT * FROM models WHERE active = 1').get() as ModelRow | undefined;
    return r && toModel(r);
  }

  /** Adds the model, or refreshes the entry of the same path (re-import after the file changed). */
  upsert(m: NewModel, now = Date.now()): ModelInfo {
    const existing = this.byPath(m.path);
    const id = existing?.id ?? randomUUID();
    this.db
      .prepare(
        `INSERT INTO models (id, name, path, architecture, parameter_count, quantization, context_length, size_bytes, sha256,
                             has_chat_template, source, source_uri, added_at)
         VALUES (@id, @name, @path, @architecture, @parameterCount, @quantization, @contextLength, @sizeBytes, @sha256,
                 @hasChatTemplate, @source, @sourceUri, @now)
         ON CONFLICT (path) DO UPDATE SET name = excluded.name, architecture = excluded.architecture,
           parameter_count = excluded.parameter_count, quantization = excluded.quantization, context_length = excluded.context_length,
           size_bytes = excluded.size_bytes, sha256 = COALESCE(excluded.sha256, models.sha256), has_chat_template = excluded.has_chat_template`,
      )
      .run({ ...m, id, hasChatTemplate: m.hasChatTemplate ? 1 : 0, now });
    return this.byPath(m.path)!;
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM models WHERE id = ?').run(id).changes > 0;
  }

  setActive(id: string | null): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE models SET active = 0 WHERE active = 1').run();
      if (id !== null) this.db.prepare('UPDATE models SET active = 1 WHERE id = ?').run(id);
    })();
  }
}

interface DownloadRow {
  id: string;
  uri: string;
  url: string | null;
  file_name: string;
  state: DownloadState;
  received_bytes: number;
  total_bytes: number | null;
  expected_sha256: string | null;
  activate: number;
  error: string | null;
  model_id: string | null;
  started_at: number;
  updated_at: number;
}

export interface DownloadRecord {
  info: DownloadInfo;
  url: string | null;
  expectedSha256: string | null;
  activate: boolean;
}

const toDownload = (r: DownloadRow): DownloadRecord => ({
  info: {
    downloadId: r.id,
    uri: r.uri,
    fileName: r.file_name,
    state: r.state,
    receivedBytes: r.received_bytes,
    totalBytes: r.total_bytes,
    bytesPerSecond: 0,
    error: r.error ? (JSON.parse(r.error) as ApiErrorData) : null,
    modelId: r.model_id,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
  },
  url: r.url,
  expectedSha256: r.expected_sha256,
  activate: r.activate === 1,
});

export class DownloadsStore {
  constructor(private readonly db: Db) {}

  list(): DownloadRecord[] {
    return (this.db.prepare('SELECT * FROM model_downloads ORDER BY started_at DESC, rowid DESC').all() as DownloadRow[]).map(toDownload);
  }

  get(id: string): DownloadRecord | undefined {
    const r = this.db.prepare('SELECT * FROM model_downloads WHERE id = ?').get(id) as DownloadRow | undefined;
    return r && toDownload(r);
  }

  create(
    d: { uri: string; fileName: string; totalBytes: number | null; expectedSha256: string | null; activate: boolean },
    now = Date.now(),
  ): DownloadRecord {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO model_downloads (id, uri, file_name, state, total_bytes, expected_sha256, activate, started_at, updated_at)
         VALUES (?, ?, ?, 'downloading', ?, ?, ?, ?, ?)`,
      )
      .run(id, d.uri, d.fileName, d.totalBytes, d.expectedSha256, d.activate ? 1 : 0, now, now);
    return this.get(id)!;
  }

  update(
    id: string,
    patch: Partial<{
      url: string;
      fileName: string;
      state: DownloadState;
      receivedBytes: number;
      totalBytes: number | null;
      expectedSha256: string | null;
      error: ApiErrorData | null;
      modelId: string | null;
    }>,
    now = Date.now(),
  ): DownloadRecord | undefined {
    const cur = this.db.prepare('SELECT * FROM model_downloads WHERE id = ?').get(id) as DownloadRow | undefined;
    if (!cur) return undefined;
    this.db
      .prepare(
        `UPDATE model_downloads SET url = ?, file_name = ?, state = ?, received_bytes = ?, total_bytes = ?, expected_sha256 = ?, error = ?, model_id = ?, updated_at = ?
         WHERE id = ?`,
      )
      .run(
        patch.url ?? cur.url,
        patch.fileName ?? cur.file_name,
        patch.state ?? cur.state,
        patch.receivedBytes ?? cur.received_bytes,
        patch.totalBytes !== undefined ? patch.totalBytes : cur.total_bytes,
        patch.expectedSha256 !== undefined ? patch.expectedSha256 : cur.expected_sha256,
        patch.error !== undefined ? (patch.error ? JSON.stringify(patch.error) : null) : cur.error,
        patch.modelId !== undefined ? patch.modelId : cur.model_id,
        now,
        id,
      );
    return this.get(id);
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM model_downloads WHERE id = ?').run(id).changes > 0;
  }

  /** At startup: downloads that were running when the app stopped become paused (resumable). */
  pauseRunning(): number {
    return this.db.prepare("UPDATE model_downloads SET state = 'paused' WHERE state IN ('downloading', 'verifying')").run().changes;
  }
}
