// model_checks, speed_runs and embedding_vectors: what the lab measured, kept across restarts.
import { randomUUID } from 'node:crypto';
import type { MachineInfo, ModelCheckResult, SpeedResult, SpeedRun, StoredCheck } from '../api/lab.ts';
import type { Db } from './database.ts';

interface CheckRow {
  id: string;
  model_id: string | null;
  model_path: string;
  model_name: string;
  quantization: string;
  created_at: number;
  ok: number;
  headline: string;
  result: string;
}

const toCheck = (r: CheckRow): StoredCheck => ({
  id: r.id,
  modelId: r.model_id,
  modelPath: r.model_path,
  modelName: r.model_name,
  quantization: r.quantization,
  createdAt: r.created_at,
  ok: r.ok === 1,
  headline: r.headline,
  result: JSON.parse(r.result) as ModelCheckResult,
});

export class ChecksStore {
  constructor(private readonly db: Db) {}

  add(
    c: { modelId: string | null; modelPath: string; modelName: string; quantization: string; result: ModelCheckResult },
    now = Date.now(),
  ): StoredCheck {
    const id = randomUUID();
    this.db
      .prepare(
        'INSERT INTO model_checks (id, model_id, model_path, model_name, quantization, created_at, ok, headline, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        id,
        c.modelId,
        c.modelPath,
        c.modelName,
        c.quantization,
        now,
        c.result.verdict.ok ? 1 : 0,
        c.result.verdict.headline,
        JSON.stringify(c.result),
      );
    return this.get(id)!;
  }

  get(id: string): StoredCheck | undefined {
    const r = this.db.prepare('SELECT * FROM model_checks WHERE id = ?').get(id) as CheckRow | undefined;
    return r && toCheck(r);
  }

  /** The newest check of the model file at `path`, if any. */
  latest(path: string): StoredCheck | undefined {
    const r = this.db.prepare('SELECT * FROM model_checks WHERE model_path = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(path) as
      CheckRow | undefined;
    return r && toCheck(r);
  }
}

interface SpeedRow {
  id: string;
  created_at: number;
  model_name: string;
  quantization: string;
  machine: string;
  results: string;
  imported: number;
}

const toSpeed = (r: SpeedRow): SpeedRun => ({
  id: r.id,
  createdAt: r.created_at,
  modelName: r.model_name,
  quantization: r.quantization,
  machine: JSON.parse(r.machine) as MachineInfo,
  results: JSON.parse(r.results) as SpeedResult[],
  imported: r.imported === 1,
});

export class SpeedRunsStore {
  constructor(private readonly db: Db) {}

  add(run: Omit<SpeedRun, 'id'>): SpeedRun {
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO speed_runs (id, created_at, model_name, quantization, machine, results, imported) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(
        id,
        run.createdAt,
        run.modelName,
        run.quantization,
        JSON.stringify(run.machine),
        JSON.stringify(run.results),
        run.imported ? 1 : 0,
      );
    return this.get(id)!;
  }

  get(id: string): SpeedRun | undefined {
    const r = this.db.prepare('SELECT * FROM speed_runs WHERE id = ?').get(id) as SpeedRow | undefined;
    return r && toSpeed(r);
  }

  list(): SpeedRun[] {
    return (this.db.prepare('SELECT * FROM speed_runs ORDER BY created_at DESC, rowid DESC').all() as SpeedRow[]).map(toSpeed);
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM speed_runs WHERE id = ?').run(id).changes > 0;
  }
}

export class EmbeddingCache {
  constructor(private readonly db: Db) {}

  get(modelPath: string, method: string, textHash: string): Float32Array | undefined {
    const r = this.db
      .prepare('SELECT vector FROM embedding_vectors WHERE model_path = ? AND method = ? AND text_hash = ?')
      .get(modelPath, method, textHash) as { vector: Buffer } | undefined;
    if (!r) return undefined;
    return new Float32Array(r.vector.buffer.slice(r.vector.byteOffset, r.vector.byteOffset + r.vector.byteLength));
  }

  put(modelPath: string, method: string, textHash: string, vector: Float32Array, now = Date.now()): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO embedding_vectors (model_path, method, text_hash, dims, vector, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(modelPath, method, textHash, vector.length, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength), now);
  }
}
