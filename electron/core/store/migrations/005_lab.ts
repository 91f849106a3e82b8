import type { Migration } from './types.ts';

// The lab: model checks (our engine against llama.cpp, stored with the model), speed-lab runs with
// the machine they ran on, and embedding vectors cached per model, method and text.
export const migration: Migration = {
  version: 5,
  name: 'lab',
  up(db) {
    db.exec(`
      CREATE TABLE model_checks (
        id            TEXT PRIMARY KEY,
        model_id      TEXT,                 -- the library entry (NULL once it is removed)
        model_path    TEXT NOT NULL,
        model_name    TEXT NOT NULL,
        quantization  TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        ok            INTEGER NOT NULL CHECK (ok IN (0, 1)),
        headline      TEXT NOT NULL,
        result        TEXT NOT NULL         -- JSON: ModelCheckResult
      ) STRICT;
      CREATE INDEX model_checks_model ON model_checks (model_path, created_at);

      CREATE TABLE speed_runs (
        id            TEXT PRIMARY KEY,
        created_at    INTEGER NOT NULL,
        model_name    TEXT NOT NULL,
        quantization  TEXT NOT NULL,
        machine       TEXT NOT NULL,        -- JSON: MachineInfo
        results       TEXT NOT NULL,        -- JSON: SpeedResult[]
        imported      INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1))
      ) STRICT;

      CREATE TABLE embedding_vectors (
        model_path    TEXT NOT NULL,
        method        TEXT NOT NULL,        -- 'llama' or 'engine:<layer>:<pooling>'
        text_hash     TEXT NOT NULL,        -- sha256 of the text
        dims          INTEGER NOT NULL,
        vector        BLOB NOT NULL,        -- Float32Array bytes
        created_at    INTEGER NOT NULL,
        PRIMARY KEY (model_path, method, text_hash)
      ) STRICT;
    `);
  },
};
