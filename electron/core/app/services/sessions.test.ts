// sessions.*: keyset paging that matches the full list, and change events that carry only the
// session that changed (so their size does not grow with the number of chats).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiEvent } from '../../api/contract.ts';
import type { ChatSession, SessionPage } from '../../api/sessions.ts';
import { coreWithoutWorkers } from '../../llm/test-core.ts';

const core = coreWithoutWorkers('sessions');
after(() => core.close());

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await core.dispatch(method as never, input as never);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

test('pages walk the whole list in its order, without gaps or repeats, even with equal timestamps', async () => {
  // Same-millisecond creates are the normal case for a script; the id breaks the tie.
  const db = core.db;
  const insert = db.prepare('INSERT INTO chat_sessions (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)');
  for (let i = 0; i < 53; i++) insert.run(`p-${String(i).padStart(3, '0')}`, `Chat ${i}`, 1000 + (i % 3), 5000 + (i % 4));
  const all = await call<ChatSession[]>('sessions.list', {});
  const paged: ChatSession[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page: SessionPage = await call('sessions.page', cursor ? { limit: 10, cursor } : { limit: 10 });
    assert.ok(page.sessions.length <= 10);
    paged.push(...page.sessions);
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor);
  assert.equal(pages, Math.ceil(all.length / 10));
  assert.deepEqual(
    paged.map((s) => s.id),
    all.map((s) => s.id),
  );
  assert.equal(new Set(paged.map((s) => s.id)).size, all.length);
});

test('a cursor the list did not give is bad input, and the list is untouched', async () => {
  const before = await call<ChatSession[]>('sessions.list', {});
  const r = await core.dispatch('sessions.page', { limit: 5, cursor: 'not-a-cursor' });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.code, 'bad_input');
    assert.match(r.error.message, /cursor/);
  }
  assert.deepEqual(await call<ChatSession[]>('sessions.list', {}), before);
});

test('create, rename and delete publish only the session that changed', async () => {
  const seen: ApiEvent[] = [];
  const off = core.events.subscribe((e) => seen.push(e));
  const created = await call<ChatSession>('sessions.create', { title: 'Fresh' });
  await call('sessions.rename', { id: created.id, title: 'Renamed' });
  await call('sessions.delete', { id: created.id });
  off();
  const payloads = seen.filter((e) => e.name === 'sessions.changed').map((e) => e.payload);
  assert.equal(payloads.length, 3);
  assert.deepEqual(payloads[0], { kind: 'upsert', session: created });
  assert.equal(payloads[1].kind === 'upsert' && payloads[1].session.title, 'Renamed');
  assert.deepEqual(payloads[2], { kind: 'delete', id: created.id });
  // 50+ sessions exist; a payload holding the list would be far larger than one session.
  assert.ok(JSON.stringify(payloads[0]).length < 400, 'the event holds one session, not the list');
});
