// chat_sessions table.
import { randomUUID } from 'node:crypto';
import type { ChatSession, SessionPage } from '../api/sessions.ts';
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

const ORDER = 'ORDER BY s.updated_at DESC, s.created_at DESC, s.id DESC';

/** A cursor names the last session of a page by its sort key; the next page starts strictly after it. */
const encodeCursor = (s: ChatSession) => `${s.updatedAt}.${s.createdAt}.${s.id}`;
function decodeCursor(cursor: string): [number, number, string] | null {
  const m = /^(\d{1,16})\.(\d{1,16})\.(.+)$/s.exec(cursor);
  return m ? [Number(m[1]), Number(m[2]), m[3]] : null;
}

export class BadCursorError extends Error {}

export class SessionsStore {
  constructor(private readonly db: Db) {}

  list(): ChatSession[] {
    return (this.db.prepare(`${SELECT} ${ORDER}`).all() as Row[]).map(toSession);
  }

  /** Keyset paging over the updated_at index: the cost of a page does not grow with the pages before it. */
  page(limit: number, cursor?: string): SessionPage {
    let rows: Row[];
    if (cursor === undefined) {
      rows = this.db.prepare(`${SELECT} ${ORDER} LIMIT ?`).all(limit + 1) as Row[];
    } else {
      const key = decodeCursor(cursor);
      if (!key) throw new BadCursorError('this cursor was not given by sessions.page');
      rows = this.db
        .prepare(`${SELECT} WHERE (s.updated_at, s.created_at, s.id) < (?, ?, ?) ${ORDER} LIMIT ?`)
        .all(...key, limit + 1) as Row[];
    }
    const sessions = rows.slice(0, limit).map(toSession);
    return { sessions, nextCursor: rows.length > limit ? encodeCursor(sessions[sessions.length - 1]) : null };
  }

  get(id: string): ChatSession | undefined {
    const row = this.db.prepare(`${SELECT} WHERE s.id = ?`).get(id) as Row | undefined;
    return row && toSession(row);
  }

  /** `initial`: the system prompt and sampling it starts with (the app defaults), written with it. */
  create(title: string, now = Date.now(), initial?: { systemPrompt: string; sampling: object }): ChatSession {
    const id = randomUUID();
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO chat_sessions (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, title, now, now);
      if (initial)
        this.db
          .prepare('INSERT INTO chat_session_state (session_id, system_prompt, sampling) VALUES (?, ?, ?)')
          .run(id, initial.systemPrompt, JSON.stringify(initial.sampling));
    })();
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
