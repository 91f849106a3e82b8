// Test helpers for the llm services: a real core (SQLite in a temp folder, a real model worker with
// llama.cpp) and ways to wait on its events; a chat set up on it; a core with no workers for tests that
// need no model. Not a test file itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatMessage, GenerationStarted } from '../api/chat.ts';
import type { ApiEvent, EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../api/contract.ts';
import { createCore, type Core } from '../app/core.ts';
import { nodeSpawner } from '../workers/node-spawner.ts';

export interface TestCore {
  core: Core;
  dir: string;
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** Like call, but resolves with the error data (and fails the test if the call succeeded). */
  fail<M extends MethodName>(method: M, input: MethodInput<M>): Promise<{ code: string; message: string }>;
  events: ApiEvent[];
  next<E extends EventName>(name: E, match?: (p: EventPayload<E>) => boolean): Promise<EventPayload<E>>;
  /** The final state of an assistant message (waits for its chat.message with a status other than streaming). */
  finished(messageId: string): Promise<ChatMessage>;
  close(): Promise<void>;
}

export async function startTestCore(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<TestCore> {
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'glassbox-llm-'));
  const core = createCore({ mode: 'browser', spawner: nodeSpawner, dataDir: dir, testMode: true, workerBackoffMs: 50 });
  const events: ApiEvent[] = [];
  const waiters = new Set<(e: ApiEvent) => boolean>();
  core.events.subscribe((e) => {
    events.push(e);
    for (const w of [...waiters]) if (w(e)) waiters.delete(w);
  });
  const t: TestCore = {
    core,
    dir,
    events,
    async call(method, input) {
      const r = await core.dispatch(method, input);
      if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
      return r.value as never;
    },
    async fail(method, input) {
      const r = await core.dispatch(method, input);
      if (r.ok) throw new Error(`${method} was expected to fail but answered ${JSON.stringify(r.value).slice(0, 200)}`);
      return r.error;
    },
    next(name, match = () => true) {
      return new Promise((resolve) => {
        waiters.add((e) => {
          if (e.name !== name || !match(e.payload as never)) return false;
          resolve(e.payload as never);
          return true;
        });
      });
    },
    finished(messageId) {
      const done = events.find(
        (e) => e.name === 'chat.message' && e.payload.message.id === messageId && e.payload.message.status !== 'streaming',
      );
      if (done && done.name === 'chat.message') return Promise.resolve(done.payload.message);
      return t.next('chat.message', (p) => p.message.id === messageId && p.message.status !== 'streaming').then((p) => p.message);
    },
    async close() {
      await core.close();
      if (!options.dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/**
 * A core on an in-memory database whose worker processes never start (a spawn throws): for tests of
 * the core's door and stores that need no model. Close it with `core.close()`.
 */
export function coreWithoutWorkers(name: string): Core {
  return createCore({
    mode: 'browser',
    spawner: () => {
      throw new Error('no workers in this test');
    },
    dbPath: ':memory:',
    dataDir: join(tmpdir(), `glassbox-${name}-test`),
    testMode: false,
  });
}

/** Imports `modelPath`, makes it active, and creates a session with the given sampling. */
export async function chatReady(t: TestCore, modelPath: string, sampling: Record<string, number | null> = {}) {
  const model = await t.call('models.import', { path: modelPath });
  await t.call('models.setActive', { id: model.id });
  const session = await t.call('sessions.create', { title: 'Test chat' });
  await t.call('chat.setConfig', { sessionId: session.id, sampling: { maxTokens: 24, temperature: 0.8, topK: 40, seed: 7, ...sampling } });
  return { model, session };
}

/**
 * The setup of most chat tests: a fresh test core with `modelPath` active and one session with
 * `sampling` (over chatReady's defaults). The caller closes it (`t.close()`). The path is the
 * caller's to make (test-support is for test files; this helper ships beside the core it drives).
 */
export async function chatFixture(modelPath: string, sampling: Record<string, number | null> = {}) {
  const t = await startTestCore();
  const { model, session } = await chatReady(t, modelPath, sampling);
  return { t, model, sessionId: session.id };
}

export async function sendAndWait(
  t: TestCore,
  sessionId: string,
  content: string,
): Promise<{ started: GenerationStarted; reply: ChatMessage }> {
  const started = await t.call('chat.send', { sessionId, content });
  return { started, reply: await t.finished(started.assistantMessage.id) };
}
