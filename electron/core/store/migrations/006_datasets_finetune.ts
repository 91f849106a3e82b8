import type { Migration } from './types.ts';

// Datasets and fine-tuning:
// - datasets + dataset_rows: rows are chat turns (JSON messages; the loss is on the last assistant
//   message), each in the train or validation split; `position` keeps the user's order.
// - finetune_runs: one training run, its full configuration (JSON) and status; metrics per step and
//   per evaluation in finetune_metrics; checkpoints on disk, their path and step recorded here.
// - adapters: exported/trained adapters on disk (GGUF for llama.cpp, PEFT folder), by run.
// NOTE for the merge: `version` must equal this migration's position in index.ts (written as 4 on the
// finetune branch, where 004 and 005 do not exist yet).
export const migration: Migration = {
  version: 6,
  name: 'datasets_finetune',
  up(db) {
    db.exec(`
      CREATE TABLE datasets (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        tokenizer   TEXT                   -- JSON {model, fingerprint}: the tokenizer its statistics were computed with
      ) STRICT;
      CREATE TABLE dataset_rows (
        id          TEXT PRIMARY KEY,
        dataset_id  TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        split       TEXT NOT NULL DEFAULT 'train' CHECK (split IN ('train', 'validation')),
        messages    TEXT NOT NULL,         -- JSON [{role, content}]
        source      TEXT,                  -- where it came from: import file, chat session, manual
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX dataset_rows_order ON dataset_rows (dataset_id, position);

      CREATE TABLE finetune_runs (
        id              TEXT PRIMARY KEY,
        dataset_id      TEXT REFERENCES datasets (id) ON DELETE SET NULL,
        model_path      TEXT NOT NULL,
        config          TEXT NOT NULL,     -- JSON TrainConfig, the run's real configuration
        status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'stopped', 'cancelled', 'failed', 'interrupted')),
        stop_reason     TEXT,
        error           TEXT,
        step            INTEGER NOT NULL DEFAULT 0,
        total_steps     INTEGER NOT NULL DEFAULT 0,
        checkpoint_path TEXT,
        checkpoint_step INTEGER,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE finetune_metrics (
        run_id  TEXT NOT NULL REFERENCES finetune_runs (id) ON DELETE CASCADE,
        step    INTEGER NOT NULL,
        kind    TEXT NOT NULL CHECK (kind IN ('train', 'eval')),
        data    TEXT NOT NULL,             -- JSON StepMetrics or EvalMetrics
        PRIMARY KEY (run_id, kind, step)
      ) STRICT;
      CREATE TABLE adapters (
        id          TEXT PRIMARY KEY,
        run_id      TEXT REFERENCES finetune_runs (id) ON DELETE SET NULL,
        name        TEXT NOT NULL,
        model_path  TEXT NOT NULL,
        gguf_path   TEXT NOT NULL,
        peft_path   TEXT,
        rank        INTEGER NOT NULL,
        alpha       REAL NOT NULL,
        created_at  INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
