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
export const sessionTitle = z
  .string()
  .trim()
  .min(1, 'title must not be empty')
  .max(200, 'title must be at most 200 characters');

export const sessionsMethods = {
  /** Most recently updated first. */
  list: method(z.object({}).strict()).returns<ChatSession[]>(),
  create: method(z.object({ title: sessionTitle.optional() }).strict()).returns<ChatSession>(),
  rename: method(z.object({ id: sessionId, title: sessionTitle }).strict()).returns<ChatSession>(),
  delete: method(z.object({ id: sessionId }).strict()).returns<{ deleted: true }>(),
};

export const sessionsEvents = {
  /** Any session was created, renamed or deleted (by this window or another client). */
  changed: event<{ sessions: ChatSession[] }>(),
};
