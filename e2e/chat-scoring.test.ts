// After a reply has streamed, the model's own probability of each token is worked out in one more
// pass (issue 11 item 13); on Gemma's 262,144-token vocabulary that pass takes a noticeable time, so
// the chat says it is running, with the token count, and the note goes when the reply is final.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { startAppWithModel, type AppWithModel } from './support/app.ts';
import { openApp, pageErrors } from './support/browser.ts';

let app: AppWithModel;

before(async () => {
  app = await startAppWithModel(await ensureRealVocabModel('small', 'F32'));
});

test('while the model probabilities are worked out the chat says so, naming the reply tokens; then the note goes', async () => {
  const session = await app.api.api.sessions.create({ title: 'Scoring' });
  // 40 tokens: three batches of the pass, long enough to be seen
  await app.api.api.chat.setConfig({ sessionId: session.id, sampling: { temperature: 0, maxTokens: 40, seed: 1 } });
  const page = await openApp(app.browser, app.host);
  await page.locator(`[data-session-id="${session.id}"]`).click();
  await page.getByTestId('conversation-title').getByText('Scoring').waitFor();
  await page.getByLabel('Message', { exact: true }).fill('Tell me a long story about the sea.');
  await page.keyboard.press('Enter');
  const note = page.getByTestId('chat-scoring');
  await note.waitFor();
  const shown = Number(/of each of its ([\d,]+) token/.exec((await note.textContent()) ?? '')?.[1]?.replace(/,/g, ''));
  await note.waitFor({ state: 'detached', timeout: 120_000 });
  const last = page.locator('[data-testid="message-assistant"]').last();
  assert.notEqual(await last.getAttribute('data-status'), 'streaming');
  const view = await app.api.api.chat.get({ sessionId: session.id });
  const reply = view.messages.find((m) => m.role === 'assistant')!;
  assert.equal(shown, reply.tokens!.length, 'the note named the reply tokens');
  assert.ok(
    reply.tokens!.every((t) => typeof t.modelProb === 'number'),
    'then every token has the model probability',
  );
  assert.deepEqual(pageErrors(page), []);
});
