// The event bridge: core events land in the cached queries, the chat list keeps its order and its
// pages, and a re-connection refetches what may have been missed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryObserver, type InfiniteData } from '@tanstack/react-query';
import type { ChatSession, SessionPage } from '../../../electron/core/api/sessions.ts';
import type { ApiClient } from './client.ts';
import { applySessionChange, bridgeCoreEvents, createQueryClient, flattenSessions, queryKeys } from './query.ts';
import type { ConnectionState } from './transport.ts';
import { pendingSettings } from './pendingPatches.ts';

const session = (id: string, updatedAt: number, title = id): ChatSession => ({
  id,
  title,
  createdAt: updatedAt,
  updatedAt,
  messageCount: 0,
});
type Pages = InfiniteData<SessionPage, string | undefined>;
const pages = (...ps: [ChatSession[], string | null][]): Pages => ({
  pages: ps.map(([sessions, nextCursor]) => ({ sessions, nextCursor })),
  pageParams: ps.map((_, i) => (i ? `c${i}` : undefined)),
});
const ids = (d: Pages | undefined) => flattenSessions(d).map((s) => s.id);

test('an upsert moves the session to where the list order puts it, across pages', () => {
  const data = pages([[session('a', 50), session('b', 40)], 'c1'], [[session('c', 30), session('d', 20)], null]);
  assert.deepEqual(ids(applySessionChange(data, { kind: 'upsert', session: session('d', 60) })), ['d', 'a', 'b', 'c']);
  assert.deepEqual(ids(applySessionChange(data, { kind: 'upsert', session: session('e', 35) })), ['a', 'b', 'e', 'c', 'd']);
  const renamed = applySessionChange(data, { kind: 'upsert', session: session('c', 30, 'Renamed') });
  assert.equal(flattenSessions(renamed).find((s) => s.id === 'c')!.title, 'Renamed');
  assert.deepEqual(ids(renamed), ['a', 'b', 'c', 'd']);
  assert.deepEqual(ids(applySessionChange(data, { kind: 'delete', id: 'b' })), ['a', 'c', 'd']);
});

test('a session older than every loaded row is left for paging while more pages exist', () => {
  const more = pages([[session('a', 50)], 'c1']);
  assert.deepEqual(ids(applySessionChange(more, { kind: 'upsert', session: session('old', 1) })), ['a']);
  const last = pages([[session('a', 50)], null]);
  assert.deepEqual(ids(applySessionChange(last, { kind: 'upsert', session: session('old', 1) })), ['a', 'old']);
});

function fakeClient() {
  const listeners = new Map<string, (p: unknown) => void>();
  const connection: { state: ConnectionState; listeners: Set<(s: ConnectionState) => void> } = { state: 'open', listeners: new Set() };
  const client = {
    on: (name: string, l: (p: unknown) => void) => (listeners.set(name, l), () => listeners.delete(name)),
    onConnection: (l: (s: ConnectionState) => void) => (connection.listeners.add(l), () => connection.listeners.delete(l)),
    get connection() {
      return connection.state;
    },
  } as unknown as ApiClient;
  return {
    client,
    emit: (name: string, payload: unknown) => listeners.get(name)!(payload),
    setConnection: (s: ConnectionState) => ((connection.state = s), connection.listeners.forEach((l) => l(s))),
    listening: () => [...listeners.keys()].sort(),
  };
}

test('the bridge writes events into the cache and stops when unsubscribed', () => {
  const fake = fakeClient();
  const queries = createQueryClient();
  const off = bridgeCoreEvents(fake.client, queries);
  queries.setQueryData(queryKeys.sessions, pages([[session('a', 5)], null]));
  fake.emit('sessions.changed', { kind: 'upsert', session: session('b', 9) });
  assert.deepEqual(ids(queries.getQueryData<Pages>(queryKeys.sessions)), ['b', 'a']);
  fake.emit('settings.changed', { 'ui.theme': 'dark' });
  assert.deepEqual(queries.getQueryData(queryKeys.settings), { 'ui.theme': 'dark' });
  const dl = { downloadId: 'd1', updatedAt: 2, state: 'downloading' };
  fake.emit('models.download', dl);
  fake.emit('models.download', { ...dl, updatedAt: 1, state: 'stale' });
  assert.deepEqual(queries.getQueryData(queryKeys.downloads), [dl], 'an older download event does not overwrite a newer one');
  off();
  assert.deepEqual(fake.listening(), []);
  queries.clear(); // drops the garbage-collection timers, so the test process can end
});

test('a re-connection refetches the queries on screen; the first connection does not', async () => {
  const fake = fakeClient();
  fake.setConnection('connecting');
  const queries = createQueryClient();
  bridgeCoreEvents(fake.client, queries);
  let fetches = 0;
  const fetched: (() => void)[] = [];
  const observer = new QueryObserver(queries, {
    queryKey: queryKeys.systemStatus,
    queryFn: async () => (fetched.splice(0).forEach((f) => f()), ++fetches),
  });
  const settled = () => new Promise<void>((resolve) => fetched.push(resolve));
  const unsubscribe = observer.subscribe(() => {});
  await observer.refetch();
  fake.setConnection('open');
  assert.equal(fetches, 1);
  fake.setConnection('connecting');
  const again = settled();
  fake.setConnection('open');
  await again;
  assert.equal(fetches, 2);
  unsubscribe();
  queries.clear();
});

test('a settings event from an older save does not undo a change the core has not answered yet', () => {
  const fake = fakeClient();
  const queries = createQueryClient();
  const off = bridgeCoreEvents(fake.client, queries);
  const pending = pendingSettings(queries);
  const seq = pending.add({ 'ui.theme': 'dark' });
  fake.emit('settings.changed', { 'ui.theme': 'light', 'chat.contextPolicy': 'refuse' });
  assert.deepEqual(queries.getQueryData(queryKeys.settings), { 'ui.theme': 'dark', 'chat.contextPolicy': 'refuse' });
  pending.answered(seq);
  fake.emit('settings.changed', { 'ui.theme': 'light', 'chat.contextPolicy': 'refuse' });
  assert.deepEqual(
    queries.getQueryData(queryKeys.settings),
    { 'ui.theme': 'light', 'chat.contextPolicy': 'refuse' },
    'answered: the core is the truth',
  );
  off();
  queries.clear();
});
