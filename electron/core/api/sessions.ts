// sessions.*: chat sessions (the list in Chat). Messages and streaming are added by the chat service.
import { z } from 'zod';
import { event, method } from './define.ts';

export interface ChatSession {
  id: string;
  title: string;
  /** Unix milliseconds. */
  createdAt: number;
  updatedAt: number;
  messageCount: number;
}

export const sessionId = z.string().min(1, 'session id is empty').max(100, 'session id is too long');
export const sessionTitle = z.string().trim().min(1, 'title must not be empty').max(200, 'title must be at most 200 characters');

/** One page of the session list and where the next starts (null: this was the last page). */
export interface SessionPage {
  sessions: ChatSession[];
  nextCursor: string | null;
}

/**
 * What changed, not the whole list: per-call cost stays independent of the number of chats.
 * 'upsert' carries the session as it is now (created, renamed, touched by a new message, imported).
 */
export type SessionChange = { kind: 'upsert'; session: ChatSession } | { kind: 'delete'; id: string };

/** The list order: most recently updated first, then newest created, then id (a total order, so pages never overlap). */
export function compareSessions(a: ChatSession, b: ChatSession): number {
  return b.updatedAt - a.updatedAt || b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export const sessionCursor = z.string().max(200, 'cursor is too long');

export const sessionsMethods = {
  /** Every session, most recently updated first. Prefer `page` for the UI: this grows with the number of chats. */
  list: method(z.object({}).strict()).returns<ChatSession[]>(),
  /** One page of `list` in the same order; pass `nextCursor` back as `cursor` for the next page. */
  page: method(
    z.object({ limit: z.number().int().min(1).max(500).default(100), cursor: sessionCursor.optional() }).strict(),
  ).returns<SessionPage>(),
  create: method(z.object({ title: sessionTitle.optional() }).strict()).returns<ChatSession>(),
  rename: method(z.object({ id: sessionId, title: sessionTitle }).strict()).returns<ChatSession>(),
  delete: method(z.object({ id: sessionId }).strict()).returns<{ deleted: true }>(),
};

export const sessionsEvents = {
  /** A session was created, renamed, touched or deleted (by this window or another client): only that session. */
  changed: event<SessionChange>(),
};
