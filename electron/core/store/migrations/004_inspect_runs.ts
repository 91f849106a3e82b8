import type { Migration } from './types.ts';

// Inspector runs (activations and gradients) and their results, so they reopen after a restart:
// - inspect_runs: one row per run, its result as JSON without the large numeric arrays (summary).
// - inspect_arrays: those arrays (residual norms, attention maps, gradient norms) as little-endian
//   float32 BLOBs with their shape, not JSON numbers: 4 bytes a value, read back without parsing (the
//   42-token e2e prompt's attention maps: 169 kB as BLOBs, 312 kB as JSON even with half of them exact
//   zeros; dense values cost 10–20 bytes each as text). Deleting a run deletes its arrays.
export const migration: Migration = {
  version: 4,
  name: 'inspect_runs',
  up(db) {
    db.exec(`
      CREATE TABLE inspect_runs (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('activations', 'gradients')),
        model_path  TEXT NOT NULL,
        prompt      TEXT NOT NULL,
        target      TEXT NOT NULL DEFAULT '',
        add_bos     INTEGER NOT NULL DEFAULT 1,  -- how the prompt was tokenized, to recompute the run
        token_count INTEGER NOT NULL,
        headline    TEXT NOT NULL DEFAULT '',
        created_at  INTEGER NOT NULL,
        summary     TEXT NOT NULL      -- JSON: the result without the arrays in inspect_arrays
      ) STRICT;
      CREATE INDEX inspect_runs_created ON inspect_runs (created_at DESC);

      CREATE TABLE inspect_arrays (
        run_id TEXT NOT NULL REFERENCES inspect_runs (id) ON DELETE CASCADE,
        name   TEXT NOT NULL,          -- e.g. 'residualNorms', 'attention.3'
        shape  TEXT NOT NULL,          -- JSON array of dimensions, row-major
        data   BLOB NOT NULL,          -- float32, little-endian, product(shape) values
        PRIMARY KEY (run_id, name)
      ) STRICT;
    `);
  },
};
