// Inspector runs in SQLite (tables from migration 004): each activation or gradient run's result as
// JSON, minus its large numeric arrays, which go to inspect_arrays as float32 BLOBs. Reading a run back
// gives exactly what the job returned: the service hands out the stored form (see ./service.ts), so a
// run shows the same numbers before and after a restart.
import type { Db } from '../store/database.ts';
import type { AdapterChoice, AppliedAdapter, GradientResult, InspectRun, RunListItem, StoredRun, StoredRunKind } from '../api/inspect.ts';

/** Attention maps are stored when all of a run's [H, T, T] maps fit in this many bytes (T ≲ 240 on 270M). */
export const MAX_STORED_ATTENTION_BYTES = 16 * 1024 ** 2;
/**
 * All runs' stored attention maps together stay below this: past it the oldest runs lose theirs (their
 * attention view then asks the engine, which computes the run again). Keeps the database small.
 */
export const ATTENTION_BUDGET_BYTES = 256 * 1024 ** 2;
/** Older runs are deleted past this many. */
export const KEEP_STORED_RUNS = 200;

/** A float32 array with its row-major shape. */
export interface StoredArray {
  shape: number[];
  data: Float32Array;
}

interface RunRow {
  id: string;
  kind: StoredRunKind;
  model_path: string;
  prompt: string;
  target: string;
  add_bos: number;
  token_count: number;
  headline: string;
  created_at: number;
  summary: string;
}

export class InspectRunStore {
  constructor(
    private readonly db: Db,
    private readonly limits: { attentionBudgetBytes?: number } = {},
  ) {}

  /**
   * Stores an activation run (and its attention maps, per layer [H, T, T], when given) and returns
   * the run as it reads back: residual norms rounded to float32.
   */
  saveActivations(run: InspectRun, addBos: boolean, attention: Float32Array[] | null, createdAt = Date.now()): InspectRun {
    const { residualNorms, ...rest } = run;
    const arrays = new Map<string, StoredArray>([['residualNorms', pack2d(residualNorms)]]);
    attention?.forEach((data, layer) =>
      arrays.set(`attention.${layer}`, { shape: [run.model.heads, run.tokens.length, run.tokens.length], data }),
    );
    const top = run.next[0];
    this.insert(
      {
        id: run.runId,
        kind: 'activations',
        model_path: run.model.path,
        prompt: run.prompt,
        target: '',
        add_bos: addBos ? 1 : 0,
        token_count: run.tokens.length,
        headline: top ? `next ${JSON.stringify(top.text)} ${(top.prob * 100).toFixed(1)}%` : '',
        created_at: createdAt,
        summary: JSON.stringify(rest),
      },
      arrays,
    );
    return this.activations(run.runId)!;
  }

  /** Stores a gradient run; returns it as it reads back (norms and attributions rounded to float32). */
  saveGradients(result: GradientResult, addBos: boolean, createdAt = Date.now()): GradientResult {
    const { residualNorm, perLayer, attribution, ...rest } = result;
    const arrays = new Map<string, StoredArray>([
      ['residualNorm', pack1d(residualNorm)],
      ['perLayer', pack1d(perLayer)],
      ['attribution.gradXInput', pack1d(attribution.map((a) => a.gradXInput))],
      ['attribution.gradNorm', pack1d(attribution.map((a) => a.gradNorm))],
    ]);
    this.insert(
      {
        id: result.runId,
        kind: 'gradients',
        model_path: result.model.path,
        prompt: result.prompt,
        target: result.target,
        add_bos: addBos ? 1 : 0,
        token_count: result.tokens.length,
        headline: `loss ${result.loss.toFixed(4)}`,
        created_at: createdAt,
        summary: JSON.stringify(rest),
      },
      arrays,
    );
    return this.gradients(result.runId)!;
  }

  list(limit = 50): RunListItem[] {
    const rows = this.db
      .prepare(
        'SELECT id, kind, model_path, prompt, target, token_count, headline, created_at FROM inspect_runs ORDER BY created_at DESC, rowid DESC LIMIT ?',
      )
      .all(limit) as Omit<RunRow, 'summary'>[];
    return rows.map((r) => ({
      runId: r.id,
      kind: r.kind,
      prompt: r.prompt,
      target: r.target,
      modelPath: r.model_path,
      tokenCount: r.token_count,
      createdAt: r.created_at,
      headline: r.headline,
    }));
  }

  get(runId: string): StoredRun | null {
    const kind = (this.db.prepare('SELECT kind FROM inspect_runs WHERE id = ?').get(runId) as { kind: StoredRunKind } | undefined)?.kind;
    if (kind === 'activations') return { kind, run: this.activations(runId)! };
    if (kind === 'gradients') return { kind, run: this.gradients(runId)! };
    return null;
  }

  /** What the engine needs to recompute a run it no longer holds. */
  source(
    runId: string,
  ): { kind: StoredRunKind; modelPath: string; prompt: string; target: string; addBos: boolean; adapter?: AdapterChoice } | null {
    const row = this.db.prepare('SELECT kind, model_path, prompt, target, add_bos, summary FROM inspect_runs WHERE id = ?').get(runId) as
      RunRow | undefined;
    if (!row) return null;
    // the adapter a run was computed with is part of its result (summary); it is applied again on recompute
    const applied = (JSON.parse(row.summary) as { adapter?: AppliedAdapter | null }).adapter;
    return {
      kind: row.kind,
      modelPath: row.model_path,
      prompt: row.prompt,
      target: row.target,
      addBos: row.add_bos === 1,
      ...(applied ? { adapter: { path: applied.path, scale: applied.scale } } : {}),
    };
  }

