// playground_runs + playground_items. Items are written as they finish (one short transaction each),
// so a run that dies keeps what it had; the final status and result are committed together.
import { randomUUID } from 'node:crypto';
import type { ItemOutput, RunConfig, RunItem, RunKind, RunResult, RunStatus, RunSummary, RunView } from '../api/playground.ts';
import type { Db } from './database.ts';

interface RunRow {
  id: string;
  kind: RunKind;
  title: string;
  status: RunStatus;
  config: string;
  document_id: string | null;
  result: string | null;
  partial: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
  item_count: number;
  done_count: number;
}

interface ItemRow {
  idx: number;
  col: number;
  input: string;
  gold: string | null;
  status: RunItem['status'];
  output: string | null;
  error: string | null;
}

const SELECT = `SELECT r.*, (SELECT COUNT(*) FROM playground_items i WHERE i.run_id = r.id) AS item_count,
  (SELECT COUNT(*) FROM playground_items i WHERE i.run_id = r.id AND i.status = 'done') AS done_count
  FROM playground_runs r`;

const toItem = (r: ItemRow): RunItem => ({
  index: r.idx,
  col: r.col,
  input: r.input,
  gold: r.gold === null ? null : (JSON.parse(r.gold) as string[]),
  status: r.status,
  output: r.output === null ? null : (JSON.parse(r.output) as ItemOutput),
  error: r.error,
});

export interface NewItem {
  index: number;
  col?: number;
  input: string;
  gold?: string[] | null;
}

export class PlaygroundStore {
  /** Job ids of runs this process is running (not persisted: a restarted app has none). */
  private readonly jobs = new Map<string, string>();

  constructor(private readonly db: Db) {}

  private toSummary(r: RunRow): RunSummary {
    return {
      id: r.id,
      kind: r.kind,
      title: r.title,
      status: r.status,
      documentId: r.document_id,
      itemCount: r.item_count,
      doneCount: r.done_count,
      error: r.error,
      jobId: this.jobs.get(r.id) ?? null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  /** Creates the run and its pending items in one transaction. */
  create(
    input: { kind: RunKind; title: string; config: RunConfig; documentId?: string | null; items: NewItem[] },
    now = Date.now(),
  ): RunSummary {
    const id = randomUUID();
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO playground_runs (id, kind, title, status, config, document_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(id, input.kind, input.title, 'running', JSON.stringify(input.config), input.documentId ?? null, now, now);
      const insert = this.db.prepare(
        "INSERT INTO playground_items (run_id, idx, col, input, gold, status) VALUES (?, ?, ?, ?, ?, 'pending')",
      );
      for (const it of input.items) insert.run(id, it.index, it.col ?? 0, it.input, it.gold ? JSON.stringify(it.gold) : null);
    })();
    return this.summary(id)!;
  }

  setJob(runId: string, jobId: string | null): void {
    if (jobId) this.jobs.set(runId, jobId);
    else this.jobs.delete(runId);
  }

  summary(id: string): RunSummary | undefined {
    const row = this.db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as RunRow | undefined;
    return row && this.toSummary(row);
  }

  list(kind: RunKind | undefined, limit: number): RunSummary[] {
    const rows = kind
      ? (this.db.prepare(`${SELECT} WHERE r.kind = ? ORDER BY r.created_at DESC, r.rowid DESC LIMIT ?`).all(kind, limit) as RunRow[])
      : (this.db.prepare(`${SELECT} ORDER BY r.created_at DESC, r.rowid DESC LIMIT ?`).all(limit) as RunRow[]);
    return rows.map((r) => this.toSummary(r));
  }

  view(id: string): RunView | undefined {
    const row = this.db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as RunRow | undefined;
    if (!row) return undefined;
    const items = (
      this.db
        .prepare('SELECT idx, col, input, gold, status, output, error FROM playground_items WHERE run_id = ? ORDER BY idx, col')
        .all(id) as ItemRow[]
    ).map(toItem);
    return {
      run: this.toSummary(row),
      config: JSON.parse(row.config) as RunConfig,
      items,
      result: row.result === null ? null : (JSON.parse(row.result) as RunResult),
      partial: row.partial,
    };
  }

  item(runId: string, index: number, col = 0): RunItem | undefined {
    const row = this.db
      .prepare('SELECT idx, col, input, gold, status, output, error FROM playground_items WHERE run_id = ? AND idx = ? AND col = ?')
      .get(runId, index, col) as ItemRow | undefined;
    return row && toItem(row);
  }

  /** Adds items to a running run (map-reduce learns its chunks once the text is tokenized). */
  addItems(runId: string, items: NewItem[], now = Date.now()): void {
    this.db.transaction(() => {
      const insert = this.db.prepare(
        "INSERT OR REPLACE INTO playground_items (run_id, idx, col, input, gold, status) VALUES (?, ?, ?, ?, ?, 'pending')",
      );
      for (const it of items) insert.run(runId, it.index, it.col ?? 0, it.input, it.gold ? JSON.stringify(it.gold) : null);
      this.touch(runId, now);
    })();
  }

  setItem(
    runId: string,
    index: number,
    col: number,
    patch: { status: RunItem['status']; output?: ItemOutput | null; error?: string | null },
    now = Date.now(),
  ): RunItem {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE playground_items SET status = ?, output = ?, error = ? WHERE run_id = ? AND idx = ? AND col = ?')
        .run(patch.status, patch.output ? JSON.stringify(patch.output) : null, patch.error ?? null, runId, index, col);
      this.touch(runId, now);
    })();
    return this.item(runId, index, col)!;
  }

  setPartial(runId: string, partial: string): void {
    this.db.prepare('UPDATE playground_runs SET partial = ? WHERE id = ?').run(partial, runId);
  }

  setConfig(runId: string, config: RunConfig): void {
    this.db.prepare('UPDATE playground_runs SET config = ? WHERE id = ?').run(JSON.stringify(config), runId);
  }

  /** Final state: status, result and error in one statement. Items still pending/running become failed unless complete. */
  finish(
    runId: string,
    status: Exclude<RunStatus, 'running'>,
    result: RunResult | null,
    error: string | null,
    now = Date.now(),
  ): RunSummary {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE playground_runs SET status = ?, result = ?, error = ?, updated_at = ? WHERE id = ?')
        .run(status, result ? JSON.stringify(result) : null, error, now, runId);
      if (status !== 'complete')
        this.db.prepare("UPDATE playground_items SET status = 'pending' WHERE run_id = ? AND status = 'running'").run(runId);
    })();
    this.jobs.delete(runId);
    return this.summary(runId)!;
  }

  delete(runId: string): boolean {
    return this.db.prepare('DELETE FROM playground_runs WHERE id = ?').run(runId).changes > 0;
  }

  /** At startup: runs left 'running' by a crash or kill become 'interrupted'. */
  markStaleRunningInterrupted(now = Date.now()): number {
    return this.db.transaction(() => {
      this.db.prepare("UPDATE playground_items SET status = 'pending' WHERE status = 'running'").run();
      return this.db
        .prepare(
          "UPDATE playground_runs SET status = 'interrupted', error = 'the app stopped while this run was going', updated_at = ? WHERE status = 'running'",
        )
        .run(now).changes;
    })();
  }

  private touch(runId: string, now: number): void {
    this.db.prepare('UPDATE playground_runs SET updated_at = ? WHERE id = ?').run(now, runId);
  }
}
