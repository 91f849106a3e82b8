// datasets + dataset_rows tables. Every multi-row change is one transaction: an import either adds
// all its rows or none.
import { randomUUID } from 'node:crypto';
import type { DatasetRowData, DatasetSplit, DatasetSummary } from '../api/datasets.ts';
import type { Db } from '../store/database.ts';
import { rowProblem, type RowMessages } from './rows.ts';

interface InfoRow {
  id: string;
  name: string;
  created_at: number;
  updated_at: number;
  tokenizer: string | null;
  row_count: number;
  train_count: number;
  validation_count: number;
}

const SELECT = `SELECT d.id, d.name, d.created_at, d.updated_at, d.tokenizer,
  (SELECT COUNT(*) FROM dataset_rows r WHERE r.dataset_id = d.id) AS row_count,
  (SELECT COUNT(*) FROM dataset_rows r WHERE r.dataset_id = d.id AND r.split = 'train') AS train_count,
  (SELECT COUNT(*) FROM dataset_rows r WHERE r.dataset_id = d.id AND r.split = 'validation') AS validation_count
  FROM datasets d`;

const toInfo = (r: InfoRow): DatasetSummary => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  rowCount: r.row_count,
  trainCount: r.train_count,
  validationCount: r.validation_count,
  tokenizer: r.tokenizer ? JSON.parse(r.tokenizer) : null,
});

export class DatasetsStore {
  constructor(private readonly db: Db) {}

  list(): DatasetSummary[] {
    return (this.db.prepare(`${SELECT} ORDER BY d.updated_at DESC`).all() as InfoRow[]).map(toInfo);
  }

  get(id: string): DatasetSummary | undefined {
    const r = this.db.prepare(`${SELECT} WHERE d.id = ?`).get(id) as InfoRow | undefined;
    return r && toInfo(r);
  }

  create(name: string, now = Date.now()): DatasetSummary {
    const id = randomUUID();
    this.db.prepare('INSERT INTO datasets (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, name, now, now);
    return this.get(id)!;
  }

  rename(id: string, name: string): boolean {
    return this.db.prepare('UPDATE datasets SET name = ?, updated_at = ? WHERE id = ?').run(name, Date.now(), id).changes > 0;
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
  }

  rows(datasetId: string): DatasetRowData[] {
    return (
      this.db
        .prepare('SELECT id, position, split, messages, source FROM dataset_rows WHERE dataset_id = ? ORDER BY position')
        .all(datasetId) as { id: string; position: number; split: DatasetSplit; messages: string; source: string | null }[]
    ).map((r) => ({ ...r, messages: JSON.parse(r.messages) as RowMessages }));
  }

  /** Appends rows in one transaction; returns their ids. Refuses (adds nothing) if any row cannot train. */
  addRows(datasetId: string, rows: { messages: RowMessages; split?: DatasetSplit }[], source: string | null): string[] {
    rows.forEach((r, i) => {
      const p = rowProblem(r.messages);
      if (p) throw new Error(`row ${i + 1}: ${p}`);
    });
    const now = Date.now();
    const ids: string[] = [];
    this.db.transaction(() => {
      if (!this.get(datasetId)) throw new Error('no such dataset');
      let pos = (
        this.db.prepare('SELECT COALESCE(MAX(position), -1) AS p FROM dataset_rows WHERE dataset_id = ?').get(datasetId) as { p: number }
      ).p;
      const ins = this.db.prepare(
        'INSERT INTO dataset_rows (id, dataset_id, position, split, messages, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const r of rows) {
        const id = randomUUID();
        ins.run(id, datasetId, ++pos, r.split ?? 'train', JSON.stringify(r.messages), source, now, now);
        ids.push(id);
      }
      this.touch(datasetId, now);
    })();
    return ids;
  }

  updateRow(datasetId: string, rowId: string, patch: { messages?: RowMessages; split?: DatasetSplit }): boolean {
    if (patch.messages) {
      const p = rowProblem(patch.messages);
      if (p) throw new Error(p);
    }
    const now = Date.now();
    const r = this.db
      .prepare(
        `UPDATE dataset_rows SET messages = COALESCE(?, messages), split = COALESCE(?, split), updated_at = ?
      WHERE id = ? AND dataset_id = ?`,
      )
      .run(patch.messages ? JSON.stringify(patch.messages) : null, patch.split ?? null, now, rowId, datasetId);
    if (r.changes) this.touch(datasetId, now);
    return r.changes > 0;
  }

  deleteRows(datasetId: string, rowIds: string[]): number {
    let n = 0;
    this.db.transaction(() => {
      const del = this.db.prepare('DELETE FROM dataset_rows WHERE id = ? AND dataset_id = ?');
      for (const id of rowIds) n += del.run(id, datasetId).changes;
      this.touch(datasetId, Date.now());
    })();
    return n;
  }

  /** Sets every row's split at once (ids not listed go to train). */
  setValidation(datasetId: string, validationIds: Set<string>): void {
    this.db.transaction(() => {
      const upd = this.db.prepare('UPDATE dataset_rows SET split = ? WHERE id = ? AND dataset_id = ?');
      for (const r of this.rows(datasetId)) upd.run(validationIds.has(r.id) ? 'validation' : 'train', r.id, datasetId);
      this.touch(datasetId, Date.now());
    })();
  }

  setTokenizer(datasetId: string, tokenizer: { model: string; fingerprint: string }): void {
    this.db.prepare('UPDATE datasets SET tokenizer = ? WHERE id = ?').run(JSON.stringify(tokenizer), datasetId);
  }

  private touch(id: string, now: number): void {
    this.db.prepare('UPDATE datasets SET updated_at = ? WHERE id = ?').run(now, id);
  }
}
