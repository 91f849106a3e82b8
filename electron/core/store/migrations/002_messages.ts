import type { Migration } from './types.ts';

// Messages form a tree per session: parent_id points at the message this one answers or follows,
// so editing a user message adds a sibling branch instead of overwriting history.
export const migration: Migration = {
  version: 2,
  name: 'messages',
  up(db) {
    db.exec(`
      CREATE TABLE messages (
        id          TEXT PRIMARY KEY,      -- uuid
        session_id  TEXT NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
        parent_id   TEXT REFERENCES messages (id) ON DELETE CASCADE,
        role        TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content     TEXT NOT NULL,
        -- 'streaming' while an assistant message is being generated (saved periodically),
        -- 'complete' once committed, 'stopped' if the user stopped it, 'error' if generation failed.
        status      TEXT NOT NULL DEFAULT 'complete' CHECK (status IN ('streaming', 'complete', 'stopped', 'error')),
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        token_probs TEXT,                  -- JSON: per generated token, its probability and top alternatives
        meta        TEXT                   -- JSON: timings (tokens/s, time to first token), sampling used
      ) STRICT;
      CREATE INDEX messages_session ON messages (session_id, created_at);
      CREATE INDEX messages_parent ON messages (parent_id);
    `);
  },
};
