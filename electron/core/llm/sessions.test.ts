// Session features that need no model: FTS5 search (kept in step by triggers), Markdown/JSON export,
// JSON import (round trip of the whole tree; bad input writes nothing), and the startup sweep that
// marks replies cut off by a crash as interrupted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatStore } from '../store/chat.ts';
import { startTestCore, type TestCore } from './test-core.ts';

let t: TestCore;
const dataDir = mkdtempSync(join(tmpdir(), 'glassbox-sessions-'));
let sessionId: string;
let ids: Record<string, string>;

before(async () => {
  t = await startTestCore({ dataDir });
  const s = await t.call('sessions.create', { title: 'Astronomy' });
  sessionId = s.id;
  const store = new ChatStore(t.core.db);
  const u1 = store.add({ sessionId, parentId: null, role: 'user', content: 'Why is the sky blue?' }, 1000);
  const a1 = store.add(
    {
      sessionId,
      parentId: u1.id,
      role: 'assistant',
      content: 'Rayleigh scattering of sunlight.',
      tokens: [
        {
          id: 10,
          text: 'Rayleigh',
          prob: 0.9,
          top: [
            { text: 'Rayleigh', prob: 0.9 },
            { text: 'Because', prob: 0.05 },
          ],
        },
        { id: 11, text: ' scattering of sunlight.', prob: 0.7, top: [{ text: ' scattering of sunlight.', prob: 0.7 }] },
      ],
      stats: null,
    },
    2000,
  );
  const u2 = store.add({ sessionId, parentId: a1.id, role: 'user', content: 'And sunsets — why red?' }, 3000);
  const u2b = store.add({ sessionId, parentId: a1.id, role: 'user', content: 'What about Mars?' }, 4000);
  store.setCurrentLeaf(sessionId, u2.id);
  ids = { u1: u1.id, a1: a1.id, u2: u2.id, u2b: u2b.id };
});
after(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('search finds messages by word prefix, across sessions, with marked snippets', async () => {
  const other = await t.call('sessions.create', { title: 'Cooking' });
  new ChatStore(t.core.db).add({ sessionId: other.id, parentId: null, role: 'user', content: 'How long do I boil blue potatoes?' });
  const hits = await t.call('chat.search', { query: 'scatter', limit: 10 });
  assert.deepEqual(
    hits.map((h) => h.messageId),
    [ids.a1],
  );
  assert.equal(hits[0].sessionTitle, 'Astronomy');
  assert.equal(hits[0].snippet, 'Rayleigh \u0002scattering\u0003 of sunlight.');
  const blue = await t.call('chat.search', { query: 'BLUE', limit: 10 });
  assert.deepEqual(new Set(blue.map((h) => h.sessionId)), new Set([sessionId, other.id]));
  // FTS5 syntax FTS5 does not understand is a clear error, not "no match".
  assert.match((await t.fail('chat.search', { query: '"unbalanced OR', limit: 10 })).message, /^Search syntax not understood: /);
  assert.deepEqual(
    (await t.call('chat.search', { query: 'sunsets red', limit: 10 })).map((h) => h.messageId),
    [ids.u2],
  );
  // Edits and deletes reach the index through the triggers.
  new ChatStore(t.core.db).update(ids.u2b, { content: 'What about Jupiter?' });
  assert.deepEqual(await t.call('chat.search', { query: 'Mars', limit: 10 }), []);
  assert.equal((await t.call('chat.search', { query: 'jupiter', limit: 10 })).length, 1);
  await t.call('sessions.delete', { id: other.id });
  assert.deepEqual(
    (await t.call('chat.search', { query: 'blue', limit: 10 })).map((h) => h.sessionId),
    [sessionId],
  );
});

test('Markdown export is the thread shown; JSON export re-imports as the same tree', async () => {
  await t.call('chat.setConfig', { sessionId, systemPrompt: 'Be precise.', sampling: { temperature: 0.3, seed: 5 } });
  const md = await t.call('chat.export', { sessionId, format: 'markdown' });
  assert.equal(md.fileName, 'Astronomy.md');
  assert.match(md.content, /^# Astronomy\n/);
  assert.match(md.content, /> Be precise\./);
  assert.ok(
    md.content.indexOf('Why is the sky blue?') < md.content.indexOf('Rayleigh') &&
      md.content.indexOf('Rayleigh') < md.content.indexOf('sunsets'),
  );
  assert.doesNotMatch(md.content, /Jupiter/, 'the other branch is not part of the thread');

  const json = await t.call('chat.export', { sessionId, format: 'json' });
  const imported = await t.call('chat.import', { content: json.content });
  assert.notEqual(imported.id, sessionId);
  assert.equal(imported.title, 'Astronomy (imported)', 'told apart from the original it was exported from');
  assert.equal(imported.messageCount, 4);
  const a = await t.call('chat.get', { sessionId });
  const b = await t.call('chat.get', { sessionId: imported.id });
  const shape = (v: typeof a) => {
    const index = new Map(v.messages.map((m, i) => [m.id, i]));
    return {
      config: v.config,
      messages: v.messages.map((m) => ({
        parent: m.parentId === null ? null : index.get(m.parentId),
        role: m.role,
        content: m.content,
        status: m.status,
        tokens: m.tokens,
        createdAt: m.createdAt,
      })),
      path: v.path.map((id) => index.get(id)),
    };
  };
  assert.deepEqual(shape(b), shape(a));
  assert.ok(
    b.messages.every((m) => !a.messages.some((x) => x.id === m.id)),
    'fresh ids, so importing twice cannot collide',
  );
  await t.call('chat.import', { content: json.content });
});

test('bad imports are refused with a clear error and write nothing', async () => {
  const count = (await t.call('sessions.list', {})).length;
  const good = JSON.parse((await t.call('chat.export', { sessionId, format: 'json' })).content);
  const cases: [string, RegExp][] = [
    ['{not json', /not valid JSON/],
    ['[]', /not a Glassbox chat export/],
    [JSON.stringify({ ...good, format: 'other' }), /format/],
    [JSON.stringify({ ...good, messages: [{ ...good.messages[0], role: 'wizard' }] }), /messages\.0\.role/],
    [JSON.stringify({ ...good, messages: [...good.messages, { ...good.messages[1], id: good.messages[1].id }] }), /appears twice/],
    [JSON.stringify({ ...good, messages: [{ ...good.messages[0], parentId: 'ghost' }] }), /not in the file/],
    [JSON.stringify({ ...good, messages: [{ ...good.messages[0], parentId: good.messages[1].id }, { ...good.messages[1] }] }), /cycle/],
    [
      JSON.stringify({
        ...good,
        messages: good.messages.map((m: { tokens: unknown }) => ({ ...m, tokens: [{ id: 1, text: 'x', prob: 7, top: [] }] })),
      }),
      /prob/,
    ],
  ];
  for (const [content, why] of cases) {
    const err = await t.fail('chat.import', { content });
    assert.equal(err.code, 'bad_input');
    assert.match(err.message, why);
  }
  assert.equal((await t.call('sessions.list', {})).length, count);
});

test('a reply left streaming by a crash is found interrupted at the next start, text kept', async () => {
  const store = new ChatStore(t.core.db);
  const partial = store.add({
    sessionId,
    parentId: ids.u2,
    role: 'assistant',
    content: 'Because the light trav',
    status: 'streaming',
    tokens: [],
  });
  await t.close();
  t = await startTestCore({ dataDir });
  const m = (await t.call('chat.get', { sessionId })).messages.find((x) => x.id === partial.id)!;
  assert.equal(m.status, 'interrupted');
  assert.equal(m.content, 'Because the light trav');
});

test('switchBranch follows the newest reply below the chosen message', async () => {
  const v = await t.call('chat.switchBranch', { sessionId, messageId: ids.u2b });
  assert.deepEqual(v.path, [ids.u1, ids.a1, ids.u2b]);
  const back = await t.call('chat.switchBranch', { sessionId, messageId: ids.u2 });
  assert.equal(back.path[2], ids.u2);
  assert.equal(back.path.length, 4, 'down to the interrupted reply under it');
  assert.equal((await t.fail('chat.switchBranch', { sessionId, messageId: 'nope' })).code, 'not_found');
});
