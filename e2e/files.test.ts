// Files in Chromium against the headless host: a two-column PDF, a DOCX and an HTML page dropped on
// the window together (a synthetic drop with real File objects, uploaded through POST /upload) land
// in the library with their kinds, a summary runs with progress and is stored; a long document goes
// map-reduce with its chunk count shown; a bad file gets its message and stores nothing. The model has
// Gemma 3's real 262,144-token vocabulary (random weights): token counts are real Gemma 3 counts and are
// checked against our own tokenizer; the text it writes is not, so content is never asserted.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ApiClient } from '../renderer/src/api/client.ts';
import { articleHtml, docx, encryptedPdf, sentences, twoColumnPdf } from '../electron/core/docs/fixtures.ts';
import { openGguf } from '../electron/core/engine/gguf/reader.ts';
import { modelTokenizer } from '../electron/core/datasets/tokenizer.ts';
import { summaryPrompt } from '../electron/core/playground/prompts.ts';
import { ensureRealVocabModel } from '../test-support/models.ts';
import { openApp, pageErrors } from './support/browser.ts';
import { startAppWithModel } from './support/app.ts';
import { repoRoot, type TestHost } from './support/host.ts';

const shots = join(repoRoot, '.cache', 'screenshots');
let host: TestHost;
let api: ApiClient;
let browser: Browser;
let page: Page;
let modelPath: string;

before(async () => {
  modelPath = await ensureRealVocabModel('small', 'F32');
  ({ host, api, browser } = await startAppWithModel(modelPath));
});

/** The context the host gives a summary: the model's trained context, at most 4096 (no setting changed). */
function summaryContext(): number {
  const f = openGguf(modelPath);
  try {
    return Math.min(4096, Number(f.metadata[`${String(f.metadata['general.architecture'])}.context_length`]));
  } finally {
    f.close();
  }
}

/** Drops files on the window the way a user's drag does: dragenter (the drop zone shows), then drop. */
async function dropFiles(p: Page, files: { name: string; bytes: Uint8Array | string; type: string }[]) {
  const payload = files.map((f) => ({ name: f.name, type: f.type, b64: Buffer.from(f.bytes).toString('base64') }));
  const dt = await p.evaluateHandle((fs) => {
    const transfer = new DataTransfer();
    for (const f of fs) transfer.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    return transfer;
  }, payload);
  await p.dispatchEvent('main', 'dragenter', { dataTransfer: dt });
  await p.getByTestId('drop-zone').waitFor();
  await p.dispatchEvent('main', 'dragover', { dataTransfer: dt });
  await p.dispatchEvent('main', 'drop', { dataTransfer: dt });
  await p.getByTestId('drop-zone').waitFor({ state: 'detached' });
}

