// Upgrades that carry data: a database an older app filled in is brought to the latest schema and
// every row it held is still there, readable by today's stores (the v2→v3 step rebuilds `messages`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatStore } from './chat.ts';
import { openDatabase } from './database.ts';
import { latestSchemaVersion, migrate, schemaVersion } from './migrate.ts';

test('a version-2 database with a branched conversation upgrades with every message, status and index kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-migrate-rows-'));
  try {
    const path = join(dir, 'v2.db');
    const old = new Database(path);
    migrate(old, { target: 2 });
    old.prepare('INSERT INTO chat_sessions (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)').run('s-1', 'Old chat', 1000, 5000);
    const add = old.prepare(
      'INSERT INTO messages (id, session_id, parent_id, role, content, status, created_at, updated_at, token_probs, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // u1 → a1 (complete), and a second branch u1 → a2 that failed under the old 'error' status.
    add.run('u1', 's-1', null, 'user', 'What is a zebra?', 'complete', 1000, 1000, null, null);
    add.run('a1', 's-1', 'u1', 'assistant', 'A striped horse.', 'complete', 2000, 2000, '[{"id":5,"p":0.5}]', '{"tokensPerSecond":12}');
    add.run('a2', 's-1', 'u1', 'assistant', 'A stri', 'error', 3000, 3000, null, null);
    old.close();

    const db = openDatabase(path);
    try {
      assert.equal(schemaVersion(db), latestSchemaVersion);
      const chat = new ChatStore(db);
      const rows = chat.list('s-1');
      assert.deepEqual(
        rows.map((m) => [m.id, m.parentId, m.role, m.content, m.status]),
        [
          ['u1', null, 'user', 'What is a zebra?', 'complete'],
          ['a1', 'u1', 'assistant', 'A striped horse.', 'complete'],
          ['a2', 'u1', 'assistant', 'A stri', 'failed'],
        ],
      );
      // The full-text index built during the upgrade finds the old rows.
      assert.deepEqual(
        chat.search('striped', 10).map((h) => h.messageId),
        ['a1'],
      );
      // And the upgraded table still takes new rows tied to the old tree.
      const next = chat.add({ sessionId: 's-1', parentId: 'a1', role: 'user', content: 'And a horse?' });
      assert.equal(chat.get(next.id)!.parentId, 'a1');
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
