// A chat session created in the UI goes through the API into SQLite and survives the host being
// killed (SIGKILL, no shutdown code runs) and started again on the same database.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { launchBrowser, openApp, pageErrors } from './support/browser.ts';
import { spawnHostProcess, tempDir } from './support/host.ts';

const dir = tempDir();
after(() => dir.cleanup());

test('create a chat session in the UI, kill -9 the host, restart it: the session is still listed', async () => {
  const db = join(dir.path, 'roundtrip.db');
  const browser = await launchBrowser();
  try {
    const first = await spawnHostProcess({ dataDir: dir.path, db });
    let page = await openApp(browser, first);
    await page.getByRole('button', { name: 'New chat', exact: true }).click();
    const titleInput = page.getByLabel('Session title');
    await titleInput.fill('Sampling experiments');
    await titleInput.press('Enter');
    const sessions = page.getByRole('list', { name: 'Chat sessions' });
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
    await page.getByTestId('status-connection').getByText('Reconnecting…').waitFor();

    // While it is down, another client would have written to the same database: simulate with SQLite.
    const writer = new Database(db);
    writer.prepare('INSERT INTO chat_sessions (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)').run('s-offline', 'Written while the host was down', 1, 1);
    writer.close();

    const second = await spawnHostProcess({ dataDir: dir.path, db, token, port: first.port });
    await page.getByTestId('status-connection').getByText('Connected').waitFor();
    await page.getByRole('list', { name: 'Chat sessions' }).getByText('Written while the host was down').waitFor();
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
    await second.stop();
  } finally {
    await browser.close();
  }
});
