// Opens the one SQLite file of the app: WAL for concurrent readers, foreign keys on, and
// synchronous=FULL so a committed message survives a power cut (WAL's default NORMAL may lose the
// last commits). Then migrates to the latest schema.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrate.ts';

export type Db = Database.Database;

export function openDatabase(path: string, options: { migrate?: boolean } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (options.migrate !== false) migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
