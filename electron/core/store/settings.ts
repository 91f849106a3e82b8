// settings table: one JSON value per key. Validation of values belongs to the settings service.
import type { Db } from './database.ts';

export class SettingsStore {
  constructor(private readonly db: Db) {}

  getAll(): Map<string, unknown> {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    return new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  }

  set(key: string, value: unknown): void {
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), Date.now());
  }
}
