// messages table: the basic operations a chat needs. The chat service builds branching, streaming
// saves and search on top (adding its own migrations for e.g. FTS5).
import { randomUUID } from 'node:crypto';
import type { Db } from './database.ts';

export type MessageRole = 'system' | 'user' | 'assistant';
export type MessageStatus = 'streaming' | 'complete' | 'stopped' | 'error';

export interface StoredMessage {
  id: string;
  sessionId: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  createdAt: number;
  updatedAt: number;
  /** Parsed JSON of the token_probs column (shape owned by the chat service). */
  tokenProbs: unknown;
  meta: unknown;
}

interface Row {
  id: string;
  session_id: string;
  parent_id: string | null;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  created_at: number;
  updated_at: number;
  token_probs: string | null;
  meta: string | null;
}

const toMessage = (r: Row): StoredMessage => ({
  id: r.id,
  sessionId: r.session_id,
  parentId: r.parent_id,
  role: r.role,
  content: r.content,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  tokenProbs: r.token_probs === null ? null : (JSON.parse(r.token_probs) as unknown),
  meta: r.meta === null ? null : (JSON.parse(r.meta) as unknown),
});

const toJson = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

export class MessagesStore {
  constructor(private readonly db: Db) {}

  add(m: { sessionId: string; parentId: string | null; role: MessageRole; content: string; status?: MessageStatus; tokenProbs?: unknown; meta?: unknown }, now = Date.now()): StoredMessage {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO messages (id, session_id, parent_id, role, content, status, created_at, updated_at, token_probs, meta)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        m.sessionId,
        m.parentId,
        m.role,
        m.content,
        m.status ?? 'complete',
        now,
        now,
        toJson(m.tokenProbs),
        toJson(m.meta),
      );
    return this.get(id)!;
  }

  get(id: string): StoredMessage | undefined {
    const row = this.db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as Row | undefined;
    return row && toMessage(row);
  }

  /** All messages of a session (every branch), oldest first. */
  listBySession(sessionId: string): StoredMessage[] {
    return (this.db.prepare('SELECT * FROM messages WHERE session_id = ? ORDER BY created_at, rowid').all(sessionId) as Row[]).map(toMessage);
  }

  /** Saves the text (and status) of a message, e.g. the in-flight assistant reply every few hundred ms. */
  update(id: string, patch: { content?: string; status?: MessageStatus; tokenProbs?: unknown; meta?: unknown }, now = Date.now()): boolean {
    const current = this.get(id);
    if (!current) return false;
    this.db
      .prepare('UPDATE messages SET content = ?, status = ?, token_probs = ?, meta = ?, updated_at = ? WHERE id = ?')
      .run(
        patch.content ?? current.content,
        patch.status ?? current.status,
        toJson(patch.tokenProbs !== undefined ? patch.tokenProbs : current.tokenProbs),
        toJson(patch.meta !== undefined ? patch.meta : current.meta),
        now,
        id,
      );
    return true;
  }
}
