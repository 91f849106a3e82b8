// A chat session created in the UI goes through the API into SQLite and survives the host being
// killed (SIGKILL, no shutdown code runs) and started again on the same database.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, openApp, pageErrors } from './support/browser.ts';
import { spawnHostProcess, tempDir } from './support/host.ts';

const dir = tempDir();

/**
 * Gives the single session in the list a title. "New chat" may open the title for editing at once,
 * or (when the composer takes focus first) leave it as a list item to double-click: handle both.
 */
async function setTitleOfOnlySession(page: Page, title: string): Promise<void> {
  const input = page.getByLabel('Session title');
  const item = page.getByRole('list', { name: 'Chat sessions' }).locator('[data-session-id]');
  for (let attempt = 0; attempt < 3; attempt++) {
    await input.or(item).first().waitFor();
    if (!(await input.isVisible())) await item.first().dblclick();
    try {
      await input.fill(title, { timeout: 2000 });
      await input.press('Enter', { timeout: 2000 }); // if focus moved away meanwhile, blur already saved the title
      return;
    } catch {
      // the editor closed before we typed: open it again
    }
  }
  throw new Error(`could not edit the session title to ${JSON.stringify(title)}`);
}
after(() => dir.cleanup());

test('create a chat session in the UI, kill -9 the host, restart it: the session is still listed', async () => {
  const db = join(dir.path, 'roundtrip.db');
  const browser = await launchBrowser();
  try {
    const first = await spawnHostProcess({ dataDir: dir.path, db });
    let page = await openApp(browser, first);
    await page.getByRole('button', { name: 'New chat', exact: true }).click();
    const sessions = page.getByRole('list', { name: 'Chat sessions' });
    await setTitleOfOnlySession(page, 'Sampling experiments');
    await sessions.getByText('Sampling experiments').waitFor();
    await page.getByTestId('conversation-title').getByText('Sampling experiments').waitFor();
    // Rename once more, so the update path is covered as well as the insert.
    await sessions.getByRole('button', { name: 'Rename Sampling experiments' }).click();
    await page.getByLabel('Session title').fill('Sampling experiments (top-p)');
    await page.getByLabel('Session title').press('Enter');
    await sessions.getByText('Sampling experiments (top-p)').waitFor();
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();

    await first.kill9();

    const second = await spawnHostProcess({ dataDir: dir.path, db });
    page = await openApp(browser, second);
    await page.getByRole('list', { name: 'Chat sessions' }).getByText('Sampling experiments (top-p)').waitFor();
    assert.equal(await page.getByRole('list', { name: 'Chat sessions' }).getByRole('listitem').count(), 1);

    // Delete it in the UI; the row is gone from SQLite too.
    await page.getByRole('button', { name: 'Delete Sampling experiments (top-p)' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('No chats yet.').waitFor();
    await page.context().close();
    assert.equal(await second.stop(), 0, 'SIGTERM shuts the host down cleanly');

    const check = new Database(db, { readonly: true });
    assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(check.prepare('SELECT title FROM chat_sessions').all(), []);
    check.close();
  } finally {
    await browser.close();
  }
});

test('an open page reconnects when the host comes back on the same port, and reloads its data', async () => {
  const db = join(dir.path, 'reconnect.db');
  const token = 'reconnect-token-0123456789';
  const browser = await launchBrowser();
  try {
    const first = await spawnHostProcess({ dataDir: dir.path, db, token });
    const page = await openApp(browser, first);
    await page.getByText('No chats yet.').waitFor();
    await first.kill9();
    await page
      .getByTestId('status-connection')
      .getByText(/^Disconnected · reconnecting…$/)
      .waitFor();
    // Nothing stale is shown as current while the host is away (issue 11, item 8).
    await page.getByTestId('status-model').getByText('unknown (disconnected)').waitFor();
    await page.getByTestId('status-backend').getByText('unknown (disconnected)').waitFor();
    assert.equal(await page.getByTestId('status-worker-model').count(), 0, 'no "model process ready" from before the disconnect');

    // While it is down, another client would have written to the same database: simulate with SQLite.
    const writer = new Database(db);
    writer
      .prepare('INSERT INTO chat_sessions (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)')
      .run('s-offline', 'Written while the host was down', 1, 1);
    writer.close();

    const second = await spawnHostProcess({ dataDir: dir.path, db, token, port: first.port });
    await page.getByTestId('status-connection').getByText('Connected').waitFor();
    await page.getByTestId('status-worker-model').waitFor();
    await page.getByRole('list', { name: 'Chat sessions' }).getByText('Written while the host was down').waitFor();
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
    await second.stop();
  } finally {
    await browser.close();
  }
});