  /** One head's stored attention map [T, T], or null when the run's maps were not stored. */
  attention(runId: string, layer: number, head: number): Float32Array | null {
    const a = this.array(runId, `attention.${layer}`);
    if (!a) return null;
    const [H, T] = a.shape;
    if (head >= H) return null;
    return a.data.slice(head * T * T, (head + 1) * T * T);
  }

  delete(runId: string): boolean {
    return this.db.prepare('DELETE FROM inspect_runs WHERE id = ?').run(runId).changes > 0;
  }

  private activations(runId: string): InspectRun | null {
    const row = this.row(runId, 'activations');
    if (!row) return null;
    const norms = this.array(runId, 'residualNorms')!;
    return { ...(JSON.parse(row.summary) as Omit<InspectRun, 'residualNorms'>), residualNorms: unpack2d(norms) };
  }

  private gradients(runId: string): GradientResult | null {
    const row = this.row(runId, 'gradients');
    if (!row) return null;
    const rest = JSON.parse(row.summary) as Omit<GradientResult, 'residualNorm' | 'perLayer' | 'attribution'>;
    const gx = this.array(runId, 'attribution.gradXInput')!.data;
    const gn = this.array(runId, 'attribution.gradNorm')!.data;
    return {
      ...rest,
      residualNorm: Array.from(this.array(runId, 'residualNorm')!.data),
      perLayer: Array.from(this.array(runId, 'perLayer')!.data),
      attribution: rest.tokens.map((t, position) => ({ position, token: t.id, gradXInput: gx[position], gradNorm: gn[position] })),
    };
  }

  private row(runId: string, kind: StoredRunKind): RunRow | undefined {
    return this.db.prepare('SELECT * FROM inspect_runs WHERE id = ? AND kind = ?').get(runId, kind) as RunRow | undefined;
  }

  private array(runId: string, name: string): StoredArray | null {
    const r = this.db.prepare('SELECT shape, data FROM inspect_arrays WHERE run_id = ? AND name = ?').get(runId, name) as
      { shape: string; data: Buffer } | undefined;
    if (!r) return null;
    // Copy into a fresh, 4-byte-aligned buffer (a BLOB's Buffer may sit at any offset of a shared pool).
    const bytes = new Uint8Array(r.data.byteLength);
    bytes.set(r.data);
    return { shape: JSON.parse(r.shape) as number[], data: new Float32Array(bytes.buffer) };
  }

  private insert(row: RunRow, arrays: Map<string, StoredArray>): void {
    const insertRun = this.db.prepare(
      'INSERT INTO inspect_runs (id, kind, model_path, prompt, target, add_bos, token_count, headline, created_at, summary) VALUES (@id, @kind, @model_path, @prompt, @target, @add_bos, @token_count, @headline, @created_at, @summary)',
    );
    const insertArray = this.db.prepare('INSERT INTO inspect_arrays (run_id, name, shape, data) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM inspect_runs WHERE id = ?').run(row.id); // a run saved again replaces the old one and its arrays
      insertRun.run(row);
      for (const [name, a] of arrays) {
        if (a.data.length !== a.shape.reduce((n, d) => n * d, 1))
          throw new RangeError(`array ${name}: ${a.data.length} values for shape [${a.shape.join(', ')}]`);
        insertArray.run(row.id, name, JSON.stringify(a.shape), Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength));
      }
      this.db
        .prepare(
          'DELETE FROM inspect_runs WHERE id IN (SELECT id FROM inspect_runs ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?)',
        )
        .run(KEEP_STORED_RUNS);
      this.db
        .prepare(
          `
        WITH per_run AS (
          SELECT r.id, r.created_at, r.rowid AS rid, SUM(length(a.data)) AS bytes
          FROM inspect_runs r JOIN inspect_arrays a ON a.run_id = r.id
          WHERE a.name LIKE 'attention.%' GROUP BY r.id
        ), newest_first AS (
          SELECT id, SUM(bytes) OVER (ORDER BY created_at DESC, rid DESC) AS running FROM per_run
        )
        DELETE FROM inspect_arrays WHERE name LIKE 'attention.%' AND run_id IN (SELECT id FROM newest_first WHERE running > ?)
      `,
        )
        .run(this.limits.attentionBudgetBytes ?? ATTENTION_BUDGET_BYTES);
    })();
  }
}

function pack1d(xs: readonly number[]): StoredArray {
  return { shape: [xs.length], data: Float32Array.from(xs) };
}

function pack2d(rows: readonly (readonly number[])[]): StoredArray {
  const cols = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== cols)) throw new RangeError('ragged rows cannot be stored as one array');
  const data = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r, i * cols));
  return { shape: [rows.length, cols], data };
}

function unpack2d(a: StoredArray): number[][] {
  const [rows, cols] = a.shape;
  return Array.from({ length: rows }, (_, i) => Array.from(a.data.subarray(i * cols, (i + 1) * cols)));
}
