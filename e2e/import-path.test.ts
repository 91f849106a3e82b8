// Import by path on the Models screen (issue 11 item 7): a quoted path with ~ is unquoted and expanded,
// a relative path is refused with a reason, errors are one sentence that names the file once, re-importing
// says "Already in the library", the first import becomes the active model, and long variant names are
// shown whole at 1024×700.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureTestModels } from '../test-support/models.ts';
import { goToScreen, launchBrowser, openApp, pageErrors } from './support/browser.ts';
import { repoRoot, startTestHost, tempDir, type TestHost } from './support/host.ts';

const home = tempDir('glassbox-typed-paths-');
const shots = join(repoRoot, '.cache', 'screenshots');
let host: TestHost;
let browser: Browser;
let page: Page;
const savedHome = process.env.HOME;

before(async () => {
  host = await startTestHost();
  browser = await launchBrowser();
  page = await openApp(browser, host, { viewport: { width: 1024, height: 700 } });
  await goToScreen(page, 'models');
});
after(async () => {
  process.env.HOME = savedHome;
  await browser?.close();
  await host?.stop();
  home.cleanup();
});

/** Types `path` into the import box, presses Import and returns the message it leads to. */
async function importTyped(path: string): Promise<string> {
  const message = page.getByTestId('import-message');
  const before = (await message.count()) ? await message.textContent() : null;
  await page.locator('#model-path').fill(path);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForFunction((old) => {
    const el = document.querySelector('[data-testid="import-message"]');
    return el !== null && el.textContent !== old;
  }, before);
  return (await message.textContent()) ?? '';
}

test('typed paths: quotes and ~ handled, relative refused, one-sentence errors, "Already in the library", first import active', async () => {
  const models = await ensureTestModels();
  mkdirSync(join(home.path, 'my models'));
  const inHome = join(home.path, 'my models', 'mini copy.gguf');
  copyFileSync(models.miniF32, inHome);
  process.env.HOME = home.path; // the in-process host expands ~ with os.homedir(), which reads HOME
  const added = await importTyped('"~/my models/mini copy.gguf"');
  process.env.HOME = savedHome;
  assert.match(
    added,
    /^Added Glassbox synthetic mini F32 \(seed 1234, generator v3\) \(gemma3, .* parameters, F32\) and made it the active model, as it is the first\.$/,
  );
  const rows = page.getByTestId('model-row');
  await rows.first().getByText('active', { exact: true }).waitFor();
  assert.equal(await rows.count(), 1);
  assert.equal(await rows.first().locator('[title]').filter({ hasText: 'mini copy.gguf' }).textContent(), inHome, 'the path was expanded');

  // the same file again: not "Added"
  const again = await importTyped(inHome);
  assert.match(again, /^Already in the library: Glassbox synthetic mini F32/);
  assert.equal(await rows.count(), 1);

  // a second model is added but the active one stays
  const second = await importTyped(models.miniQ8);
  assert.match(second, /^Added Glassbox synthetic mini Q8_0 .*\(gemma3, .* Q8_0\)\.$/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="model-row"]').length === 2);
  assert.equal(await page.getByTestId('model-row').filter({ hasText: 'active' }).count(), 1);

  // a relative path: refused, and the message says what to type instead
  assert.equal(
    await importTyped('models/other.gguf'),
    'Could not import "models/other.gguf": give the full path of the .gguf file (starting with / or ~), not a relative one.',
  );

  // files that are not models: one sentence each, the file named once, no reader codes
  const notes = join(home.path, 'notes.gguf');
  writeFileSync(notes, 'these are my notes, not a model\n');
  const missing = join(home.path, 'missing.gguf');
  for (const [path, reason] of [
    [notes, /it is not a GGUF file \(it looks like a text file\)\.$/],
    [missing, /there is no such file \(or it is a folder\)/],
  ] as const) {
    const msg = await importTyped(path);
    assert.ok(msg.startsWith(`Could not import ${path}: `), msg);
    assert.match(msg, reason);
    assert.match(msg, /\.$/);
    assert.equal(msg.split('import').length, 2, `"import" once: ${msg}`);
    assert.doesNotMatch(msg, /BAD_MAGIC|NOT_A_FILE|cannot import this model| — /, msg);
  }

  // long variant names are shown whole at 1024×700 (wrapped, not cut off)
  for (const name of await page.getByTestId('model-name').all()) {
    const fits = await name.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && getComputedStyle(el).textOverflow !== 'ellipsis');
    assert.ok(fits, `cut off: ${await name.textContent()}`);
    assert.match((await name.textContent()) ?? '', /\(seed 1234, generator v3\)/);
  }
  await page.getByRole('table', { name: 'Models' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'models-import-1024x700-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(shots, 'models-import-1024x700-dark.png') });
  assert.deepEqual(pageErrors(page), []);
});
