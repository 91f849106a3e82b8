// Chat messages as the chat service sees them (tree, statuses, tokens, stats), per-session state
// (current leaf, system prompt, sampling) and full-text search. Built on the messages table of
// migration 002/003; the simpler MessagesStore (./messages.ts) reads the same rows.
import { randomUUID } from 'node:crypto';
import {
  defaultSampling,
  type ChatMessage,
  type MessageRole,
  type MessageStats,
  type MessageStatus,
  type Sampling,
  type SearchHit,
  type SessionConfig,
  type TokenProb,
} from '../api/chat.ts';
import type { Db } from './database.ts';
import { errorMessage } from '../api/errors.ts';

interface Row {
  rowid: number;
  id: string;
  session_id: string;
  parent_id: string | null;
  role: MessageRole;
  content: string;
  status: MessageStatus | 'error';
  created_at: number;
  updated_at: number;
  token_probs: string | null;
  meta: string | null;
}

interface Meta {
  stats?: MessageStats | null;
  error?: string | null;
}

function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null; // a damaged cell must not make the whole session unreadable
  }
}

export function toChatMessage(r: Row): ChatMessage {
  const meta = parseJson<Meta>(r.meta) ?? {};
  return {
    id: r.id,
    sessionId: r.session_id,
    parentId: r.parent_id,
    role: r.role,
    content: r.content,
    status: r.status === 'error' ? 'failed' : r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    tokens: parseJson<TokenProb[]>(r.token_probs),
    stats: meta.stats ?? null,
    error: meta.error ?? null,
  };
}

export interface NewMessage {
  id?: string;
  sessionId: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  status?: MessageStatus;
  tokens?: TokenProb[] | null;
  stats?: MessageStats | null;
  error?: string | null;
  createdAt?: number;
  updatedAt?: number;
}

export interface MessagePatch {
  content?: string;
  status?: MessageStatus;
  tokens?: TokenProb[] | null;
  stats?: MessageStats | null;
  error?: string | null;
}

