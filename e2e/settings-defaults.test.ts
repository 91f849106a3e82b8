// Settings → "Defaults for new chats" and sampling presets in Chromium (issue 11 item 11): the default
// system prompt and sampling set on the Settings screen are what a chat made afterwards starts with;
// in the chat's panel the current sampling is saved as a preset for the active model, and choosing a
// preset (or the app defaults) applies it to the chat. Developer diagnostics stay out of non-test
// mode (e2e/settings-chat.test.ts).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { nextEvent } from './support/api.ts';
import { startAppWithModel, type AppWithModel } from './support/app.ts';
import { goToScreen, openApp, pageErrors } from './support/browser.ts';

let app: AppWithModel;
let page: Page;

before(async () => {
  app = await startAppWithModel(await ensureRealVocabModel('small', 'F32'));
});

const settings = () => app.api.api.settings.getAll();

test('defaults set in Settings are what a new chat starts with', async () => {
  page = await openApp(app.browser, app.host);
  const old = await app.api.api.sessions.create({ title: 'Made before' });
  await goToScreen(page, 'settings');
  const card = page.getByTestId('chat-defaults');
  await card.getByLabel('Default system prompt').fill('Answer like a pirate.');
  const promptSaved = nextEvent<Record<string, unknown>>(
    app.api,
    'settings.changed',
    (s) => s['chat.defaultSystemPrompt'] === 'Answer like a pirate.',
  );
  await card.getByLabel('Temperature', { exact: true }).click(); // blur the prompt: it is saved
  await promptSaved;
  await card.getByLabel('Temperature', { exact: true }).fill('0.3');
  await card.getByLabel('Temperature', { exact: true }).press('Enter');
  const samplingSaved = nextEvent<{ 'chat.defaultSampling': { maxTokens: number; temperature: number } }>(
    app.api,
    'settings.changed',
    (s) => s['chat.defaultSampling'].maxTokens === 321 && s['chat.defaultSampling'].temperature === 0.3,
  );
  await card.getByLabel('Max reply tokens').fill('321');
  await card.getByLabel('Max reply tokens').press('Enter');
  await samplingSaved;
  const stored = await settings();
  assert.equal(stored['chat.defaultSystemPrompt'], 'Answer like a pirate.');
  assert.equal(stored['chat.defaultSampling'].temperature, 0.3);
  assert.equal(stored['chat.defaultSampling'].maxTokens, 321);

  await goToScreen(page, 'chat');
  await page.getByRole('button', { name: 'New chat', exact: true }).click();
  await page.getByTestId('conversation-title').getByText('New chat').waitFor();
  const id = (await app.api.api.sessions.list()).find((s) => s.title === 'New chat')!.id;
  const config = (await app.api.api.chat.get({ sessionId: id })).config;
  assert.equal(config.systemPrompt, 'Answer like a pirate.');
  assert.equal(config.sampling.temperature, 0.3);
  assert.equal(config.sampling.maxTokens, 321);
  assert.equal((await app.api.api.chat.get({ sessionId: old.id })).config.sampling.maxTokens, 1024, 'a chat made before keeps its own');

  await page.getByRole('button', { name: 'Chat settings' }).click();
  const panel = page.getByRole('complementary', { name: 'Chat settings' });
  assert.equal(await panel.getByLabel('System prompt').inputValue(), 'Answer like a pirate.');
  assert.equal(await panel.getByLabel('Temperature', { exact: true }).inputValue(), '0.3');
  assert.equal(await panel.getByLabel('Preset', { exact: true }).inputValue(), 'defaults', 'the panel says it runs on the app defaults');
});

test('the sampling is saved as a preset for the model, and choosing a preset applies it', async () => {
  const panel = page.getByRole('complementary', { name: 'Chat settings' });
  const id = (await app.api.api.sessions.list()).find((s) => s.title === 'New chat')!.id;
  const temperature = async () => (await app.api.api.chat.get({ sessionId: id })).config.sampling.temperature;
  const configured = (t: number) =>
    nextEvent<{ sessionId: string; config: { sampling: { temperature: number } } }>(
      app.api,
      'chat.sessionChanged',
      (e) => e.sessionId === id && e.config.sampling.temperature === t,
    );

  let changed = configured(0.9);
  await panel.getByLabel('Temperature', { exact: true }).fill('0.9');
  await panel.getByLabel('Temperature', { exact: true }).press('Enter');
  await changed;
  assert.equal(await panel.getByLabel('Preset', { exact: true }).inputValue(), '', 'custom sampling matches no preset');
  await panel.getByRole('button', { name: 'Save as preset…' }).click();
  await panel.getByLabel('Preset name').fill('Warm');
  await panel.getByRole('button', { name: 'Save', exact: true }).click();
  await panel.getByLabel('Preset', { exact: true }).locator('option', { hasText: 'Warm' }).waitFor({ state: 'attached' });
  await page.waitForFunction(
    () => (document.querySelector('[data-testid="sampling-presets"] select') as HTMLSelectElement)?.value === 'saved:Warm',
  );
  const presets = await app.api.api.chat.presets({});
  assert.deepEqual(
    presets.saved.map((p) => [p.name, p.sampling.temperature]),
    [['Warm', 0.9]],
  );

  changed = configured(0.3);
  await panel.getByLabel('Preset', { exact: true }).selectOption({ label: 'App defaults (Settings)' });
  await changed;
  assert.equal(await temperature(), 0.3);
  assert.equal(await panel.getByLabel('Temperature', { exact: true }).inputValue(), '0.3');

  changed = configured(0.9);
  await panel.getByLabel('Preset', { exact: true }).selectOption({ label: 'Warm' });
  await changed;
  assert.equal(await temperature(), 0.9);

  // Delete it: gone from the list and the settings.
  await panel.getByRole('button', { name: 'Delete this preset' }).click();
  await panel.getByLabel('Preset', { exact: true }).locator('option', { hasText: 'Warm' }).waitFor({ state: 'detached' });
  assert.deepEqual((await app.api.api.chat.presets({})).saved, []);
  assert.deepEqual(pageErrors(page), []);
});
