// finetune_runs, finetune_metrics and adapters tables.
import { randomUUID } from 'node:crypto';
import type {
  AdapterInfo,
  FinetuneConfig,
  FinetuneEvalMetrics,
  FinetuneRun,
  FinetuneStatus,
  FinetuneStepMetrics,
} from '../api/finetune.ts';
import type { Db } from '../store/database.ts';

interface RunRow {
  id: string;
  dataset_id: string | null;
  model_path: string;
  config: string;
  status: FinetuneStatus;
  stop_reason: string | null;
  error: string | null;
  step: number;
  total_steps: number;
  checkpoint_path: string | null;
  checkpoint_step: number | null;
  created_at: number;
  updated_at: number;
}
interface AdapterRow {
  id: string;
  run_id: string | null;
  name: string;
  model_path: string;
  gguf_path: string;
  peft_path: string | null;
  rank: number;
  alpha: number;
  created_at: number;
}

const toAdapter = (a: AdapterRow): AdapterInfo => ({
  id: a.id,
  runId: a.run_id,
  name: a.name,
  modelPath: a.model_path,
  ggufPath: a.gguf_path,
  peftPath: a.peft_path,
  rank: a.rank,
  alpha: a.alpha,
  createdAt: a.created_at,
});

export class FinetuneStore {
  constructor(private readonly db: Db) {}

  private toRun(r: RunRow, jobId: string | null): FinetuneRun {
    const a = this.db.prepare('SELECT * FROM adapters WHERE run_id = ? ORDER BY created_at DESC LIMIT 1').get(r.id) as
      AdapterRow | undefined;
    return {
      id: r.id,
      datasetId: r.dataset_id,
      modelPath: r.model_path,
      config: JSON.parse(r.config) as FinetuneConfig,
      status: r.status,
      stopReason: r.stop_reason,
      error: r.error,
      step: r.step,
      totalSteps: r.total_steps,
      checkpointStep: r.checkpoint_step,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      jobId,
      adapter: a ? toAdapter(a) : null,
    };
  }

  create(datasetId: string, modelPath: string, config: FinetuneConfig): string {
    const id = randomUUID();
    const now = Date.now();
    this.db
      .prepare(
        `INSERT INTO finetune_runs (id, dataset_id, model_path, config, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'queued', ?, ?)`,
      )
      .run(id, datasetId, modelPath, JSON.stringify(config), now, now);
    return id;
  }

  get(id: string, jobId: string | null = null): FinetuneRun | undefined {
    const r = this.db.prepare('SELECT * FROM finetune_runs WHERE id = ?').get(id) as RunRow | undefined;
    return r && this.toRun(r, jobId);
  }

  list(jobOf: (id: string) => string | null): FinetuneRun[] {
    return (this.db.prepare('SELECT * FROM finetune_runs ORDER BY created_at DESC').all() as RunRow[]).map((r) =>
      this.toRun(r, jobOf(r.id)),
    );
  }

  update(
    id: string,
    patch: {
      status?: FinetuneStatus;
      stopReason?: string | null;
      error?: string | null;
      step?: number;
      totalSteps?: number;
      checkpointPath?: string;
      checkpointStep?: number;
    },
  ): void {
    const cur = this.db.prepare('SELECT * FROM finetune_runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!cur) return;
    this.db
      .prepare(
        `UPDATE finetune_runs SET status = ?, stop_reason = ?, error = ?, step = ?, total_steps = ?, checkpoint_path = ?, checkpoint_step = ?, updated_at = ? WHERE id = ?`,
      )
      .run(
        patch.status ?? cur.status,
        patch.stopReason !== undefined ? patch.stopReason : cur.stop_reason,
        patch.error !== undefined ? patch.error : cur.error,
        patch.step ?? cur.step,
        patch.totalSteps ?? cur.total_steps,
        patch.checkpointPath ?? cur.checkpoint_path,
        patch.checkpointStep ?? cur.checkpoint_step,
        Date.now(),
        id,
      );
  }

  /** Runs left 'running' by a process that died: marked interrupted at startup (their checkpoints remain). */
  markInterrupted(): void {
    this.db
      .prepare(`UPDATE finetune_runs SET status = 'interrupted', updated_at = ? WHERE status IN ('running', 'queued')`)
      .run(Date.now());
  }

  addStep(runId: string, m: FinetuneStepMetrics): void {
    this.db
      .prepare(`INSERT OR REPLACE INTO finetune_metrics (run_id, step, kind, data) VALUES (?, ?, 'train', ?)`)
      .run(runId, m.step, JSON.stringify(m));
  }

  addEval(runId: string, m: FinetuneEvalMetrics): void {
    this.db
      .prepare(`INSERT OR REPLACE INTO finetune_metrics (run_id, step, kind, data) VALUES (?, ?, 'eval', ?)`)
      .run(runId, m.step, JSON.stringify(m));
  }

  /** Metrics up to `upTo` (a resumed run drops what came after its checkpoint). */
  truncateMetrics(runId: string, upTo: number): void {
    this.db.prepare('DELETE FROM finetune_metrics WHERE run_id = ? AND step > ?').run(runId, upTo);
  }

  metrics(runId: string): { steps: FinetuneStepMetrics[]; evals: FinetuneEvalMetrics[] } {
    const rows = this.db.prepare('SELECT kind, data FROM finetune_metrics WHERE run_id = ? ORDER BY step').all(runId) as {
      kind: string;
      data: string;
    }[];
    return {
      steps: rows.filter((r) => r.kind === 'train').map((r) => JSON.parse(r.data) as FinetuneStepMetrics),
      evals: rows.filter((r) => r.kind === 'eval').map((r) => JSON.parse(r.data) as FinetuneEvalMetrics),
    };
  }

  addAdapter(a: Omit<AdapterInfo, 'id' | 'createdAt'>): AdapterInfo {
    const id = randomUUID();
    const now = Date.now();
    this.db
      .prepare(
        'INSERT INTO adapters (id, run_id, name, model_path, gguf_path, peft_path, rank, alpha, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(id, a.runId, a.name, a.modelPath, a.ggufPath, a.peftPath, a.rank, a.alpha, now);
    return { ...a, id, createdAt: now };
  }

  adapters(): AdapterInfo[] {
    return (this.db.prepare('SELECT * FROM adapters ORDER BY created_at DESC').all() as AdapterRow[]).map(toAdapter);
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM finetune_runs WHERE id = ?').run(id).changes > 0;
  }
}
