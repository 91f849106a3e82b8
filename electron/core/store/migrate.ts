// Applies numbered migrations. The schema version lives in SQLite's own `PRAGMA user_version`;
// each step runs in its own transaction, so a failing step leaves the database at the previous version.
import type { Database } from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations/index.ts';

export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings `db` up to `target` (default: latest). Returns the versions applied. */
export function migrate(db: Database, options: { migrations?: readonly Migration[]; target?: number } = {}): number[] {
  const list = options.migrations ?? allMigrations;
  list.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new SchemaError(`migration list is out of order: position ${i + 1} holds version ${m.version} (${m.name})`);
  });
  const latest = list.length;
  const target = options.target ?? latest;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new SchemaError(
      `database schema version ${current} is newer than this Glassbox knows (${latest}); it was written by a newer version of the app`,
    );
  }
  const applied: number[] = [];
  for (const m of list.slice(current, target)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}

export const latestSchemaVersion = allMigrations.length;
