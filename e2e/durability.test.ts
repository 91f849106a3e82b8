// kill -9 of the host process while a reply streams: every committed message is intact, the
// in-flight reply is either absent or a consistent saved prefix (never corrupt), the database passes
// PRAGMA integrity_check, and after a restart the cut-off reply shows as interrupted and chat goes on.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ensureRealVocabModel } from '../test-support/models.ts';
import type { ChatDelta, ChatMessage } from '../electron/core/api/chat.ts';
import { connectApi, nextEvent } from './support/api.ts';
import { spawnHostProcess, tempDir } from './support/host.ts';

const dir = tempDir();
after(() => dir.cleanup());

interface Row {
  id: string;
  parent_id: string | null;
  role: string;
  content: string;
  status: string;
  token_probs: string | null;
  meta: string | null;
}

test('kill -9 mid-generation loses at most the unsaved tail, never a committed message', async () => {
  const modelPath = await ensureRealVocabModel('small');
  const db = join(dir.path, 'durable.db');
  const host = await spawnHostProcess({ dataDir: dir.path, db });
  const client = connectApi(host);
  const { api } = client;
  // A long context (beyond the model's trained 2048; fine for a random model) so the reply is
  // still streaming when the host is killed, even on a fast machine.
  await api.backend.setConfig({ contextSize: 8192 });
  const model = await api.models.import({ path: modelPath });
  await api.models.setActive({ id: model.id });
  const session = await api.sessions.create({ title: 'Durable' });
  await api.chat.setConfig({ sessionId: session.id, sampling: { maxTokens: 12, seed: 21 } });

  const committed: ChatMessage[] = [];
  for (const text of ['first question', 'second question']) {
    const started = await api.chat.send({ sessionId: session.id, content: text });
    const done = await nextEvent<{ message: ChatMessage }>(
      client,
      'chat.message',
      (p) => p.message.id === started.assistantMessage.id && p.message.status !== 'streaming',
    );
    committed.push(started.userMessage!, done.message);
  }

  await api.chat.setConfig({ sessionId: session.id, sampling: { maxTokens: 32_768, temperature: 0 } }); // greedy: no early end of turn on this model
  const streamed: string[] = [];
  let firstAt = 0;
  const started = await api.chat.send({ sessionId: session.id, content: 'now talk for a long time' });
  committed.push(started.userMessage!);
  const off = client.on('chat.delta', (d: ChatDelta) => {
    if (d.messageId !== started.assistantMessage.id) return;
    streamed.push(d.text);
    firstAt ||= Date.now();
  });
  // Wait until the reply has streamed for a while (several periodic saves), then pull the plug.
  await nextEvent<ChatDelta>(
    client,
    'chat.delta',
    (d) => d.messageId === started.assistantMessage.id && firstAt > 0 && Date.now() - firstAt > 500,
  );
  await host.kill9();
  off();
  client.close();

  const raw = new Database(db, { readonly: true });
  try {
    assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(raw.pragma('foreign_key_check'), []);
    const rows = raw.prepare('SELECT * FROM messages WHERE session_id = ?').all(session.id) as Row[];
    for (const m of committed) {
      const row = rows.find((r) => r.id === m.id);
      assert.ok(row, `committed message ${m.role} "${m.content.slice(0, 20)}" survived`);
      assert.equal(row.content, m.content);
      assert.equal(row.status, m.status);
      assert.equal(row.parent_id, m.parentId);
      if (m.tokens) assert.deepEqual(JSON.parse(row.token_probs!), m.tokens);
    }
    const partial = rows.find((r) => r.id === started.assistantMessage.id);
    // The placeholder is committed with the user message, so the row exists; its text is a saved prefix.
    assert.ok(partial, 'the in-flight reply row exists');
    assert.equal(partial.status, 'streaming');
    const tokens = JSON.parse(partial.token_probs!) as { text: string }[];
    assert.equal(tokens.map((x) => x.text).join(''), partial.content, 'saved tokens and text belong to the same snapshot');
    assert.ok(streamed.join('').startsWith(partial.content), 'the saved text is a prefix of what streamed');
    assert.ok(partial.content.length > 0, 'at least one periodic save (every 250 ms) happened in 500 ms of streaming');
  } finally {
    raw.close();
  }

  const second = await spawnHostProcess({ dataDir: dir.path, db });
  const client2 = connectApi(second);
  try {
    const view = await client2.api.chat.get({ sessionId: session.id });
    const cut = view.messages.find((m) => m.id === started.assistantMessage.id)!;
    assert.equal(cut.status, 'interrupted');
    assert.deepEqual(view.path, [...committed.map((m) => m.id), cut.id]);
    await client2.api.chat.setConfig({ sessionId: session.id, sampling: { maxTokens: 6 } });
    const again = await client2.api.chat.send({ sessionId: session.id, content: 'still there?' });
    const done = await nextEvent<{ message: ChatMessage }>(
      client2,
      'chat.message',
      (p) => p.message.id === again.assistantMessage.id && p.message.status !== 'streaming',
    );
    assert.equal(done.message.status, 'complete');
  } finally {
    client2.close();
    await second.stop();
  }
});
