// The app shell in Chromium: every screen reachable by mouse and keyboard with an honest empty
// state, the theme persisted in SQLite, the status bar filled from system.status, no CSP violations.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { goToScreen, openApp, pageErrors } from './support/browser.ts';
import { startApp } from './support/app.ts';
import { repoRoot, type TestHost } from './support/host.ts';

const shots = join(repoRoot, '.cache', 'screenshots');
let host: TestHost;
let browser: Browser;
before(async () => {
  mkdirSync(shots, { recursive: true });
  ({ host, browser } = await startApp());
});

const screens = ['chat', 'playground', 'files', 'inspect', 'datasets', 'finetune', 'models', 'settings'];

test('every screen opens from the sidebar and says what it holds', async () => {
  const page = await openApp(browser, host);
  const csp: string[] = [];
  page.on('console', (m) => /Content Security Policy/i.test(m.text()) && csp.push(m.text()));
  for (const id of screens) {
    await goToScreen(page, id);
    assert.equal(await page.locator(`nav [data-screen="${id}"]`).getAttribute('aria-current'), 'page');
    // Every screen has a heading; one that is still an empty state says so and lists what will come.
    await page.locator('main').getByRole('heading').first().waitFor();
    const notBuilt = page.locator('main [role="status"]').getByText('Not built yet');
    if ((await notBuilt.count()) > 0) {
      assert.ok((await page.locator('main [role="status"] li').count()) >= 3, `${id} lists what is planned`);
    }
  }
  // The status bar is filled from system.status (what it says depends on whether a model is loaded).
  await page
    .getByTestId('status-model')
    .getByText(/^Model: .+/)
    .waitFor();
  await page
    .getByTestId('status-backend')
    .getByText(/^Backend: .+/)
    .waitFor();
  await page.getByTestId('status-worker-model').waitFor();
  assert.deepEqual(csp, []);
  assert.deepEqual(pageErrors(page), []);
  // The token left the address bar once the page had it.
  assert.doesNotMatch(page.url(), /token=/);
  await page.context().close();
});

test('keyboard: Ctrl+1..9 switch screens, arrow keys move through the sidebar', async () => {
  const page = await openApp(browser, host);
  await page.keyboard.press('Control+4');
  await page.locator('main[data-screen-active="inspect"]').waitFor();
  await page.keyboard.press('Control+8');
  await page.locator('main[data-screen-active="settings"]').waitFor();
  await page.keyboard.press('Control+1');
  await page.locator('main[data-screen-active="chat"]').waitFor();

  await page.locator('nav [data-screen="chat"]').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-screen')), 'files');
  await page.keyboard.press('Enter');
  await page.locator('main[data-screen-active="files"]').waitFor();
  await page.keyboard.press('Control+9');
  await page.locator('main[data-screen-active="lab"]').waitFor();
  await page.locator('nav [data-screen="files"]').focus();
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-screen')), 'lab', 'the last screen');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-screen')), 'chat', 'wraps around');
  await page.context().close();
});

test('the theme is saved in the database: a new browser context opens dark', async () => {
  let page = await openApp(browser, host, { colorScheme: 'light' });
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('dark')), false);
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await page.locator('html.dark').waitFor({ state: 'attached' });
  await page.context().close();

  // Fresh context: no localStorage, system prefers light — only the stored setting can make it dark.
  page = await openApp(browser, host, { colorScheme: 'light' });
  await page.locator('html.dark').waitFor({ state: 'attached' });
  await goToScreen(page, 'settings');
  assert.equal(await page.getByRole('radio', { name: 'Dark' }).getAttribute('aria-checked'), 'true');
  await page.getByRole('radio', { name: 'Light' }).click();
  await page.waitForFunction(() => !document.documentElement.classList.contains('dark'));
  await page.context().close();
});

test('screenshots of the shell, light and dark', async () => {
  const api = host.core;
  await api.dispatch('sessions.create', { title: 'Gemma 3 sampling notes' });
  await api.dispatch('sessions.create', { title: 'Why does layer 5 saturate?' });
  for (const scheme of ['light', 'dark'] as const) {
    await api.dispatch('settings.set', { key: 'ui.theme', value: scheme });
    const page = await openApp(browser, host, { colorScheme: scheme });
    await page.getByRole('list', { name: 'Chat sessions' }).getByText('Gemma 3 sampling notes').click();
    await page.screenshot({ path: join(shots, `chat-${scheme}.png`) });
    await goToScreen(page, 'inspect');
    await page.screenshot({ path: join(shots, `inspect-${scheme}.png`) });
    await goToScreen(page, 'settings');
    await page.screenshot({ path: join(shots, `settings-${scheme}.png`) });
    await page.context().close();
  }
  await api.dispatch('settings.set', { key: 'ui.theme', value: 'system' });
});
