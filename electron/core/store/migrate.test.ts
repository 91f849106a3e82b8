import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './database.ts';
import { latestSchemaVersion, migrate, schemaVersion, SchemaError } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import { ChatStore } from './chat.ts';
import { SessionsStore } from './sessions.ts';

function withTempDir(fn: (dir: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-migrate-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('migration files are numbered 1..N in order', () => {
  assert.deepEqual(
    migrations.map((m) => m.version),
    migrations.map((_, i) => i + 1),
  );
  assert.equal(latestSchemaVersion, migrations.length);
});

test('a version-1 database with data upgrades to the latest schema and keeps its rows', () =>
  withTempDir((dir) => {
    const path = join(dir, 'old.db');
    // Build the database an older app would have left: only migration 1, with a session in it.
    const old = new Database(path);
    migrate(old, { target: 1 });
    assert.equal(schemaVersion(old), 1);
    old.prepare('INSERT INTO chat_sessions (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)').run('s-1', 'From v1', 1000, 2000);
    old.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('ui.theme', '"dark"', 1000);
    assert.throws(() => old.prepare('SELECT * FROM messages').all(), /no such table: messages/);
    old.close();

    const db = openDatabase(path);
    assert.equal(schemaVersion(db), latestSchemaVersion);
    const sessions = new SessionsStore(db);
    assert.deepEqual(sessions.list(), [{ id: 's-1', title: 'From v1', createdAt: 1000, updatedAt: 2000, messageCount: 0 }]);
    // The new table works and is tied to the old session.
    const messages = new ChatStore(db);
    const m = messages.add({ sessionId: 's-1', parentId: null, role: 'user', content: 'hello' });
    assert.equal(sessions.get('s-1')!.messageCount, 1);
    assert.equal(messages.get(m.id)!.content, 'hello');
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2); // FULL
    db.close();
  }));

test('every intermediate version upgrades to the latest', () => {
  for (let from = 0; from <= latestSchemaVersion; from++) {
    const db = new Database(':memory:');
    migrate(db, { target: from });
    assert.equal(schemaVersion(db), from);
    const applied = migrate(db);
    assert.deepEqual(
      applied,
      migrations.slice(from).map((m) => m.version),
      `from version ${from}`,
    );
    assert.equal(schemaVersion(db), latestSchemaVersion);
    db.close();
  }
});

test('migrating twice is a no-op', () => {
  const db = new Database(':memory:');
  migrate(db);
  assert.deepEqual(migrate(db), []);
  db.close();
});

test('a database from a newer app is refused with a clear error, untouched', () => {
  const db = new Database(':memory:');
  db.pragma(`user_version = ${latestSchemaVersion + 5}`);
  assert.throws(
    () => migrate(db),
    (err: unknown) => err instanceof SchemaError && /newer than this Glassbox knows/.test(err.message),
  );
  assert.equal(schemaVersion(db), latestSchemaVersion + 5);
  db.close();
});

test('a failing migration rolls back and leaves the previous version', () => {
  const db = new Database(':memory:');
  const broken = [
    migrations[0],
    {
      version: 2,
      name: 'broken',
      up(d: Database.Database) {
        d.exec('CREATE TABLE half_done (x INTEGER)');
        d.exec('THIS IS NOT SQL');
      },
    },
  ];
  assert.throws(() => migrate(db, { migrations: broken }), /syntax error/);
  assert.equal(schemaVersion(db), 1);
  assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").all(), []);
  db.close();
});

test('deleting a session deletes its messages (foreign keys are on)', () => {
  const db = openDatabase(':memory:');
  const sessions = new SessionsStore(db);
  const messages = new ChatStore(db);
  const s = sessions.create('x');
  const a = messages.add({ sessionId: s.id, parentId: null, role: 'user', content: 'q' });
  messages.add({ sessionId: s.id, parentId: a.id, role: 'assistant', content: 'a', status: 'streaming' });
  assert.equal(messages.list(s.id).length, 2);
  assert.ok(sessions.delete(s.id));
  assert.deepEqual(messages.list(s.id), []);
  assert.throws(() => messages.add({ sessionId: 'nope', parentId: null, role: 'user', content: 'q' }), /FOREIGN KEY/);
  db.close();
});
