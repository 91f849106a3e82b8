import type { Database } from 'better-sqlite3';

/** One schema step. `version` equals its position in the list (1-based) and the NNN of its file name. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
