import type { Migration } from './types.ts';

// Documents and playground runs (issue 13). Numbered 005 because 004 is being written on another
// branch at the same time; `version` is its position in the list here and becomes 5 when 004 lands.
// - documents: extracted text of dropped/picked files, one row per distinct content (sha256).
// - documents_fts: full-text index over name and text (FTS5, external content, kept by triggers).
// - playground_runs: a tagging, summarization or compare run: its config, status and result (JSON).
// - playground_items: a run's items (tagged texts, summary chunks, compare cells), each with its output.
export const migration: Migration = {
  version: 7,
  name: 'playground',
  up(db) {
    db.exec(`
      CREATE TABLE documents (
        id             TEXT PRIMARY KEY,
        name           TEXT NOT NULL,
        kind           TEXT NOT NULL CHECK (kind IN ('text', 'markdown', 'code', 'pdf', 'docx', 'html')),
        size_bytes     INTEGER NOT NULL,
        sha256         TEXT NOT NULL UNIQUE,
        text           TEXT NOT NULL,
        pages          INTEGER NOT NULL DEFAULT 0,
        sections       INTEGER NOT NULL DEFAULT 1,
        encoding       TEXT,
        replaced_chars INTEGER NOT NULL DEFAULT 0,
        warnings       TEXT NOT NULL DEFAULT '[]', -- JSON string[]
        added_at       INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX documents_added ON documents (added_at);

      CREATE VIRTUAL TABLE documents_fts USING fts5 (name, text, content = 'documents', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2');
      CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts (rowid, name, text) VALUES (new.rowid, new.name, new.text);
      END;
      CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts (documents_fts, rowid, name, text) VALUES ('delete', old.rowid, old.name, old.text);
      END;
      CREATE TRIGGER documents_fts_update AFTER UPDATE OF name, text ON documents BEGIN
        INSERT INTO documents_fts (documents_fts, rowid, name, text) VALUES ('delete', old.rowid, old.name, old.text);
        INSERT INTO documents_fts (rowid, name, text) VALUES (new.rowid, new.name, new.text);
      END;

      CREATE TABLE playground_runs (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('tag', 'summarize', 'compare')),
        title       TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'cancelled', 'interrupted')),
        config      TEXT NOT NULL,          -- JSON RunConfig
        document_id TEXT REFERENCES documents (id) ON DELETE SET NULL,
        result      TEXT,                   -- JSON RunResult
        partial     TEXT,                   -- summarize: the final summary as streamed so far
        error       TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX playground_runs_created ON playground_runs (kind, created_at);
      CREATE INDEX playground_runs_document ON playground_runs (document_id) WHERE document_id IS NOT NULL;

      CREATE TABLE playground_items (
        run_id  TEXT NOT NULL REFERENCES playground_runs (id) ON DELETE CASCADE,
        idx     INTEGER NOT NULL,
        col     INTEGER NOT NULL DEFAULT 0,
        input   TEXT NOT NULL,
        gold    TEXT,                       -- JSON string[]
        status  TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
        output  TEXT,                       -- JSON ItemOutput
        error   TEXT,
        PRIMARY KEY (run_id, idx, col)
      ) STRICT;
    `);
  },
};
