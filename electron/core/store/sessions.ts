// chat_sessions table.
import { randomUUID } from 'node:crypto';
import type { ChatSession } from '../api/sessions.ts';
import type { Db } from './database.ts';

interface Row {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  message_count: number;
}

const toSession = (r: Row): ChatSession => ({
  id: r.id,
  title: r.title,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  messageCount: r.message_count,
});

const SELECT = `SELECT s.id, s.title, s.created_at, s.updated_at,
  (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id) AS message_count
  FROM chat_sessions s`;

export class SessionsStore {
  constructor(private readonly db: Db) {}

  list(): ChatSession[] {
    return (this.db.prepare(`${SELECT} ORDER BY s.updated_at DESC, s.created_at DESC`).all() as Row[]).map(toSession);
  }

  get(id: string): ChatSession | undefined {
    const row = this.db.prepare(`${SELECT} WHERE s.id = ?`).get(id) as Row | undefined;
    return row && toSession(row);
  }

  create(title: string, now = Date.now()): ChatSession {
    const id = randomUUID();
    this.db.prepare('INSERT INTO chat_sessions (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, title, now, now);
    return this.get(id)!;
  }

  /** Returns false if no such session. */
  rename(id: string, title: string, now = Date.now()): boolean {
    return this.db.prepare('UPDATE chat_sessions SET title = ?, updated_at = ? WHERE id = ?').run(title, now, id).changes > 0;
  }

  /** Deletes the session and (by cascade) its messages. Returns false if no such session. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM chat_sessions WHERE id = ?').run(id).changes > 0;
  }

  touch(id: string, now = Date.now()): void {
    this.db.prepare('UPDATE chat_sessions SET updated_at = ? WHERE id = ?').run(now, id);
  }
}