test('a PDF, a DOCX and an HTML page dropped anywhere are read, listed and summarized', async () => {
  page = await openApp(browser, host, { hash: '#/chat' });
  await dropFiles(page, [
    { name: 'columns.pdf', bytes: await twoColumnPdf(10), type: 'application/pdf' },
    {
      name: 'notes.docx',
      bytes: await docx('Meeting notes', [sentences(3, 5), sentences(3, 6)]),
      type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    },
    { name: 'article.html', bytes: articleHtml('Harbor news', [sentences(4, 8), sentences(4, 9)]), type: 'text/html' },
  ]);
  // The drop opens the Files screen on the first document, whose summary is running or done.
  await page.locator('main[data-screen-active="files"]').waitFor();
  await page.getByTestId('document-row').nth(2).waitFor();
  const docs = await api.api.documents.list();
  assert.deepEqual(docs.map((d) => d.kind).sort(), ['docx', 'html', 'pdf']);
  const pdf = docs.find((d) => d.kind === 'pdf')!;
  assert.equal(pdf.pages, 1);
  const pdfText = (await api.api.documents.get({ id: pdf.id })).text;
  assert.ok(pdfText.indexOf('LEFT-10 ') < pdfText.indexOf('RIGHT-1 '), 'the left column is read before the right one');
  await page.getByTestId('document-row').filter({ hasText: 'columns.pdf' }).click();
  await page
    .getByTestId('document-warnings')
    .getByText(/two columns/)
    .waitFor();
  // Progress while it runs: the run bar's progress bar and the job's message.
  await page.getByTestId('summary-view').getByRole('progressbar').waitFor();
  await page.screenshot({ path: join(shots, 'files-summarizing.png') });
  await page.locator('[data-testid="summary-view"] [data-testid="run-bar"][data-status="complete"]').waitFor({ timeout: 600_000 });
  await page.getByTestId('summary-mode').getByText('Summarized whole').waitFor();
  const stored = (await api.api.documents.list()).find((d) => d.id === pdf.id)!;
  assert.ok(stored.latestSummary, 'the summary is stored with the document');
  assert.equal((await page.getByTestId('final-summary').textContent())?.trim(), stored.latestSummary.text.trim());
  await page.screenshot({ path: join(shots, 'files-summary.png') });

  // The stored summary becomes a dataset row: the whole-document prompt the model saw, and the summary.
  await page.getByLabel('New dataset name').fill('Summaries');
  await page.getByRole('button', { name: 'Add 1 to dataset' }).click();
  await page.getByRole('status').filter({ hasText: 'Added 1 row to “Summaries”.' }).waitFor();
  const run = await api.api.playground.get({ runId: stored.latestSummary.runId });
  assert.ok(run.config.kind === 'summarize');
  const dataset = (await api.api.datasets.list({})).find((d) => d.name === 'Summaries')!;
  assert.deepEqual(
    (await api.api.datasets.rows({ id: dataset.id })).map((r) => r.messages),
    [
      [
        { role: 'user', content: summaryPrompt(pdfText, run.config.length, run.config.style) },
        { role: 'assistant', content: stored.latestSummary.text },
      ],
    ],
  );
  assert.deepEqual(pageErrors(page), []);
});

test('a long document goes map-reduce: the chunk count is shown and each chunk gets a partial summary', async () => {
  // Longer than the context by a third, counted with our own Gemma 3 tokenizer (not llama.cpp's).
  const { tokenize } = modelTokenizer(modelPath);
  const context = summaryContext();
  const paragraphs: string[] = [];
  while (tokenize(paragraphs.join('\n\n'), { addBos: false }).length < context * 1.35)
    paragraphs.push(sentences(6, 40 + paragraphs.length));
  const long = paragraphs.join('\n\n');
  await dropFiles(page, [{ name: 'long.md', bytes: `# Long\n\n${long}`, type: 'text/markdown' }]);
  const row = page.getByTestId('document-row').filter({ hasText: 'long.md' });
  await row.waitFor();
  await row.click();
  await page.getByTestId('chunk').first().waitFor({ timeout: 600_000 });
  await page.locator('[data-testid="summary-view"] [data-testid="run-bar"][data-status="complete"]').waitFor({ timeout: 900_000 });
  const doc = (await api.api.documents.list()).find((d) => d.name === 'long.md')!;
  const run = await api.api.playground.get({ runId: doc.latestSummary!.runId });
  assert.ok(run.result?.kind === 'summarize' && run.result.mode === 'map-reduce');
  const stored = (await api.api.documents.get({ id: doc.id })).text;
  assert.equal(run.result.documentTokens, tokenize(stored, { addBos: false }).length, "llama.cpp's count is our tokenizer's count");
  assert.ok(run.result.documentTokens > context);
  assert.ok(
    run.result.chunks >= Math.ceil(run.result.documentTokens / context),
    `${run.result.chunks} chunks for ${run.result.documentTokens} tokens in a ${context}-token context`,
  );
  await page.getByTestId('summary-mode').getByText(`Map-reduce over ${run.result.chunks} chunks`).waitFor();
  assert.equal(await page.getByTestId('chunk').count(), run.items.length);
  assert.equal(await page.locator('[data-testid="chunk"][data-status="done"]').count(), run.items.length);
  await page.screenshot({ path: join(shots, 'files-map-reduce.png') });
});

test('a password-protected PDF gets its message and nothing is stored', async () => {
  const before = (await api.api.documents.list()).length;
  await dropFiles(page, [{ name: 'secret.pdf', bytes: await encryptedPdf(), type: 'application/pdf' }]);
  await page
    .getByTestId('drop-error')
    .getByText(/secret\.pdf is password-protected/)
    .waitFor();
  assert.equal((await api.api.documents.list()).length, before);
});
