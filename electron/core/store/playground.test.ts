// Playground and document stores on a real SQLite file: a run left 'running' by a crash reopens as
// 'interrupted' with its finished items kept; the same bytes are one document; FTS finds documents
// and forgets removed ones; deleting a run deletes its items.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './database.ts';
import { DocumentsStore, type NewDocument } from './documents.ts';
import { PlaygroundStore } from './playground.ts';

const doc = (text: string, sha256: string): NewDocument => ({
  name: 'a.txt',
  kind: 'text',
  sizeBytes: text.length,
  sha256,
  text,
  pages: 0,
  sections: 1,
  encoding: 'utf-8',
  replacedChars: 0,
  warnings: [],
});

test('a running run found at the next start is interrupted and keeps its finished items', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-pg-store-'));
  try {
    const path = join(dir, 'x.db');
    let db = openDatabase(path);
    const store = new PlaygroundStore(db);
    const run = store.create({
      kind: 'tag',
      title: 't',
      config: {
        kind: 'tag',
        labels: [{ name: 'a' }],
        multiLabel: false,
        instruction: '',
        modelId: 'm',
        modelName: 'm',
        parallel: 1,
        sampling: { temperature: 0, topK: 0, topP: 1, minP: 0, repeatPenalty: 1, seed: 1, maxTokens: 8 },
      },
      items: [
        { index: 0, input: 'x' },
        { index: 1, input: 'y' },
      ],
    });
    store.setItem(run.id, 0, 0, {
      status: 'done',
      output: { kind: 'tag', labels: ['a'], confidence: { a: 0.9 }, raw: '{"labels":["a"]}', generatedTokens: 5, ms: 1 },
    });
    store.setItem(run.id, 1, 0, { status: 'running' });
    db.close(); // as if the app died here

    db = openDatabase(path);
    const again = new PlaygroundStore(db);
    assert.equal(again.markStaleRunningInterrupted(), 1);
    const view = again.view(run.id)!;
    assert.equal(view.run.status, 'interrupted');
    assert.deepEqual(
      view.items.map((i) => i.status),
      ['done', 'pending'],
    );
    assert.equal(view.run.doneCount, 1);
    assert.ok(again.delete(run.id));
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM playground_items').get() as { n: number }).n, 0, 'items go with their run');
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('documents: one row per content hash, searchable until removed', () => {
  const db = openDatabase(':memory:');
  const docs = new DocumentsStore(db);
  const a = docs.add(doc('harbor lanterns at dusk', 'h1'));
  const b = docs.add({ ...doc('harbor lanterns at dusk', 'h1'), name: 'other.txt' });
  assert.equal(a.duplicate, false);
  assert.equal(b.duplicate, true);
  assert.equal(b.document.id, a.document.id);
  assert.equal(docs.count(), 1);
  docs.add(doc('winter orchard', 'h2'));
  assert.deepEqual(
    docs.search('lant', 10).map((h) => h.id),
    [a.document.id],
  );
  assert.match(docs.search('lanterns', 10)[0].snippet, /\u0002lanterns\u0003/);
  docs.remove(a.document.id);
  assert.deepEqual(docs.search('lanterns', 10), []);
  assert.equal(docs.search('"', 10).length, 0, 'a stray quote is taken literally, not a syntax error');
  db.close();
});
