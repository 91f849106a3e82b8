import type { Migration } from './types.ts';

export const migration: Migration = {
  version: 1,
  name: 'settings_and_sessions',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,          -- JSON
        updated_at INTEGER NOT NULL        -- unix ms
      ) STRICT;

      CREATE TABLE chat_sessions (
        id         TEXT PRIMARY KEY,       -- uuid
        title      TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX chat_sessions_updated ON chat_sessions (updated_at DESC);
    `);
  },
};
