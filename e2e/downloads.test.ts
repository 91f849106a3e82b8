// Downloads offline (issue 11 item 6): with nothing reachable, a download fails in plain words (not
// "resolving… 0 B" forever) and offers Retry and Remove; a malformed URI is refused in the user's
// words, not the API's. The Hub and the file server are a loopback port that first refuses
// connections and later serves a real model, so Retry is seen to work.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureTestModels } from '../test-support/models.ts';
import { connectApi } from './support/api.ts';
import { goToScreen, launchBrowser, openApp, pageErrors } from './support/browser.ts';
import { repoRoot, startTestHost, type TestHost } from './support/host.ts';

const shots = join(repoRoot, '.cache', 'screenshots');
let host: TestHost;
let browser: Browser;
let port = 0;
let server: Server | null = null;
const savedEndpoint = process.env.HF_ENDPOINT;

/** A loopback port with nothing listening on it (taken, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

before(async () => {
  port = await closedPort();
  process.env.HF_ENDPOINT = `http://127.0.0.1:${port}`; // the Hub is "offline" too
  host = await startTestHost();
  browser = await launchBrowser();
});
after(async () => {
  if (savedEndpoint === undefined) delete process.env.HF_ENDPOINT;
  else process.env.HF_ENDPOINT = savedEndpoint;
  server?.close();
  await browser?.close();
  await host?.stop();
});

async function startDownload(page: Page, uri: string): Promise<void> {
  await page.locator('#download-uri').fill(uri);
  await page.locator('form:has(#download-uri)').getByRole('button', { name: 'Download' }).click();
}

test('offline downloads fail in plain words with Retry and Remove; a bad URI is refused in the user’s words', async () => {
  const api = connectApi(host);
  const page = await openApp(browser, host, { viewport: { width: 1024, height: 700 } });
  await goToScreen(page, 'models');

  // a malformed URI: what to type instead, not "invalid input for models.download: uri: …"
  await startDownload(page, 'gemma 3 270m please');
  const refusal = (await page.getByTestId('download-error').textContent()) ?? '';
  assert.match(refusal, /“gemma 3 270m please” is not a model address Glassbox can download\. Use hf:<user>\/<repo>:<quantization>/);
  assert.doesNotMatch(refusal, /invalid input|models\.download|uri:/);
  // one that passes the form's check but not the core's parser (no quantization): the same kind of sentence
  await startDownload(page, 'hf:ggml-org/gemma-3-270m-it-GGUF');
  assert.match(
    (await page.getByTestId('download-error').textContent()) ?? '',
    /^“hf:ggml-org\/gemma-3-270m-it-GGUF” cannot be downloaded: hf: URI needs a quantization after the repo, e\.g\. hf:ggml-org\/gemma-3-270m-it-GGUF:Q8_0\. Use hf:/,
  );
  assert.equal((await api.api.models.downloads({})).length, 0, 'refused URIs leave no entries');

  // the Hub cannot be reached: the entry fails, named by its URI, with the reason in words
  await startDownload(page, 'hf:glassbox-test/tiny-gemma3:Q8_0');
  const hfRow = page.getByTestId('download-row').filter({ hasText: 'hf:glassbox-test/tiny-gemma3:Q8_0' });
  await hfRow.and(page.locator('[data-state="failed"]')).waitFor();
  assert.equal(await hfRow.getByTestId('download-name').textContent(), 'hf:glassbox-test/tiny-gemma3:Q8_0');
  assert.equal(await hfRow.getByTestId('download-state').textContent(), 'Failed');
  assert.equal(
    await hfRow.getByTestId('download-failure').textContent(),
    `Could not reach 127.0.0.1:${port} to look up hf:glassbox-test/tiny-gemma3:Q8_0: the server refused the connection (nothing is listening there).`,
  );
  const rowText = (await hfRow.textContent()) ?? '';
  assert.doesNotMatch(rowText, /resolving|0 B|fetch failed/, rowText);

  // a plain URL on the refused port: fails the same way; then the server comes up and Retry finishes it
  const url = `http://127.0.0.1:${port}/tiny-gemma3.gguf`;
  await startDownload(page, url);
  const urlRow = page.getByTestId('download-row').filter({ hasText: 'tiny-gemma3.gguf' });
  await urlRow.and(page.locator('[data-state="failed"]')).waitFor();
  assert.equal(
    await urlRow.getByTestId('download-failure').textContent(),
    `Could not reach 127.0.0.1:${port}: the server refused the connection (nothing is listening there).`,
  );
  await page.screenshot({ path: join(shots, 'downloads-offline-1024x700-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(shots, 'downloads-offline-1024x700-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  // Remove forgets the failed hf: entry in the core, not only on screen
  await hfRow.getByRole('button', { name: 'Remove' }).click();
  await hfRow.waitFor({ state: 'detached' });
  assert.deepEqual(
    (await api.api.models.downloads({})).map((d) => d.uri),
    [url],
  );

  const model = readFileSync((await ensureTestModels()).miniF32);
  server = createServer((req, res) => {
    if (req.url !== '/tiny-gemma3.gguf') return ((res.statusCode = 404), res.end());
    res.writeHead(200, { 'content-length': String(model.length) }).end(model);
  });
  await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
  await urlRow.getByRole('button', { name: 'Retry' }).click();
  await urlRow.and(page.locator('[data-state="done"]')).waitFor();
  const added = (await api.api.models.list({})).find((m) => m.sourceUri === url);
  assert.ok(added, 'the retried download is in the library');
  assert.equal(added.sizeBytes, model.length);
  assert.deepEqual(pageErrors(page), []);
  api.close();
  await page.context().close();
});