/** FTS5 query syntax the user wrote on purpose: a quoted phrase, a boolean operator, a prefix star, a group. */
export const usesFtsSyntax = (query: string) => /["*()^]|\b(AND|OR|NOT|NEAR)\b/.test(query);

/** The query used FTS5 syntax that FTS5 did not understand (message: FTS5's own words). */
export class SearchSyntaxError extends Error {}

export class ChatStore {
  constructor(private readonly db: Db) {}

  // ── messages ──────────────────────────────────────────────────────────────────────────────────

  add(m: NewMessage, now = Date.now()): ChatMessage {
    const id = m.id ?? randomUUID();
    const meta: Meta = { stats: m.stats ?? null, error: m.error ?? null };
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
        m.createdAt ?? now,
        m.updatedAt ?? now,
        m.tokens ? JSON.stringify(m.tokens) : null,
        JSON.stringify(meta),
      );
    return this.get(id)!;
  }

  get(id: string): ChatMessage | undefined {
    const row = this.db.prepare('SELECT rowid, * FROM messages WHERE id = ?').get(id) as Row | undefined;
    return row && toChatMessage(row);
  }

  /** Every message of a session, oldest first (rowid breaks ties of equal timestamps). */
  list(sessionId: string): ChatMessage[] {
    return (this.db.prepare('SELECT rowid, * FROM messages WHERE session_id = ? ORDER BY created_at, rowid').all(sessionId) as Row[]).map(
      toChatMessage,
    );
  }

  /**
   * Role and text of the thread root → `leafId`, without the token/stats JSON (cheap for long
   * sessions: this is read before every reply).
   */
  threadText(leafId: string): { id: string; role: MessageRole; content: string }[] {
    return this.db
      .prepare(
        `WITH RECURSIVE up (id, parent_id, role, content, depth) AS (
           SELECT id, parent_id, role, content, 0 FROM messages WHERE id = ?
           UNION ALL
           SELECT m.id, m.parent_id, m.role, m.content, up.depth + 1 FROM messages m JOIN up ON m.id = up.parent_id
           WHERE up.depth < 1000000
         )
         SELECT id, role, content FROM up ORDER BY depth DESC`,
      )
      .all(leafId) as { id: string; role: MessageRole; content: string }[];
  }

  update(id: string, patch: MessagePatch, now = Date.now()): ChatMessage | undefined {
    const cur = this.get(id);
    if (!cur) return undefined;
    const meta: Meta = {
      stats: patch.stats !== undefined ? patch.stats : cur.stats,
      error: patch.error !== undefined ? patch.error : cur.error,
    };
    const tokens = patch.tokens !== undefined ? patch.tokens : cur.tokens;
    this.db
      .prepare('UPDATE messages SET content = ?, status = ?, token_probs = ?, meta = ?, updated_at = ? WHERE id = ?')
      .run(patch.content ?? cur.content, patch.status ?? cur.status, tokens ? JSON.stringify(tokens) : null, JSON.stringify(meta), now, id);
    return this.get(id);
  }

  /** The periodic save of a reply being generated: text and tokens (already JSON), nothing re-read. */
  saveStreaming(id: string, content: string, tokensJson: string, now = Date.now()): void {
    this.db
      .prepare("UPDATE messages SET content = ?, token_probs = ?, updated_at = ? WHERE id = ? AND status = 'streaming'")
      .run(content, tokensJson, now, id);
  }

  /**
   * Deletes `id` and every message below it, deepest first, so each row goes by its own DELETE (the FTS
   * trigger fires for each; no foreign-key cascade is relied on). Returns the ids deleted. Call inside
   * a transaction.
   */
  deleteSubtree(id: string): string[] {
    const rows = this.db
      .prepare(
        `WITH RECURSIVE below (id, depth) AS (
           SELECT id, 0 FROM messages WHERE id = ?
           UNION ALL
           SELECT m.id, below.depth + 1 FROM messages m JOIN below ON m.parent_id = below.id
           WHERE below.depth < 1000000
         )
         SELECT id FROM below ORDER BY depth DESC`,
      )
      .all(id) as { id: string }[];
    const del = this.db.prepare('DELETE FROM messages WHERE id = ?');
    for (const r of rows) del.run(r.id);
    return rows.map((r) => r.id);
  }

  /** At startup: replies that were streaming when the app died are kept, marked 'interrupted'. */
  markStaleStreamingInterrupted(now = Date.now()): number {
    return this.db.prepare("UPDATE messages SET status = 'interrupted', updated_at = ? WHERE status = 'streaming'").run(now).changes;
  }

  // ── per-session state ─────────────────────────────────────────────────────────────────────────

  config(sessionId: string): SessionConfig {
    const row = this.db.prepare('SELECT system_prompt, sampling FROM chat_session_state WHERE session_id = ?').get(sessionId) as
      { system_prompt: string; sampling: string | null } | undefined;
    const sampling: Sampling = { ...defaultSampling, ...(parseJson<Partial<Sampling>>(row?.sampling ?? null) ?? {}) };
    return { systemPrompt: row?.system_prompt ?? '', sampling };
  }

  setConfig(sessionId: string, config: SessionConfig): void {
    this.ensureState(sessionId);
    this.db
      .prepare('UPDATE chat_session_state SET system_prompt = ?, sampling = ? WHERE session_id = ?')
      .run(config.systemPrompt, JSON.stringify(config.sampling), sessionId);
  }

  currentLeaf(sessionId: string): string | null {
    const row = this.db.prepare('SELECT current_leaf_id FROM chat_session_state WHERE session_id = ?').get(sessionId) as
      { current_leaf_id: string | null } | undefined;
    return row?.current_leaf_id ?? null;
  }

  setCurrentLeaf(sessionId: string, leafId: string | null): void {
    this.ensureState(sessionId);
    this.db.prepare('UPDATE chat_session_state SET current_leaf_id = ? WHERE session_id = ?').run(leafId, sessionId);
  }

  private ensureState(sessionId: string): void {
    this.db.prepare('INSERT INTO chat_session_state (session_id) VALUES (?) ON CONFLICT (session_id) DO NOTHING').run(sessionId);
  }

  // ── search ────────────────────────────────────────────────────────────────────────────────────

  /**
   * FTS5 over message text. Plain words are each matched as a quoted prefix; a query that uses FTS5
   * syntax ("a phrase", OR, NOT, AND, NEAR, prefix*, parentheses) is passed to FTS5 as written, and
   * syntax FTS5 does not understand throws SearchSyntaxError.
   */
  search(query: string, limit: number): SearchHit[] {
    let match: string;
    if (usesFtsSyntax(query)) match = query;
    else {
      const words = query.match(/[\p{L}\p{N}_]+/gu) ?? [];
      if (words.length === 0) return [];
      match = words.map((w) => `"${w}"*`).join(' ');
    }
    const run = () =>
      this.db
        .prepare(
          `SELECT m.id, m.session_id, m.role, m.created_at, s.title,
                snippet(messages_fts, 0, char(2), char(3), '…', 12) AS snippet
         FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid JOIN chat_sessions s ON s.id = m.session_id
         WHERE messages_fts MATCH ? ORDER BY bm25(messages_fts), m.created_at DESC LIMIT ?`,
        )
        .all(match, limit) as { id: string; session_id: string; role: MessageRole; created_at: number; title: string; snippet: string }[];
    let rows: ReturnType<typeof run>;
    try {
      rows = run();
    } catch (err) {
      // FTS5 reports query errors as SQLITE_ERROR with "fts5: …" or "no such column: …" (a word before ':').
      const message = errorMessage(err);
      if (/fts5|no such column|unterminated|syntax error/i.test(message)) throw new SearchSyntaxError(message);
      throw err;
    }
    return rows.map((r) => ({
      sessionId: r.session_id,
      sessionTitle: r.title,
      messageId: r.id,
      role: r.role,
      snippet: r.snippet,
      createdAt: r.created_at,
    }));
  }
}
