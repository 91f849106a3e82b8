import type { Migration } from './types.ts';

// Chat and the model library:
// - messages gets two more statuses ('interrupted': the app died while it streamed, found at the next
//   start; 'failed': generation failed) and keeps 'error' readable as 'failed'. SQLite cannot change a
//   CHECK constraint in place, so the table is rebuilt (rowids kept: the FTS index refers to them).
// - chat_session_state: per session, the branch shown (current leaf), system prompt and sampling.
// - messages_fts: full-text index (FTS5, external content) kept in step by triggers.
// - models and model_downloads: the library and downloads that survive a restart (paused ones resume).
export const migration: Migration = {
  version: 3,
  name: 'chat_and_models',
  up(db) {
    db.exec(`
      CREATE TABLE messages_v3 (
        id          TEXT PRIMARY KEY,
        session_id  TEXT NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
        parent_id   TEXT REFERENCES messages_v3 (id) ON DELETE CASCADE,
        role        TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content     TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'complete'
                    CHECK (status IN ('streaming', 'complete', 'stopped', 'interrupted', 'failed', 'error')),
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        token_probs TEXT,
        meta        TEXT
      ) STRICT;
      INSERT INTO messages_v3 (rowid, id, session_id, parent_id, role, content, status, created_at, updated_at, token_probs, meta)
        SELECT rowid, id, session_id, parent_id, role, content, CASE status WHEN 'error' THEN 'failed' ELSE status END,
               created_at, updated_at, token_probs, meta
        FROM messages ORDER BY rowid;
      DROP TABLE messages;
      ALTER TABLE messages_v3 RENAME TO messages;
      CREATE INDEX messages_session ON messages (session_id, created_at);
      CREATE INDEX messages_parent ON messages (parent_id);
      CREATE INDEX messages_status ON messages (status) WHERE status = 'streaming';

      CREATE TABLE chat_session_state (
        session_id      TEXT PRIMARY KEY REFERENCES chat_sessions (id) ON DELETE CASCADE,
        current_leaf_id TEXT REFERENCES messages (id) ON DELETE SET NULL,
        system_prompt   TEXT NOT NULL DEFAULT '',
        sampling        TEXT                 -- JSON (partial; defaults fill the rest)
      ) STRICT;

      CREATE VIRTUAL TABLE messages_fts USING fts5 (content, content = 'messages', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2');
      INSERT INTO messages_fts (rowid, content) SELECT rowid, content FROM messages;
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
        INSERT INTO messages_fts (rowid, content) VALUES (new.rowid, new.content);
      END;

      CREATE TABLE models (
        id               TEXT PRIMARY KEY,
        name             TEXT NOT NULL,
        path             TEXT NOT NULL UNIQUE,
        architecture     TEXT NOT NULL,
        parameter_count  INTEGER NOT NULL,
        quantization     TEXT NOT NULL,
        context_length   INTEGER,
        size_bytes       INTEGER NOT NULL,
        sha256           TEXT,
        has_chat_template INTEGER NOT NULL,
        source           TEXT NOT NULL CHECK (source IN ('import', 'download')),
        source_uri       TEXT,
        added_at         INTEGER NOT NULL,
        active           INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE UNIQUE INDEX models_one_active ON models (active) WHERE active = 1;

      CREATE TABLE model_downloads (
        id              TEXT PRIMARY KEY,
        uri             TEXT NOT NULL,
        url             TEXT,                -- resolved download URL
        file_name       TEXT NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('downloading', 'paused', 'verifying', 'done', 'failed', 'cancelled')),
        received_bytes  INTEGER NOT NULL DEFAULT 0,
        total_bytes     INTEGER,
        expected_sha256 TEXT,
        activate        INTEGER NOT NULL DEFAULT 0,
        error           TEXT,                -- JSON ApiErrorData
        model_id        TEXT REFERENCES models (id) ON DELETE SET NULL,
        started_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
